"use client";
import { useMemo, useRef, useState, type PointerEvent } from "react";
import type { RuleChangeResponse, StudySummary } from "@/lib/api/schemas";
import { useTrialPoints } from "@/lib/client/explore-queries";
import { formatParam, formatValue } from "@/lib/client/format";
import { brushToRange, lossAxis, passes, type Brush } from "@/lib/client/parallel-geometry";
import { useAddRule } from "@/lib/client/queries";
import { jitter, valueScale } from "@/lib/client/scatter-geometry";
import { isLog, sequentialColor, unitTicks } from "@/lib/client/units";
import { useWidth } from "@/lib/client/use-width";
import { EmptyState } from "./card";
import { RuleChangeNotice } from "./rule-change-notice";
import { SmallButton } from "./small-button";

const H = 400;
const M = { top: 44, right: 56, bottom: 24, left: 56 };
const PH = H - M.top - M.bottom;
/** Horizontal room each axis needs for its tick labels; narrower containers scroll. */
const MIN_SPACING = 84;

/**
 * Parallel coordinates: one vertical axis per parameter (log where the
 * parameter is log) and one for the loss, one line per trial coloured by its
 * best value. Dragging along an axis brushes a range; trials outside every
 * brush fade. A brushed parameter range becomes a range rule on request.
 */
export function ParallelCoordinates({ study, live }: { study: StudySummary; live: boolean }) {
  const { space, direction, metric } = study;
  const query = useTrialPoints(study.id, live);
  const add = useAddRule(study.id);
  const [change, setChange] = useState<RuleChangeResponse | null>(null);
  const [brushes, setBrushes] = useState<Map<number, Brush>>(new Map());
  const [drag, setDrag] = useState<{ axis: number; from: number; to: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const available = useWidth(box);
  const editable = study.status === "running" || study.status === "paused";

  const data = query.data;
  const axisCount = space.length + 1;
  const W = Math.max(available, M.left + M.right + (axisCount - 1) * MIN_SPACING);
  const spacing = (W - M.left - M.right) / Math.max(1, axisCount - 1);
  const ax = (i: number) => M.left + i * spacing;
  const ay = (t: number) => M.top + (1 - t) * PH;

  const values = useMemo(() => (data?.points ?? []).map((p) => p.best).filter((v): v is number => v !== null && Number.isFinite(v)), [data]);
  const loss = useMemo(() => lossAxis(values, direction), [values, direction]);
  const scale = useMemo(() => valueScale(values, direction), [values, direction]);
  const lines = useMemo(() => {
    if (!data || !loss || !scale) return [];
    return data.points
      .filter((p) => p.best !== null && Number.isFinite(p.best) && p.z.every(Number.isFinite))
      .map((p) => {
        // Brushes test the exact positions; the drawing spreads lines that share a grid value or a category.
        const exact = [...p.z, loss.share(p.best!)];
        const drawn = [...space.map((param, i) => jitter(param, p.z[i], p.trial, i + 1)), exact[exact.length - 1]];
        return { trial: p.trial, best: p.best!, exact, drawn, t: scale.t(p.best!) };
      })
      .sort((a, b) => a.t - b.t);
  }, [data, loss, scale, space]);
  const active = lines.filter((l) => passes(l.exact, brushes));

  const shareAt = (event: PointerEvent<SVGElement>) => {
    const rect = svgRef.current!.getBoundingClientRect();
    return Math.min(1, Math.max(0, 1 - (event.clientY - rect.top - M.top) / PH));
  };
  const onDown = (axis: number) => (event: PointerEvent<SVGRectElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const t = shareAt(event);
    setDrag({ axis, from: t, to: t });
  };
  const onMove = (event: PointerEvent<SVGRectElement>) => {
    if (drag) setDrag({ ...drag, to: shareAt(event) });
  };
  const onUp = () => {
    if (!drag) return;
    const next = new Map(brushes);
    // A click without a drag clears the axis's brush.
    if (Math.abs(drag.to - drag.from) * PH < 4) next.delete(drag.axis);
    else next.set(drag.axis, [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)]);
    setBrushes(next);
    setDrag(null);
  };
  const clear = (axis: number) => {
    const next = new Map(brushes);
    next.delete(axis);
    setBrushes(next);
  };
  const makeRule = (axis: number) => {
    const range = brushToRange(space[axis], brushes.get(axis)!);
    if (!range) return;
    add.mutate({ kind: "range", ...range }, { onSuccess: (res) => (setChange(res), clear(axis)) });
  };

  const axisLabel = (i: number) => (i < space.length ? space[i].name : metric);
  const maxChars = Math.max(6, Math.floor(spacing / 7));
  const scrolls = W > available + 1;
  const shown = (drag ? new Map(brushes).set(drag.axis, [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)]) : brushes) as Map<number, Brush>;
  const stops = Array.from({ length: 11 }, (_, i) => i / 10);

  return (
    <div className="space-y-3" data-testid="parallel-coordinates" data-line-count={lines.length} data-active-count={active.length} data-brush-count={brushes.size}>
      {change && <RuleChangeNotice studyId={study.id} change={change} onDone={() => setChange(null)} />}
      {add.error && (
        <p className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" role="alert" data-testid="parallel-error">
          The range rule could not be made: {add.error.message}
        </p>
      )}
      <div ref={box} className="w-full overflow-x-auto">
        {query.isPending ? (
          <EmptyState className="h-[400px]" testId="parallel-loading">
            Loading the trials…
          </EmptyState>
        ) : query.error ? (
          <EmptyState className="h-[400px]" testId="parallel-load-error">
            The trials could not be loaded: {query.error.message}
          </EmptyState>
        ) : lines.length === 0 ? (
          <EmptyState className="h-[400px]" testId="parallel-empty">
            No trial has reported a value yet.
          </EmptyState>
        ) : (
          <svg ref={svgRef} width={W} height={H} className="touch-none select-none" role="img" aria-label={`parallel coordinates of ${space.length} parameters and ${metric}`} data-testid="parallel-plot">
            <g fill="none" strokeLinejoin="round">
              {lines.map((l) => {
                const on = passes(l.exact, shown);
                return (
                  <path
                    key={l.trial}
                    d={l.drawn.map((t, i) => `${i === 0 ? "M" : "L"}${ax(i).toFixed(1)} ${ay(Math.min(1, Math.max(0, t))).toFixed(1)}`).join("")}
                    stroke={on ? sequentialColor(l.t) : "#cbd5e1"}
                    strokeOpacity={on ? (l.t > 0.9 ? 0.95 : 0.55) : 0.18}
                    strokeWidth={on && l.t > 0.97 ? 2 : 1}
                  />
                );
              })}
            </g>
            {Array.from({ length: axisCount }, (_, i) => {
              const param = i < space.length ? space[i] : null;
              const ticks = param ? unitTicks(param, 0.07).map((t) => ({ t: t.z, label: t.label })) : loss!.ticks;
              const log = param ? isLog(param) : loss!.log;
              const name = axisLabel(i);
              const brush = shown.get(i);
              return (
                <g key={name} data-testid="parallel-axis" data-axis={name}>
                  <line x1={ax(i)} x2={ax(i)} y1={M.top} y2={M.top + PH} stroke="#334155" strokeWidth={1.25} />
                  {ticks.map((t) => (
                    <g key={`${t.label}-${t.t}`}>
                      <line x1={param ? ax(i) - 3 : ax(i)} x2={param ? ax(i) : ax(i) + 3} y1={ay(t.t)} y2={ay(t.t)} stroke="#334155" />
                      <text x={param ? ax(i) - 8 : ax(i) + 8} y={ay(t.t) + 3.5} textAnchor={param ? "end" : "start"} fontSize={10} fill="#475569" stroke="white" strokeWidth={3} paintOrder="stroke">
                        {t.label}
                      </text>
                    </g>
                  ))}
                  <text x={ax(i)} y={16} textAnchor="middle" fontSize={12} fontWeight={500} fill={param ? "#1e293b" : "#4338ca"}>
                    <title>{name}</title>
                    {name.length > maxChars ? `${name.slice(0, maxChars - 1)}…` : name}
                  </text>
                  <text x={ax(i)} y={30} textAnchor="middle" fontSize={10} fill="#64748b">
                    {[log ? "log" : "linear", param ? null : direction === "minimize" ? "lower is better" : "higher is better"].filter(Boolean).join(" · ")}
                  </text>
                  {brush && (
                    <rect x={ax(i) - 5} y={ay(brush[1])} width={10} height={Math.max(1, (brush[1] - brush[0]) * PH)} fill="rgba(79,70,229,0.25)" stroke="#4f46e5" strokeWidth={1.5} rx={2} data-testid="parallel-brush" data-axis={name} />
                  )}
                  <rect
                    x={ax(i) - 14}
                    y={M.top - 4}
                    width={28}
                    height={PH + 8}
                    fill="transparent"
                    className="cursor-ns-resize"
                    onPointerDown={onDown(i)}
                    onPointerMove={onMove}
                    onPointerUp={onUp}
                    onPointerCancel={() => setDrag(null)}
                    data-testid={`parallel-axis-drag-${name}`}
                  >
                    <title>{`Drag along ${name} to brush a range; click to clear it`}</title>
                  </rect>
                </g>
              );
            })}
          </svg>
        )}
      </div>
      {lines.length > 0 && scale && (
        <div className="flex flex-wrap items-start justify-between gap-4 text-xs text-slate-600">
          <div className="space-y-2" data-testid="parallel-brushes">
            <p className="tabular-nums" data-testid="parallel-summary">
              {brushes.size === 0
                ? `${lines.length.toLocaleString("en-US")} trials${data && data.total > lines.length ? ` drawn of ${data.total.toLocaleString("en-US")} (the best half and an even sample of the rest)` : ""}. Drag along an axis to brush a range.`
                : `${active.length.toLocaleString("en-US")} of ${lines.length.toLocaleString("en-US")} trials inside every brush.`}
              {scrolls && " Scroll sideways for every axis."}
            </p>
            {[...brushes].map(([axis, brush]) => {
              const param = axis < space.length ? space[axis] : null;
              const range = param ? brushToRange(param, brush) : null;
              const label = param
                ? param.type === "categorical"
                  ? "choices in the brushed span"
                  : range
                    ? `${formatParam(range.low)} ≤ ${param.name} ≤ ${formatParam(range.high)}`
                    : `${param.name}: no value in the brushed span`
                : `${formatValue(lossValue(loss!, brush[0]))} ≤ ${metric} ≤ ${formatValue(lossValue(loss!, brush[1]))}`;
              return (
                <div key={axis} className="flex flex-wrap items-center gap-2" data-testid="parallel-brush-row" data-axis={axisLabel(axis)}>
                  <span className="font-mono text-[11px] text-slate-800">{label}</span>
                  {param && param.type !== "categorical" && (
                    <SmallButton tone="primary" onClick={() => makeRule(axis)} disabled={!range || !editable || add.isPending} testId={`btn-brush-rule-${param.name}`}>
                      Make range rule
                    </SmallButton>
                  )}
                  <button type="button" className="text-slate-500 underline hover:text-slate-800" onClick={() => clear(axis)} data-testid={`btn-brush-clear-${axisLabel(axis)}`}>
                    clear
                  </button>
                </div>
              );
            })}
            {brushes.size > 0 && !editable && <p className="text-slate-500">The study is {study.status}: rules can be added only while it runs or is paused.</p>}
            {[...brushes.keys()].some((a) => a < space.length && space[a].type === "categorical") && (
              <p className="text-slate-500">A categorical parameter takes a pin or an exclusion (Subspace and Correlations tabs), not a range.</p>
            )}
          </div>
          <div className="w-56">
            <div className="mb-1 font-medium text-slate-700">
              best {metric} ({direction === "minimize" ? "lower" : "higher"} is better)
            </div>
            <div className="h-3 rounded-sm ring-1 ring-slate-200" style={{ background: `linear-gradient(to right, ${stops.map((t) => sequentialColor(t)).join(", ")})` }} />
            <div className="mt-0.5 flex justify-between font-mono tabular-nums text-slate-500">
              <span>{formatValue(scale.worst)}</span>
              <span>{formatValue(scale.median)}</span>
              <span>{formatValue(scale.best)}</span>
            </div>
            <p className="mt-1 text-slate-500">Coloured by rank; the best trials are brightest and drawn on top.</p>
          </div>
        </div>
      )}
    </div>
  );
}

/** The loss value at a share of the loss axis. */
function lossValue(axis: NonNullable<ReturnType<typeof lossAxis>>, t: number): number {
  const [d0, d1] = axis.domain;
  return axis.log ? Math.exp(Math.log(d0) + t * (Math.log(d1) - Math.log(d0))) : d0 + t * (d1 - d0);
}

