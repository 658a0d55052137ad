"use client";
import { useMemo, useRef, useState, type PointerEvent, type ReactNode } from "react";
import type { ParamDef, RuleChangeResponse, RuleView, ScatterResponse, UserRuleInput } from "@/lib/api/schemas";
import { linearAxis } from "@/lib/client/axes";
import { formatParam, formatValue } from "@/lib/client/format";
import { useAddRule, useScatter } from "@/lib/client/queries";
import { sequentialColor, unitTicks } from "@/lib/client/units";
import { boxEntry, jitter, overlays, valueScale, type Overlay, type Rect } from "@/lib/client/scatter-geometry";
import { EmptyState } from "./card";
import { RuleChangeNotice } from "./rule-change-notice";

const W = 640;
const H = 440;
const M = { left: 72, right: 16, top: 14, bottom: 46 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
// Points keep a small margin from the frame, so values at the ends of a range stay whole; shapes reach the frame.
const INSET = 0.03;
const inset = (z: number) => INSET + (1 - 2 * INSET) * z;
const px = (zx: number) => M.left + inset(zx) * PW;
const py = (zy: number) => M.top + (1 - inset(zy)) * PH;
const edge = (z: number) => (z <= 1e-9 ? -INSET / (1 - 2 * INSET) : z >= 1 - 1e-9 ? 1 + INSET / (1 - 2 * INSET) : z);
const sx = (z: number) => px(edge(z));
const sy = (z: number) => py(edge(z));

export function PairScatter({
  studyId,
  space,
  xName,
  yName,
  rules,
  live,
  direction,
  metric,
  editable,
}: {
  studyId: number;
  space: ParamDef[];
  xName: string;
  yName: string;
  rules: RuleView[];
  live: boolean;
  direction: "minimize" | "maximize";
  metric: string;
  /** Whether rules can change (the study runs or is paused); dragging is off otherwise. */
  editable: boolean;
}) {
  const x = space.find((p) => p.name === xName) ?? space[0];
  const y2 = space.find((p) => p.name === yName) ?? space[0];
  const oneD = x.name === y2.name;
  const y = oneD ? null : y2;
  const query = useScatter(studyId, x.name, y2.name, live);
  const add = useAddRule(studyId);
  const [drag, setDrag] = useState<Rect | null>(null);
  const [change, setChange] = useState<RuleChangeResponse | null>(null);
  const [dragError, setDragError] = useState<string | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const data: ScatterResponse | undefined = query.data;

  const scale = useMemo(() => valueScale((data?.points ?? []).map((p) => p.value).filter((v): v is number => v !== null), direction), [data, direction]);
  const valueAxis = useMemo(() => (scale ? linearAxis(scale.axis[0], scale.axis[1] > scale.axis[0] ? scale.axis[1] : scale.axis[0] + 1) : null), [scale]);
  const points = useMemo(() => {
    const rows = (data?.points ?? []).map((p) => {
      const zx = jitter(x, p.zx, p.trial, 1);
      let zy: number;
      if (y) zy = jitter(y, p.zy, p.trial, 2);
      else if (p.value === null || !valueAxis) zy = Number.NaN;
      else zy = (p.value - valueAxis.domain[0]) / (valueAxis.domain[1] - valueAxis.domain[0] || 1);
      // In 1-d, values beyond the axis sit on its edge, drawn hollow.
      const clipped = !y && (zy > 1 || zy < 0);
      if (clipped) zy = Math.min(1, Math.max(0, zy));
      const t = p.value !== null && scale ? scale.t(p.value) : -1;
      return { ...p, zx, zy, t, clipped };
    });
    // The best trials are drawn last, on top.
    return rows.filter((p) => Number.isFinite(p.zy)).sort((a, b) => a.t - b.t);
  }, [data, x, y, scale, valueAxis]);
  const shapes = useMemo(() => overlays(rules, x, y), [rules, x, y]);

  const toUnit = (event: PointerEvent<SVGElement>): [number, number] => {
    const rect = svgRef.current!.getBoundingClientRect();
    const sxp = ((event.clientX - rect.left) / rect.width) * W;
    const syp = ((event.clientY - rect.top) / rect.height) * H;
    const un = (share: number) => Math.min(1, Math.max(0, (share - INSET) / (1 - 2 * INSET)));
    return [un((sxp - M.left) / PW), un(1 - (syp - M.top) / PH)];
  };
  const onDown = (event: PointerEvent<SVGRectElement>) => {
    if (event.button !== 0 || !editable || add.isPending) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const [zx, zy] = toUnit(event);
    setDrag({ x0: zx, x1: zx, y0: oneD ? 0 : zy, y1: oneD ? 1 : zy });
    setDragError(null);
  };
  const onMove = (event: PointerEvent<SVGRectElement>) => {
    if (!drag) return;
    const [zx, zy] = toUnit(event);
    setDrag((d) => (d ? { ...d, x1: zx, y1: oneD ? 1 : zy } : d));
  };
  const onUp = () => {
    if (!drag) return;
    const d = drag;
    setDrag(null);
    if (Math.abs(d.x1 - d.x0) < 0.02 || (!oneD && Math.abs(d.y1 - d.y0) < 0.02)) return;
    const ex = boxEntry(x, d.x0, d.x1);
    const ey = y ? boxEntry(y, d.y0, d.y1) : null;
    if (!ex || (y && !ey)) {
      setDragError("That rectangle holds no value of the parameter; drag across a category's centre or a wider range.");
      return;
    }
    const rule: UserRuleInput = { kind: "exclude", box: ey ? [ex, ey] : [ex] };
    add.mutate(rule, { onSuccess: (res) => setChange(res) });
  };

  const xTicks = unitTicks(x);
  const yTicks = y ? unitTicks(y) : (valueAxis?.ticks ?? []).map((v) => ({ z: (v - valueAxis!.domain[0]) / (valueAxis!.domain[1] - valueAxis!.domain[0] || 1), label: formatValue(v) }));

  return (
    <div className="space-y-3" data-testid="pair-scatter" data-x={x.name} data-y={y2.name} data-point-count={points.length} data-rule-count={shapes.length}>
      {change && <RuleChangeNotice studyId={studyId} change={change} onDone={() => setChange(null)} />}
      {(add.error || dragError) && (
        <p className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" data-testid="scatter-error">
          {dragError ?? `The region could not be excluded: ${add.error?.message}`}
        </p>
      )}
      {query.isPending ? (
        <EmptyState className="h-[440px]">Loading the trials…</EmptyState>
      ) : query.error ? (
        <EmptyState className="h-[440px]" testId="scatter-load-error">
          The scatter could not be loaded: {query.error.message}
        </EmptyState>
      ) : (
        <div className="flex flex-wrap items-start gap-4">
          <svg
            ref={svgRef}
            viewBox={`0 0 ${W} ${H}`}
            className="w-full max-w-[640px] touch-none select-none"
            role="img"
            aria-label={oneD ? `${x.name} against ${metric}` : `${x.name} against ${y2.name}, coloured by ${metric}`}
            data-testid="pair-scatter-plot"
          >
            <defs>
              <pattern id="exclude-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="6" height="6" fill="rgba(244,63,94,0.08)" />
                <line x1="0" y1="0" x2="0" y2="6" stroke="rgba(225,29,72,0.45)" strokeWidth="1.5" />
              </pattern>
              <clipPath id="plot-clip">
                <rect x={M.left} y={M.top} width={PW} height={PH} />
              </clipPath>
            </defs>
            <rect x={M.left} y={M.top} width={PW} height={PH} fill="#f8fafc" stroke="#cbd5e1" />
            {xTicks.map((t) => (
              <g key={`x${t.label}`}>
                <line x1={px(t.z)} x2={px(t.z)} y1={M.top} y2={M.top + PH} stroke="#e2e8f0" strokeDasharray="3 3" />
                <text x={px(t.z)} y={M.top + PH + 16} textAnchor="middle" fontSize={11} fill="#64748b">
                  {t.label}
                </text>
              </g>
            ))}
            {yTicks.map((t) => (
              <g key={`y${t.label}`}>
                <line x1={M.left} x2={M.left + PW} y1={py(t.z)} y2={py(t.z)} stroke="#e2e8f0" strokeDasharray="3 3" />
                <text x={M.left - 6} y={py(t.z) + 4} textAnchor="end" fontSize={11} fill="#64748b">
                  {t.label}
                </text>
              </g>
            ))}
            <text x={M.left + PW / 2} y={H - 8} textAnchor="middle" fontSize={12} fill="#475569">
              {x.name}
              {x.type !== "categorical" && x.log ? " (log)" : ""}
            </text>
            <text transform={`translate(16 ${M.top + PH / 2}) rotate(-90)`} textAnchor="middle" fontSize={12} fill="#475569">
              {y ? `${y.name}${y.type !== "categorical" && y.log ? " (log)" : ""}` : metric}
            </text>

            <g clipPath="url(#plot-clip)">
              {shapes.map((s) => (
                <g key={s.id} data-testid="scatter-rule" data-rule-id={s.id} data-status={s.status}>
                  {s.polygons.map((poly, i) => (
                    <polygon
                      key={i}
                      points={poly.map(([a, b]) => `${sx(a)},${sy(b)}`).join(" ")}
                      fill={s.kind === "exclude" ? "url(#exclude-hatch)" : s.status === "active" ? "rgba(79,70,229,0.08)" : "rgba(245,158,11,0.08)"}
                      stroke={s.kind === "exclude" ? "#e11d48" : s.status === "active" ? "#4f46e5" : "#d97706"}
                      strokeWidth={s.kind === "slab" ? 0 : 1.5}
                      strokeDasharray={s.status === "proposed" ? "5 4" : undefined}
                    />
                  ))}
                  {s.lines.map((line, i) => (
                    <line
                      key={`l${i}`}
                      x1={sx(line[0][0])}
                      y1={sy(line[0][1])}
                      x2={sx(line[1][0])}
                      y2={sy(line[1][1])}
                      stroke={s.kind === "pin" ? "#0f172a" : s.status === "active" ? "#4f46e5" : "#d97706"}
                      strokeWidth={s.kind === "pin" ? 1.5 : 2}
                      strokeDasharray={s.status === "proposed" ? "5 4" : undefined}
                    />
                  ))}
                </g>
              ))}
              {points.map((p) => (
                <circle
                  key={p.trial}
                  cx={px(p.zx)}
                  cy={py(p.zy)}
                  r={p.t >= 0.95 ? 4.5 : 3.5}
                  fill={p.clipped ? "white" : p.t < 0 ? "#cbd5e1" : sequentialColor(p.t)}
                  stroke={p.clipped ? sequentialColor(p.t) : "#0f172a"}
                  strokeOpacity={p.clipped ? 1 : 0.35}
                  strokeWidth={0.75}
                >
                  <title>
                    {`trial #${p.trial}\n${x.name} = ${formatParam(p.x)}${y ? `\n${y.name} = ${formatParam(p.y)}` : ""}\n${metric} = ${formatValue(p.value)}`}
                  </title>
                </circle>
              ))}
              {drag && (
                <rect
                  x={px(Math.min(drag.x0, drag.x1))}
                  y={py(Math.max(drag.y0, drag.y1))}
                  width={Math.abs(drag.x1 - drag.x0) * PW}
                  height={Math.abs(drag.y1 - drag.y0) * PH}
                  fill="rgba(244,63,94,0.12)"
                  stroke="#e11d48"
                  strokeDasharray="4 3"
                  data-testid="scatter-selection"
                />
              )}
            </g>
            <rect
              x={M.left}
              y={M.top}
              width={PW}
              height={PH}
              fill="transparent"
              className={editable ? "cursor-crosshair" : ""}
              onPointerDown={onDown}
              onPointerMove={onMove}
              onPointerUp={onUp}
              onPointerCancel={() => setDrag(null)}
              data-testid="pair-scatter-drag"
            >
              <title>Drag a rectangle to exclude that region</title>
            </rect>
          </svg>
          <ScatterLegend
            scale={scale}
            direction={direction}
            metric={metric}
            total={data?.total ?? 0}
            shown={points.length}
            clipped={points.filter((p) => p.clipped).length}
            oneD={oneD}
            shapes={shapes}
          />
        </div>
      )}
      <p className="text-xs text-slate-500">
        {!editable
          ? "Regions can be excluded while the study runs or is paused."
          : oneD
            ? `Drag across the chart to exclude a range of ${x.name}.`
            : `Drag a rectangle to exclude that region of ${x.name} × ${y2.name}.`}{" "}
        {add.isPending && <span className="text-indigo-600">Adding the rule…</span>}
      </p>
    </div>
  );
}

function ScatterLegend({
  scale,
  direction,
  metric,
  total,
  shown,
  clipped,
  oneD,
  shapes,
}: {
  scale: ReturnType<typeof valueScale>;
  direction: "minimize" | "maximize";
  metric: string;
  total: number;
  shown: number;
  clipped: number;
  oneD: boolean;
  shapes: Overlay[];
}) {
  const stops = Array.from({ length: 11 }, (_, i) => i / 10);
  return (
    <div className="w-52 space-y-3 text-xs text-slate-600" data-testid="scatter-legend">
      {scale && !oneD && (
        <div>
          <div className="mb-1 font-medium text-slate-700">
            {metric} ({direction === "minimize" ? "lower" : "higher"} is better)
          </div>
          <div className="h-3 rounded-sm ring-1 ring-slate-200" style={{ background: `linear-gradient(to right, ${stops.map((t) => sequentialColor(t)).join(", ")})` }} />
          <div className="mt-0.5 flex justify-between font-mono tabular-nums text-slate-500">
            <span>{formatValue(scale.worst)}</span>
            <span>{formatValue(scale.median)}</span>
            <span>{formatValue(scale.best)}</span>
          </div>
          <p className="mt-1 text-slate-500">Coloured by rank (worst, median, best); the best trials are brightest and drawn on top.</p>
        </div>
      )}
      <p className="tabular-nums">
        {shown.toLocaleString("en-US")} of {total.toLocaleString("en-US")} trials
        {clipped > 0 && `; ${clipped} beyond the axis drawn hollow at its edge`}
      </p>
      {shapes.length > 0 && (
        <div>
          <div className="mb-1 font-medium text-slate-700">Rules on these axes</div>
          <ul className="space-y-0.5 font-mono text-[11px]">
            {shapes.map((s) => (
              <li key={s.id} className={s.kind === "exclude" ? "text-rose-700" : s.status === "active" ? "text-indigo-700" : "text-amber-700"}>
                {s.id} <span className="font-sans text-slate-500">({s.status})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <ul className="space-y-1">
        <LegendItem swatch={<span className="block h-3 w-5 border-2 border-indigo-600 bg-indigo-600/10" />} label="active rule (kept region)" />
        <LegendItem swatch={<span className="block h-3 w-5 border-2 border-dashed border-amber-600 bg-amber-500/10" />} label="proposed rule" />
        <LegendItem swatch={<span className="block h-3 w-5 border-2 border-rose-600 bg-rose-500/10" />} label="excluded region" />
        <LegendItem swatch={<span className="block h-0 w-5 border-t-2 border-slate-900" />} label="pinned value" />
      </ul>
    </div>
  );
}

function LegendItem({ swatch, label }: { swatch: ReactNode; label: string }) {
  return (
    <li className="flex items-center gap-2">
      {swatch}
      {label}
    </li>
  );
}
