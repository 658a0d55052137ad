"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import type { CompareResponse } from "@/lib/api/compare-schema";
import { useComparison } from "@/lib/client/compare-query";
import { commonTarget, mixedMetrics, SERIES_COLOURS, type CompareUnit } from "@/lib/client/compare-series";
import { formatValue, isLive } from "@/lib/client/format";
import { Card, EmptyState } from "./card";
import { CompareChart, type ChartSeries } from "./compare-chart";
import { StatusBadge } from "./status-badge";

function fte(epochs: number, maxEpochs: number): string {
  const v = epochs / Math.max(1, maxEpochs);
  return v >= 1000 ? Math.round(v).toLocaleString("en-US") : String(Number(v.toPrecision(3)));
}

/** Studies side by side: a legend, best-so-far of each on one chart, and a table; live while any of them runs. */
export function CompareView({ ids, initial, missing }: { ids: number[]; initial: CompareResponse; missing: number[] }) {
  const query = useComparison(ids, initial);
  const data = query.data ?? initial;
  const series: ChartSeries[] = useMemo(() => data.series.map((s, i) => ({ ...s, colour: SERIES_COLOURS[i % SERIES_COLOURS.length] })), [data]);
  const sameMaxEpochs = new Set(series.map((s) => s.study.maxEpochs)).size <= 1;
  const [unit, setUnit] = useState<CompareUnit>("fte");
  const [logX, setLogX] = useState(false);
  const mixed = mixedMetrics(data.series);
  const target = commonTarget(data.series);
  const live = data.series.some((s) => isLive(s.study));
  const first = series[0]?.study;

  return (
    <div className="space-y-6" data-testid="compare-view" data-live={live}>
      {missing.length > 0 && (
        <p className="rounded-md bg-amber-50 px-4 py-2 text-sm text-amber-800" data-testid="compare-missing">
          {missing.length === 1 ? `Study ${missing[0]} does not exist` : `Studies ${missing.join(", ")} do not exist`}; the others are shown.
        </p>
      )}
      {query.error && (
        <p className="rounded-md bg-amber-50 px-4 py-2 text-sm text-amber-800" data-testid="compare-refresh-error">
          Live updates failed: {query.error.message}. Retrying…
        </p>
      )}
      {mixed && (
        <p className="rounded-md bg-amber-50 px-4 py-2 text-sm text-amber-800" data-testid="compare-mixed">
          These studies do not measure the same thing ({mixed}): their lines share one axis, but their values do not compare.
        </p>
      )}

      <Card
        title="Best so far"
        subtitle={unit === "fte" ? "against full-training equivalents spent" : "against epochs spent"}
        actions={
          <div className="flex items-center gap-3 text-xs">
          <label className="flex cursor-pointer items-center gap-1.5 text-slate-500">
            <input type="checkbox" className="accent-indigo-600" checked={logX} onChange={(e) => setLogX(e.target.checked)} data-testid="compare-log-x" />
            log x
          </label>
          <div className="flex rounded-md ring-1 ring-slate-200" role="group" aria-label="x axis unit">
            {(["fte", "epochs"] as const).map((u) => (
              <button
                key={u}
                type="button"
                onClick={() => setUnit(u)}
                aria-pressed={unit === u}
                className={`px-2 py-0.5 first:rounded-l-md last:rounded-r-md ${unit === u ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-50"}`}
                data-testid={`compare-unit-${u}`}
                title={u === "fte" ? "epochs / the study's max epochs: a full training is 1" : "epochs trained, all trials together"}
              >
                {u === "fte" ? "FTE" : "epochs"}
              </button>
            ))}
          </div>
          </div>
        }
      >
        <ul className="mb-3 flex flex-wrap gap-x-5 gap-y-1.5 text-sm" data-testid="compare-legend">
          {series.map((s) => (
            <li key={s.study.id} className="flex min-w-0 items-center gap-2" data-testid="compare-legend-item" data-study-id={s.study.id} data-colour={s.colour}>
              <span className="inline-block h-0.5 w-5 shrink-0 rounded" style={{ background: s.colour, height: 3 }} aria-hidden />
              <Link href={`/studies/${s.study.id}`} className="max-w-64 truncate font-medium text-slate-800 hover:text-indigo-600" title={s.study.name}>
                {s.study.name}
              </Link>
              <span className="font-mono text-xs text-slate-500">{s.study.strategy}</span>
              {s.points.length === 0 && <span className="text-xs text-slate-400">(no measurement yet)</span>}
            </li>
          ))}
        </ul>
        {first && <CompareChart series={series} unit={unit} logX={logX} metric={mixed ? "value" : first.metric} direction={first.direction} />}
        {!sameMaxEpochs && unit === "epochs" && (
          <p className="mt-2 text-xs text-slate-500" data-testid="compare-max-epochs-note">
            These studies train to different max epochs; FTE puts them on one scale.
          </p>
        )}
      </Card>

      <Card
        title="Studies"
        subtitle={target ? `${first?.metric} ${formatValue(target.value)} is the level every study reached` : undefined}
        flush
      >
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" data-testid="compare-table">
            <thead className="whitespace-nowrap border-b border-slate-200 bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2.5">Study</th>
                <th className="hidden px-4 py-2.5 lg:table-cell">Strategy</th>
                <th className="px-4 py-2.5">Status</th>
                <th className="px-4 py-2.5 text-right">Best</th>
                <th className="px-4 py-2.5 text-right" title="epochs trained, all trials together; below, in full-training equivalents (epochs / max epochs)">
                  Spent
                </th>
                <th className="px-4 py-2.5 text-right">Trials</th>
                {target && (
                  <th className="px-4 py-2.5 text-right" title="epochs until the best so far first reached the level every study reached">
                    Reached {formatValue(target.value)}
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {series.map((s, i) => (
                <tr key={s.study.id} data-testid="compare-row" data-study-id={s.study.id}>
                  <td className="px-4 py-2.5">
                    <span className="flex min-w-0 items-center gap-2">
                      <span className="inline-block size-2.5 shrink-0 rounded-full" style={{ background: s.colour }} aria-hidden />
                      <Link href={`/studies/${s.study.id}`} className="max-w-72 truncate font-medium text-slate-900 hover:text-indigo-600" title={s.study.name}>
                        {s.study.name}
                      </Link>
                    </span>
                  </td>
                  <td className="hidden px-4 py-2.5 font-mono text-xs text-slate-600 lg:table-cell">{s.study.strategy}</td>
                  <td className="px-4 py-2.5">
                    <StatusBadge status={s.study.status} />
                  </td>
                  <td className="px-4 py-2.5 text-right font-mono tabular-nums" data-testid="compare-best" data-value={s.study.bestValue ?? ""} title={`${s.study.direction} ${s.study.metric}`}>
                    {formatValue(s.study.bestValue)}
                  </td>
                  <td className="whitespace-nowrap px-4 py-2.5 text-right tabular-nums" data-testid="compare-epochs" data-value={s.study.epochsSpent}>
                    {s.study.epochsSpent.toLocaleString("en-US")} epochs
                    <div className="text-xs text-slate-500">{fte(s.study.epochsSpent, s.study.maxEpochs)} FTE</div>
                  </td>
                  <td className="px-4 py-2.5 text-right tabular-nums" data-testid="compare-trials" data-value={s.study.trialCount}>
                    {s.study.trialCount.toLocaleString("en-US")}
                  </td>
                  {target && (
                    <td className="whitespace-nowrap px-4 py-2.5 text-right tabular-nums" data-testid="compare-to-target">
                      {target.epochs[i] === null ? (
                        "—"
                      ) : (
                        <>
                          {target.epochs[i]!.toLocaleString("en-US")} epochs
                          <div className="text-xs text-slate-500">{fte(target.epochs[i]!, s.study.maxEpochs)} FTE</div>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}

/** The compare page without studies: how to choose them. */
export function CompareEmpty({ problem }: { problem?: string }) {
  return (
    <EmptyState className="h-64" testId={problem ? "compare-problem" : "compare-empty"}>
      {problem ? <p className="mb-2 font-medium text-rose-700">{problem}</p> : <p className="mb-2 font-medium text-slate-700">No studies chosen</p>}
      <p>
        Tick two or more studies on the{" "}
        <Link href="/" className="font-medium text-indigo-600 hover:text-indigo-500">
          studies list
        </Link>{" "}
        and press Compare to race them on one chart.
      </p>
    </EmptyState>
  );
}
