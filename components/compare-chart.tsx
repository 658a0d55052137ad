"use client";
import { useMemo } from "react";
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { CompareSeries } from "@/lib/api/compare-schema";
import { formatValue } from "@/lib/client/format";
import { compareAxes, stepLine, type CompareUnit, type StepPoint } from "@/lib/client/compare-series";
import { EmptyState } from "./card";

export type ChartSeries = CompareSeries & { colour: string };

const UNIT_LABEL: Record<CompareUnit, string> = { epochs: "epochs spent", fte: "full-training equivalents (FTE = epochs / max epochs)" };

function formatX(x: number, unit: CompareUnit): string {
  return unit === "epochs" || x >= 1000 ? Math.round(x).toLocaleString("en-US") : String(Number(x.toPrecision(3)));
}

function CompareTooltip({ active, payload, unit, metric }: TooltipContentProps & { unit: CompareUnit; metric: string }) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white/95 px-3 py-2 text-xs shadow-md">
      {payload.map((entry) => {
        const point = entry.payload as StepPoint;
        return (
          <div key={String(entry.name)} className="flex items-baseline gap-2">
            <span className="inline-block size-2 shrink-0 rounded-full" style={{ background: entry.color }} aria-hidden />
            <span className="max-w-48 truncate font-medium text-slate-700">{entry.name}</span>
            <span className="font-mono tabular-nums text-slate-600">
              best {metric} {formatValue(point.best)} at {point.epochs.toLocaleString("en-US")} epochs
              {unit === "fte" ? ` (${formatX(point.x, unit)} FTE)` : ""}
            </span>
          </div>
        );
      })}
    </div>
  );
}

/** Best-so-far against epochs spent (or FTE) for several studies on one chart, one step line and colour each. */
export function CompareChart({ series, unit, logX, metric, direction }: { series: ChartSeries[]; unit: CompareUnit; logX: boolean; metric: string; direction: "minimize" | "maximize" }) {
  const lines = useMemo(() => series.map((s) => ({ id: s.study.id, name: s.study.name, colour: s.colour, data: stepLine(s, unit) })), [series, unit]);
  const axes = useMemo(() => compareAxes(lines.map((l) => l.data), direction, logX), [lines, direction, logX]);
  const log = logX && axes !== null && axes.x.domain[0] > 0;
  const drawn = lines.filter((l) => l.data.length > 0);

  if (!axes) {
    return (
      <EmptyState className="h-[360px]" testId="compare-chart-empty">
        No measurement yet in any of these studies{series.some((s) => s.study.status === "running") ? "; the chart fills in as they train." : "."}
      </EmptyState>
    );
  }
  return (
    <div className="h-[360px] w-full" data-testid="compare-chart" data-series-count={drawn.length} data-unit={unit} data-log-x={log}>
      <LineChart responsive style={{ width: "100%", height: "100%" }} margin={{ top: 8, right: 24, bottom: 28, left: 16 }}>
        <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="x"
          scale={log ? "log" : "linear"}
          domain={axes.x.domain}
          ticks={axes.x.ticks}
          allowDataOverflow
          tickFormatter={(v: number) => formatX(v, unit)}
          tick={{ fontSize: 12, fill: "#64748b" }}
          stroke="#cbd5e1"
          label={{ value: `${UNIT_LABEL[unit]}${log ? ", log scale" : ""}`, position: "insideBottom", offset: -16, fill: "#475569", fontSize: 12 }}
        />
        <YAxis
          type="number"
          dataKey="best"
          domain={axes.y.domain}
          ticks={axes.y.ticks}
          allowDataOverflow
          tickFormatter={(v: number) => formatValue(v)}
          tick={{ fontSize: 12, fill: "#64748b" }}
          stroke="#cbd5e1"
          width={64}
          label={{ value: `best ${metric}`, angle: -90, position: "insideLeft", offset: -4, fill: "#475569", fontSize: 12, style: { textAnchor: "middle" } }}
        />
        <Tooltip content={(props) => <CompareTooltip {...props} unit={unit} metric={metric} />} isAnimationActive={false} />
        {drawn.map((l) => (
          <Line
            key={l.id}
            data={l.data}
            dataKey="best"
            name={l.name}
            type="stepAfter"
            stroke={l.colour}
            strokeWidth={2}
            dot={false}
            activeDot={{ r: 3 }}
            isAnimationActive={false}
            className={`compare-line compare-line-${l.id}`}
          />
        ))}
      </LineChart>
    </div>
  );
}
