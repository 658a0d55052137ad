"use client";
import { useMemo, useState } from "react";
import type { TrialRow } from "@/lib/api/schemas";
import { formatParam, formatValue } from "@/lib/client/format";
import { StatusBadge } from "./status-badge";

type SortKey = "number" | "bestValue";
type Sort = { key: SortKey; ascending: boolean };

function compare(a: TrialRow, b: TrialRow, sort: Sort): number {
  if (sort.key === "number") return sort.ascending ? a.number - b.number : b.number - a.number;
  // Trials without a value sort last either way.
  if (a.bestValue === null || b.bestValue === null) {
    if (a.bestValue === b.bestValue) return a.number - b.number;
    return a.bestValue === null ? 1 : -1;
  }
  const d = a.bestValue - b.bestValue;
  return (sort.ascending ? d : -d) || a.number - b.number;
}

/** Every trial of a study: sortable by number or best value, the best one highlighted. */
export function TrialsTable({
  trials,
  bestTrial,
  direction,
  metric,
}: {
  trials: TrialRow[];
  bestTrial: number | null;
  direction: "minimize" | "maximize";
  metric: string;
}) {
  const [sort, setSort] = useState<Sort>({ key: "number", ascending: false });
  const rows = useMemo(() => [...trials].sort((a, b) => compare(a, b, sort)), [trials, sort]);

  const toggle = (key: SortKey) =>
    setSort((s) => (s.key === key ? { key, ascending: !s.ascending } : { key, ascending: key === "bestValue" ? direction === "minimize" : false }));
  const arrow = (key: SortKey) => (sort.key === key ? (sort.ascending ? " ↑" : " ↓") : "");

  if (trials.length === 0) {
    return (
      <div className="px-6 py-10 text-center text-sm text-slate-500" data-testid="trials-table" data-trial-count={0}>
        No trials yet.
      </div>
    );
  }

  return (
    <div className="max-h-[560px] overflow-auto">
      <table className="min-w-full text-sm" data-testid="trials-table" data-trial-count={trials.length}>
        <thead className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2.5">
              <button type="button" onClick={() => toggle("number")} className="uppercase hover:text-slate-900" data-testid="sort-number">
                #{arrow("number")}
              </button>
            </th>
            <th className="px-4 py-2.5">Status</th>
            <th className="px-4 py-2.5">Params</th>
            <th className="px-4 py-2.5 text-right">
              <button type="button" onClick={() => toggle("bestValue")} className="uppercase hover:text-slate-900" data-testid="sort-best-value">
                Best {metric}
                {arrow("bestValue")}
              </button>
            </th>
            <th className="px-4 py-2.5 text-right">Best epoch</th>
            <th className="px-4 py-2.5 text-right">Epochs</th>
            <th className="px-4 py-2.5">Reason</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((t) => {
            const best = t.number === bestTrial;
            const faded = t.status === "pruned" || t.status === "failed" || t.status === "interrupted";
            const params = Object.entries(t.params);
            return (
              <tr
                key={t.id}
                className={best ? "bg-indigo-50/70 shadow-[inset_3px_0_0_0_var(--color-indigo-600)]" : "hover:bg-slate-50"}
                data-testid="trial-row"
                data-trial-number={t.number}
                data-status={t.status}
                data-best-value={t.bestValue ?? ""}
                data-best={best ? "true" : undefined}
              >
                <td className={`px-4 py-2 tabular-nums ${best ? "font-semibold text-indigo-700" : "text-slate-700"}`}>{t.number}</td>
                <td className="px-4 py-2">
                  <StatusBadge status={t.status} />
                </td>
                <td className="max-w-md px-4 py-2 font-mono text-xs text-slate-600" title={params.map(([k, v]) => `${k}=${String(v)}`).join("\n")}>
                  <div className="flex flex-wrap gap-x-3 gap-y-0.5">
                    {params.map(([k, v]) => (
                      <span key={k} className="whitespace-nowrap">
                        <span className="text-slate-400">{k}=</span>
                        {formatParam(v)}
                      </span>
                    ))}
                  </div>
                </td>
                <td className={`px-4 py-2 text-right font-mono tabular-nums ${best ? "font-semibold text-indigo-700" : faded ? "text-slate-400" : "text-slate-900"}`}>
                  {formatValue(t.bestValue)}
                </td>
                <td className="px-4 py-2 text-right tabular-nums text-slate-600">{t.bestEpoch ?? "—"}</td>
                <td className="px-4 py-2 text-right tabular-nums text-slate-600">{t.epochs}</td>
                <td className="max-w-56 px-4 py-2 text-xs text-slate-500">
                  {t.reason ?? ""}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
