"use client";
import { useMemo, useRef, useState } from "react";
import type { StudySummary } from "@/lib/api/schemas";
import { useTrialPoints } from "@/lib/client/explore-queries";
import { formatParam, formatValue } from "@/lib/client/format";
import { jitter } from "@/lib/client/scatter-geometry";
import { fitSurface } from "@/lib/client/surface";
import { isLog, sequentialColor, unitTicks } from "@/lib/client/units";
import { useWidth } from "@/lib/client/use-width";
import { EmptyState } from "./card";

const M = { top: 12, right: 12, bottom: 48, left: 72 };
const LEGEND = 230;
/** Below this effective number of trials a cell is drawn pale: the surface there is an extrapolation. */
const THIN = 1;

const selectClass =
  "rounded-md border-0 bg-white py-1 pr-8 pl-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/**
 * A parameter × parameter contour of the fitted surface: the kernel-weighted
 * average of the trials' best values near each point (the other parameters
 * averaged over), as a heat grid with the trials as dots.
 */
export function ContourChart({ study, live }: { study: StudySummary; live: boolean }) {
  const { space, metric, direction } = study;
  const names = space.map((p) => p.name);
  const [pair, setPair] = useState<[string, string]>([names[0], names[Math.min(1, names.length - 1)]]);
  const query = useTrialPoints(study.id, live);
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const side = Math.max(220, Math.min(520, width - (width >= 640 ? LEGEND + 24 : 0) - M.left - M.right));
  const W = side + M.left + M.right;
  const H = side + M.top + M.bottom;
  const xi = names.indexOf(pair[0]);
  const yi = names.indexOf(pair[1]);
  const [px, py] = [space[xi], space[yi]];

  const dots = useMemo(
    () =>
      (query.data?.points ?? [])
        .filter((p) => p.best !== null && Number.isFinite(p.best) && Number.isFinite(p.z[xi]) && Number.isFinite(p.z[yi]))
        .map((p) => ({ trial: p.trial, x: p.z[xi], y: p.z[yi], value: p.best!, params: p.params })),
    [query.data, xi, yi],
  );
  const surface = useMemo(() => (xi === yi ? null : fitSurface(dots, direction)), [dots, direction, xi, yi]);
  // The colour scale spans the cells that are drawn, not the hatched guesses.
  const shownRange = useMemo(() => {
    const v = surface ? surface.values.filter((x, k) => Number.isFinite(x) && surface.support[k] >= THIN) : [];
    return v.length ? { low: Math.min(...v), high: Math.max(...v) } : surface;
  }, [surface]);
  const best = dots.length ? dots.reduce((a, b) => ((direction === "minimize" ? b.value < a.value : b.value > a.value) ? b : a)) : null;
  const t = (v: number) =>
    shownRange && shownRange.high > shownRange.low ? (direction === "minimize" ? (shownRange.high - v) / (shownRange.high - shownRange.low) : (v - shownRange.low) / (shownRange.high - shownRange.low)) : 0.5;
  const sx = (z: number) => M.left + Math.min(1, Math.max(0, z)) * side;
  const sy = (z: number) => M.top + (1 - Math.min(1, Math.max(0, z))) * side;
  const stops = Array.from({ length: 11 }, (_, i) => i / 10);

  return (
    <div className="space-y-3" data-testid="contour" data-x={pair[0]} data-y={pair[1]} data-dot-count={dots.length} data-cells={surface ? surface.n * surface.n : 0}>
      <div className="flex flex-wrap items-center gap-3 text-xs text-slate-500">
        <label className="flex items-center gap-2">
          x
          <select className={selectClass} value={pair[0]} onChange={(e) => setPair([e.target.value, pair[1]])} data-testid="contour-x">
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2">
          y
          <select className={selectClass} value={pair[1]} onChange={(e) => setPair([pair[0], e.target.value])} data-testid="contour-y">
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      </div>
      <div ref={box} className="w-full">
        {query.isPending ? (
          <EmptyState className="h-[440px]" testId="contour-loading">
            Loading the trials…
          </EmptyState>
        ) : query.error ? (
          <EmptyState className="h-[440px]" testId="contour-error">
            The trials could not be loaded: {query.error.message}
          </EmptyState>
        ) : xi === yi ? (
          <EmptyState className="h-[440px]" testId="contour-same">
            Choose two different parameters.
          </EmptyState>
        ) : !surface ? (
          <EmptyState className="h-[440px]" testId="contour-empty">
            No trial has reported a value yet.
          </EmptyState>
        ) : (
          <div className="flex flex-wrap items-start gap-6">
            <svg width={W} height={H} role="img" aria-label={`fitted ${metric} over ${px.name} and ${py.name}`} data-testid="contour-plot">
              <defs>
                <pattern id="contour-thin" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                  <rect width="6" height="6" fill="#f1f5f9" />
                  <line x1="0" y1="0" x2="0" y2="6" stroke="#cbd5e1" strokeWidth="1.5" />
                </pattern>
              </defs>
              {surface.values.map((v, k) => {
                const i = k % surface.n;
                const j = Math.floor(k / surface.n);
                const cell = side / surface.n;
                const thin = surface.support[k] < THIN;
                return (
                  <rect
                    key={k}
                    x={M.left + i * cell}
                    y={M.top + side - (j + 1) * cell}
                    width={cell + 0.5}
                    height={cell + 0.5}
                    fill={Number.isFinite(v) && !thin ? sequentialColor(t(v)) : "url(#contour-thin)"}
                    shapeRendering="crispEdges"
                  />
                );
              })}
              <rect x={M.left} y={M.top} width={side} height={side} fill="none" stroke="#94a3b8" />
              {unitTicks(px, 0.08).map((tk) => (
                <g key={`x${tk.label}`}>
                  <line x1={sx(tk.z)} x2={sx(tk.z)} y1={M.top + side} y2={M.top + side + 4} stroke="#64748b" />
                  <text x={sx(tk.z)} y={M.top + side + 16} textAnchor="middle" fontSize={11} fill="#475569">
                    {tk.label}
                  </text>
                </g>
              ))}
              {unitTicks(py, 0.06).map((tk) => (
                <g key={`y${tk.label}`}>
                  <line x1={M.left - 4} x2={M.left} y1={sy(tk.z)} y2={sy(tk.z)} stroke="#64748b" />
                  <text x={M.left - 7} y={sy(tk.z) + 4} textAnchor="end" fontSize={11} fill="#475569">
                    {tk.label}
                  </text>
                </g>
              ))}
              <text x={M.left + side / 2} y={H - 8} textAnchor="middle" fontSize={12} fill="#334155">
                {`${px.name}${isLog(px) ? " (log)" : ""}`}
              </text>
              <text transform={`translate(16 ${M.top + side / 2}) rotate(-90)`} textAnchor="middle" fontSize={12} fill="#334155">
                {`${py.name}${isLog(py) ? " (log)" : ""}`}
              </text>
              {dots.map((d) => (
                <circle key={d.trial} cx={sx(jitter(px, d.x, d.trial, 1))} cy={sy(jitter(py, d.y, d.trial, 2))} r={2} fill="#0f172a" fillOpacity={0.55} stroke="white" strokeWidth={0.5}>
                  <title>{`trial #${d.trial}: ${px.name} = ${formatParam(d.params[px.name])}, ${py.name} = ${formatParam(d.params[py.name])}, ${metric} ${formatValue(d.value)}`}</title>
                </circle>
              ))}
              {best && (
                <path
                  d={`M${sx(best.x)} ${sy(best.y) - 7}L${sx(best.x) + 6} ${sy(best.y) + 4}L${sx(best.x) - 6} ${sy(best.y) + 4}Z`}
                  fill="#f43f5e"
                  stroke="white"
                  strokeWidth={1.5}
                  data-testid="contour-best"
                >
                  <title>{`best trial #${best.trial}: ${metric} ${formatValue(best.value)}`}</title>
                </path>
              )}
            </svg>
            <div className="w-56 space-y-3 text-xs text-slate-600" data-testid="contour-legend">
              <div>
                <div className="mb-1 font-medium text-slate-700">
                  fitted {metric} ({direction === "minimize" ? "lower" : "higher"} is better)
                </div>
                <div className="h-3 rounded-sm ring-1 ring-slate-200" style={{ background: `linear-gradient(to right, ${stops.map((s) => sequentialColor(s)).join(", ")})` }} />
                <div className="mt-0.5 flex justify-between font-mono tabular-nums text-slate-500">
                  <span>{formatValue(direction === "minimize" ? shownRange!.high : shownRange!.low)}</span>
                  <span>{formatValue(direction === "minimize" ? shownRange!.low : shownRange!.high)}</span>
                </div>
              </div>
              <p>
                Each cell: the average best {metric} of the trials near it, weighted by a Gaussian kernel (bandwidth {Math.round(surface.bandwidth * 100)}% of each axis), over
                every value of the other parameters. Hatched: less than one trial&apos;s weight there, so no value is shown.
              </p>
              <p className="flex items-center gap-2">
                <span className="inline-block size-2 rounded-full bg-slate-900/60" /> a trial ({dots.length.toLocaleString("en-US")}
                {query.data && query.data.total > dots.length ? ` of ${query.data.total.toLocaleString("en-US")}` : ""})
              </p>
              <p className="flex items-center gap-2">
                <span className="inline-block size-0 border-x-[5px] border-b-[9px] border-x-transparent border-b-rose-500" /> the best trial
              </p>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
