"use client";
import { useMemo, useState } from "react";
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { Curve } from "@/lib/api/schemas";
import { epochTicks, linearAxis, logAxis } from "@/lib/client/axes";
import { groupCurves, valuesAt } from "@/lib/client/curve-groups";
import { curveRange } from "@/lib/client/curve-range";
import { formatValue } from "@/lib/client/format";
import { groupLines } from "./curve-group-lines";

const ACCENT = "#4f46e5"; // indigo-600
const ACTIVE = "#64748b"; // slate-500
const DONE = "#94a3b8"; // slate-400
const FADED = "#cbd5e1"; // slate-300

type Row = { epoch: number } & Record<string, number>;

/** The data key of a trial's column in the chart rows. */
export function keyOf(trial: number): string {
  return `t${trial}`;
}

/**
 * The chart's rows (one per epoch, a column per trial) and y-axes that ignore
 * the few diverging curves, which would otherwise squash the rest.
 */
export function prepareCurves(curves: Curve[], direction: "minimize" | "maximize") {
  const rows = new Map<number, Row>();
  let min = Infinity;
  let points = 0;
  for (const curve of curves) {
    for (const [epoch, value] of curve.points) {
      points += 1;
      if (!Number.isFinite(value)) continue;
      let row = rows.get(epoch);
      if (!row) {
        row = { epoch } as Row;
        rows.set(epoch, row);
      }
      row[keyOf(curve.trial)] = value;
      if (value < min) min = value;
    }
  }
  const { lo, hi, beyond } = curveRange(
    curves.map((c) => c.points.map(([, value]) => value)),
    direction,
  );
  const positive = min < Infinity && min > 0;
  return {
    data: [...rows.values()].sort((a, b) => a.epoch - b.epoch),
    points,
    beyond,
    linear: linearAxis(lo, hi),
    log: positive ? logAxis(lo, hi) : null,
  };
}

function CurvesTooltip({ active, label, metric, rows, colours }: TooltipContentProps & { metric: string; rows: Map<number, Row>; colours: Map<string, string> }) {
  const payload = active ? valuesAt(rows, label) : [];
  if (payload.length === 0) return null;
  const entries = [...payload].sort((a, b) => a.value - b.value).slice(0, 6);
  return (
    <div className="rounded-md border border-slate-200 bg-white/95 px-3 py-2 text-xs shadow-md">
      <div className="mb-1 font-medium text-slate-700">epoch {label}</div>
      <table>
        <tbody>
          {entries.map((e) => (
            <tr key={String(e.dataKey)}>
              <td className="pr-3 text-slate-500">trial {e.dataKey.slice(1)}</td>
              <td className="text-right font-mono tabular-nums" style={{ color: colours.get(e.dataKey) === FADED ? DONE : colours.get(e.dataKey) }}>
                {formatValue(e.value)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {payload.length > entries.length && <div className="mt-1 text-slate-400">lowest {entries.length} of {payload.length} {metric} values</div>}
    </div>
  );
}

/**
 * Live learning curves: x = epoch, y = the metric, one line per trial. The
 * best trial is drawn last, thick and in the accent colour; stopped ones fade.
 */
export function LearningCurvesChart({
  curves,
  maxEpochs,
  metric,
  direction,
  bestTrial,
}: {
  curves: Curve[];
  maxEpochs: number;
  metric: string;
  direction: "minimize" | "maximize";
  bestTrial: number | null;
}) {
  const [logScale, setLogScale] = useState(false);
  const { data, points, beyond, linear, log } = useMemo(() => prepareCurves(curves, direction), [curves, direction]);
  const positive = log !== null;
  const yAxis = logScale && log ? log : linear;
  const useLog = logScale && positive;
  const singlePoint = maxEpochs <= 1;
  // Faded first, the best last, so the interesting lines are drawn on top; curves that look alike share one path.
  const { groups, colours, rows } = useMemo(() => {
    const rank = (c: Curve) => (c.trial === bestTrial ? 3 : c.status === "running" ? 2 : c.status === "completed" || c.status === "paused" ? 1 : 0);
    const ordered = [...curves].sort((a, b) => rank(a) - rank(b) || a.trial - b.trial);
    const colourOf = (c: Curve) => {
      const faded = c.trial !== bestTrial && (c.status === "pruned" || c.status === "failed" || c.status === "interrupted");
      return c.trial === bestTrial ? ACCENT : faded ? FADED : c.status === "running" ? ACTIVE : DONE;
    };
    const groups = groupCurves(ordered, (c) => c.points, (c) => {
      const best = c.trial === bestTrial;
      const colour = colourOf(c);
      return { stroke: colour, width: best ? 3 : 1.25, opacity: colour === FADED ? 0.7 : 1, dotRadius: best ? 4 : 2.5 };
    });
    return { groups, colours: new Map(curves.map((c) => [keyOf(c.trial), colourOf(c)])), rows: new Map(data.map((r) => [r.epoch, r])) };
  }, [curves, bestTrial, data]);
  const firstEpoch = singlePoint ? 0 : 1;
  const lastEpoch = Math.max(firstEpoch + 1, maxEpochs);

  return (
    <div data-testid="curves-chart" data-curve-count={curves.length} data-point-count={points} className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3 text-xs text-slate-500">
        <div className="flex flex-wrap items-center gap-4">
          <LegendSwatch color={ACCENT} width={3} label={bestTrial !== null ? `best trial #${bestTrial}` : "best trial"} />
          <LegendSwatch color={ACTIVE} width={1.5} label="running" />
          <LegendSwatch color={DONE} width={1.5} label="completed" />
          <LegendSwatch color={FADED} width={1.5} label="pruned / failed" />
        </div>
        <div className="flex items-center gap-3">
          <span className="tabular-nums">
            {curves.length} curves · {points.toLocaleString("en-US")} measurements
            {beyond > 0 && <> · {beyond} mostly beyond the axis</>}
          </span>
          <label className={`flex items-center gap-1.5 ${positive ? "cursor-pointer" : "cursor-not-allowed opacity-50"}`}>
            <input
              type="checkbox"
              className="accent-indigo-600"
              checked={useLog}
              disabled={!positive}
              onChange={(e) => setLogScale(e.target.checked)}
              data-testid="toggle-log-scale"
            />
            log scale
          </label>
        </div>
      </div>
      {curves.length === 0 ? (
        <div className="grid h-[360px] place-items-center rounded-md border border-dashed border-slate-200 text-sm text-slate-500" data-testid="curves-empty">
          Waiting for the first measurements…
        </div>
      ) : (
        <div className="h-[360px] w-full">
          <LineChart responsive style={{ width: "100%", height: "100%" }} data={data} margin={{ top: 8, right: 16, bottom: 24, left: 16 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="epoch"
              domain={[firstEpoch, lastEpoch]}
              ticks={epochTicks(firstEpoch, lastEpoch)}
              allowDecimals={false}
              tick={{ fontSize: 12, fill: "#64748b" }}
              stroke="#cbd5e1"
              label={{ value: "epoch", position: "insideBottom", offset: -14, fill: "#475569", fontSize: 12 }}
            />
            <YAxis
              type="number"
              scale={useLog ? "log" : "linear"}
              domain={yAxis.domain}
              ticks={yAxis.ticks}
              allowDataOverflow
              tickFormatter={(v: number) => formatValue(v)}
              tick={{ fontSize: 12, fill: "#64748b" }}
              stroke="#cbd5e1"
              width={56}
              label={{ value: `${metric}${useLog ? " (log)" : ""}`, angle: -90, position: "insideLeft", offset: -4, fill: "#475569", fontSize: 12, style: { textAnchor: "middle" } }}
            />
            <Tooltip content={(props) => <CurvesTooltip {...props} metric={metric} rows={rows} colours={colours} />} isAnimationActive={false} />
            {groupLines(groups)}
          </LineChart>
        </div>
      )}
    </div>
  );
}

function LegendSwatch({ color, width, label }: { color: string; width: number; label: string }) {
  return (
    <span className="flex items-center gap-1.5">
      <svg width="18" height="8" aria-hidden>
        <line x1="0" y1="4" x2="18" y2="4" stroke={color} strokeWidth={width} />
      </svg>
      {label}
    </span>
  );
}
