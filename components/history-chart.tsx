"use client";
import { useMemo } from "react";
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { linearAxis, logAxis } from "@/lib/client/axes";
import { formatValue } from "@/lib/client/format";
import { useHistory } from "@/lib/client/queries";
import { EmptyState } from "./card";

const ACCENT = "#4f46e5"; // indigo-600

function HistoryTooltip({ active, payload, metric }: TooltipContentProps & { metric: string }) {
  const point = active && payload?.[0] ? (payload[0].payload as { epochs: number; best: number }) : null;
  if (!point) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white/95 px-3 py-2 text-xs shadow-md">
      <div className="font-medium text-slate-700">{point.epochs.toLocaleString("en-US")} epochs spent</div>
      <div className="font-mono tabular-nums text-indigo-700">
        best {metric} {formatValue(point.best)}
      </div>
    </div>
  );
}

/** The best value so far (a step line) against the epochs spent: how fast the search found what it found. */
export function HistoryChart({
  studyId,
  live,
  metric,
  direction,
  budget,
  epochsSpent,
  logY = false,
}: {
  studyId: number;
  live: boolean;
  metric: string;
  direction: "minimize" | "maximize";
  budget: number | null;
  /** Extends the last step to the epochs spent so far. */
  epochsSpent: number;
  /** A log value axis, where every value is positive. */
  logY?: boolean;
}) {
  const query = useHistory(studyId, live);
  const points = query.data?.points;
  const data = useMemo(() => {
    const rows = (points ?? []).map(([epochs, best]) => ({ epochs, best }));
    const last = rows[rows.length - 1];
    if (last && epochsSpent > last.epochs) rows.push({ epochs: epochsSpent, best: last.best });
    return rows;
  }, [points, epochsSpent]);
  const axes = useMemo(() => {
    const values = data.map((d) => d.best).filter(Number.isFinite);
    if (values.length === 0) return null;
    // The first values are often far off; keep the last 90% of the history in view.
    const sorted = [...values].sort((a, b) => a - b);
    const cut = sorted[Math.floor(0.9 * (sorted.length - 1))];
    const lo = direction === "minimize" ? sorted[0] : sorted[Math.floor(0.1 * (sorted.length - 1))];
    const hi = direction === "minimize" ? cut : sorted[sorted.length - 1];
    const log = logY && lo > 0;
    const y = log ? logAxis(lo, hi > lo ? hi : lo * 2) : linearAxis(lo, hi > lo ? hi : lo + Math.max(1e-9, Math.abs(lo) * 0.1));
    const lastEpochs = data[data.length - 1].epochs;
    const x = linearAxis(0, Math.max(1, budget !== null && lastEpochs > 0.5 * budget ? budget : lastEpochs));
    return { x, y, log };
  }, [data, direction, budget, logY]);

  return (
    <div data-testid="history-chart" data-point-count={points?.length ?? 0} data-log={axes?.log ?? false}>
      {query.isPending ? (
        <EmptyState className="h-[220px]">Loading the history…</EmptyState>
      ) : query.error ? (
        <EmptyState className="h-[220px]" testId="history-error">
          The history could not be loaded: {query.error.message}
        </EmptyState>
      ) : !axes ? (
        <EmptyState className="h-[220px]" testId="history-empty">
          No measurement yet.
        </EmptyState>
      ) : (
        <div className="h-[220px] w-full">
          <LineChart responsive style={{ width: "100%", height: "100%" }} data={data} margin={{ top: 8, right: 16, bottom: 24, left: 16 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="epochs"
              domain={axes.x.domain}
              ticks={axes.x.ticks}
              tickFormatter={(v: number) => v.toLocaleString("en-US")}
              tick={{ fontSize: 12, fill: "#64748b" }}
              stroke="#cbd5e1"
              label={{ value: "epochs spent", position: "insideBottom", offset: -14, fill: "#475569", fontSize: 12 }}
            />
            <YAxis
              type="number"
              scale={axes.log ? "log" : "auto"}
              domain={axes.y.domain}
              ticks={axes.y.ticks}
              allowDataOverflow
              tickFormatter={(v: number) => formatValue(v)}
              tick={{ fontSize: 12, fill: "#64748b" }}
              stroke="#cbd5e1"
              width={56}
              label={{ value: `best ${metric}${axes.log ? " (log)" : ""}`, angle: -90, position: "insideLeft", offset: -4, fill: "#475569", fontSize: 12, style: { textAnchor: "middle" } }}
            />
            <Tooltip content={(props) => <HistoryTooltip {...props} metric={metric} />} isAnimationActive={false} />
            <Line dataKey="best" type="stepAfter" stroke={ACCENT} strokeWidth={2} dot={false} isAnimationActive={false} />
          </LineChart>
        </div>
      )}
    </div>
  );
}
