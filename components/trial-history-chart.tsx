"use client";
import { useMemo, useRef } from "react";
import type { StudySummary } from "@/lib/api/schemas";
import { linearAxis } from "@/lib/client/axes";
import { useTrialPoints } from "@/lib/client/explore-queries";
import { formatValue } from "@/lib/client/format";
import { valueAxis } from "@/lib/client/history-geometry";
import { useWidth } from "@/lib/client/use-width";
import { EmptyState } from "./card";

const H = 260;
const M = { top: 10, right: 16, bottom: 40, left: 68 };
const PH = H - M.top - M.bottom;

/**
 * Every trial's value at its last epoch against its number (filled: trained
 * to the end; hollow: stopped or paused earlier), and the best so far as a
 * step line over every trial.
 */
export function TrialHistoryChart({ study, live, logY }: { study: StudySummary; live: boolean; logY: boolean }) {
  const { metric, direction, maxEpochs } = study;
  const query = useTrialPoints(study.id, live);
  const box = useRef<HTMLDivElement>(null);
  const W = Math.max(320, useWidth(box));
  const PW = W - M.left - M.right;
  const data = query.data;
  const points = useMemo(() => (data?.points ?? []).filter((p) => p.last !== null && Number.isFinite(p.last)), [data]);
  const y = useMemo(() => valueAxis([...points.map((p) => p.last!), ...(data?.bestSoFar ?? []).map(([, v]) => v)], direction, logY), [points, data, direction, logY]);
  const lastTrial = Math.max(1, ...(data?.bestSoFar ?? []).map(([n]) => n), ...points.map((p) => p.trial));
  const x = linearAxis(0, lastTrial);
  const px = (n: number) => M.left + ((n - x.domain[0]) / (x.domain[1] - x.domain[0] || 1)) * PW;
  const py = (t: number) => M.top + (1 - t) * PH;
  const steps = data?.bestSoFar ?? [];
  let stepPath = "";
  if (y) steps.forEach(([n, v], i) => (stepPath += `${i === 0 ? "M" : "H"}${px(n).toFixed(1)}${i === 0 ? " " : "V"}${py(y.share(v).t).toFixed(1)}`));
  const finals = points.filter((p) => p.epochs >= maxEpochs).length;
  const clipped = y ? points.filter((p) => y.share(p.last!).clipped).length : 0;

  return (
    <div ref={box} data-testid="trial-history" data-point-count={points.length} data-step-count={steps.length} data-log={y?.log ?? false}>
      {query.isPending ? (
        <EmptyState className="h-[260px]" testId="trial-history-loading">
          Loading the trials…
        </EmptyState>
      ) : query.error ? (
        <EmptyState className="h-[260px]" testId="trial-history-error">
          The trials could not be loaded: {query.error.message}
        </EmptyState>
      ) : !y || points.length === 0 ? (
        <EmptyState className="h-[260px]" testId="trial-history-empty">
          No trial has reported a value yet.
        </EmptyState>
      ) : (
        <>
          <svg width={W} height={H} role="img" aria-label={`${metric} of each trial against its number, with the best so far`}>
            <rect x={M.left} y={M.top} width={PW} height={PH} fill="#f8fafc" stroke="#e2e8f0" />
            {x.ticks.map((n) => (
              <g key={`x${n}`}>
                <line x1={px(n)} x2={px(n)} y1={M.top} y2={M.top + PH} stroke="#e2e8f0" strokeDasharray="3 3" />
                <text x={px(n)} y={M.top + PH + 15} textAnchor="middle" fontSize={11} fill="#64748b">
                  {n.toLocaleString("en-US")}
                </text>
              </g>
            ))}
            {y.ticks.map((v) => (
              <g key={`y${v}`}>
                <line x1={M.left} x2={M.left + PW} y1={py(y.share(v).t)} y2={py(y.share(v).t)} stroke="#e2e8f0" strokeDasharray="3 3" />
                <text x={M.left - 6} y={py(y.share(v).t) + 4} textAnchor="end" fontSize={11} fill="#64748b">
                  {formatValue(v)}
                </text>
              </g>
            ))}
            <text x={M.left + PW / 2} y={H - 6} textAnchor="middle" fontSize={12} fill="#475569">
              trial number
            </text>
            <text transform={`translate(14 ${M.top + PH / 2}) rotate(-90)`} textAnchor="middle" fontSize={12} fill="#475569">
              {`${metric}${y.log ? " (log)" : ""}`}
            </text>
            {points.map((p) => {
              const s = y.share(p.last!);
              const final = p.epochs >= maxEpochs;
              return (
                <circle key={p.trial} cx={px(p.trial)} cy={py(s.t)} r={s.clipped ? 2 : final ? 3 : 2.5} fill={final ? "#6366f1" : "white"} fillOpacity={final ? 0.7 : 1} stroke={final ? "#4338ca" : "#94a3b8"} strokeWidth={0.8}>
                  <title>{`trial #${p.trial}: ${metric} ${formatValue(p.last)} at epoch ${p.epochs}${final ? " (the end)" : ""}; best ${formatValue(p.best)}${s.clipped ? "; beyond the axis, drawn at its edge" : ""}`}</title>
                </circle>
              );
            })}
            <path d={stepPath} fill="none" stroke="#059669" strokeWidth={2} data-testid="trial-history-best" />
          </svg>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
            <span className="flex items-center gap-1.5">
              <span className="inline-block size-2.5 rounded-full border border-indigo-700 bg-indigo-500/70" /> trained to epoch {maxEpochs} ({finals.toLocaleString("en-US")})
            </span>
            <span className="flex items-center gap-1.5">
              <span className="inline-block size-2.5 rounded-full border border-slate-400 bg-white" /> {live ? "stopped or paused earlier" : "stopped earlier"}, at its last epoch ({(points.length - finals).toLocaleString("en-US")})
            </span>
            {clipped > 0 && <span data-testid="trial-history-clipped">{clipped.toLocaleString("en-US")} beyond the axis, drawn small at its edge</span>}
            <span className="flex items-center gap-1.5">
              <span className="inline-block h-0.5 w-4 bg-emerald-600" /> best so far (every trial{data && data.total > points.length ? `; ${points.length.toLocaleString("en-US")} of ${data.total.toLocaleString("en-US")} points drawn` : ""})
            </span>
          </div>
        </>
      )}
    </div>
  );
}
