"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type MouseEvent } from "react";
import { trialStatusSchema, type TrialStatusName, type TrialsQuery } from "@/lib/api/schemas";
import { formatParam, formatValue } from "@/lib/client/format";
import { useTrialsPage } from "@/lib/client/queries";
import { StatusBadge } from "./status-badge";

type SortKey = TrialsQuery["sort"];
const PAGE_SIZE = 50;
const STATUSES = trialStatusSchema.options;

/** A study's trials, one page at a time from the server: sortable by clicking a header, filterable by status, the best one highlighted. */
export function TrialsTable({
  studyId,
  live,
  bestTrial,
  direction,
  metric,
}: {
  studyId: number;
  live: boolean;
  bestTrial: number | null;
  direction: "minimize" | "maximize";
  metric: string;
}) {
  const [query, setQuery] = useState<TrialsQuery>({ sort: "number", order: "desc", offset: 0, limit: PAGE_SIZE });
  const page = useTrialsPage(studyId, query, live);
  const router = useRouter();
  // A click anywhere on a row opens its trial, as the number's link does (which keyboards and new tabs use); selecting text does not.
  const openRow = (event: MouseEvent<HTMLTableRowElement>, href: string) => {
    if ((event.target as HTMLElement).closest("a") || window.getSelection()?.toString()) return;
    if (event.metaKey || event.ctrlKey) window.open(href, "_blank");
    else router.push(href);
  };
  const trials = page.data?.trials ?? [];
  const total = page.data?.total ?? 0;

  const toggle = (sort: SortKey) =>
    setQuery((q) => ({
      ...q,
      sort,
      offset: 0,
      // A new column starts at its most useful end: the best values, the longest trials, the newest numbers.
      order: q.sort === sort ? (q.order === "asc" ? "desc" : "asc") : sort === "bestValue" ? (direction === "minimize" ? "asc" : "desc") : sort === "status" ? "asc" : "desc",
    }));
  const arrow = (sort: SortKey) => (query.sort === sort ? (query.order === "asc" ? " ↑" : " ↓") : "");
  const setStatus = (status: TrialStatusName | undefined) => setQuery((q) => ({ ...q, status, offset: 0 }));
  const first = total === 0 ? 0 : query.offset + 1;
  const last = Math.min(total, query.offset + trials.length);

  const header = (sort: SortKey, label: string, align = "") => (
    <th className={`px-4 py-2.5 ${align}`} aria-sort={query.sort === sort ? (query.order === "asc" ? "ascending" : "descending") : undefined}>
      <button type="button" onClick={() => toggle(sort)} className="uppercase hover:text-slate-900" data-testid={`sort-${sort === "bestValue" ? "best-value" : sort}`}>
        {label}
        {arrow(sort)}
      </button>
    </th>
  );

  return (
    <div data-testid="trials-panel" data-total={total}>
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-5 py-2.5 text-sm">
        <label className="flex items-center gap-2 text-slate-600">
          status
          <select
            className="rounded-md border-0 bg-white py-1 pr-8 pl-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none"
            value={query.status ?? ""}
            onChange={(e) => setStatus(e.target.value === "" ? undefined : (e.target.value as TrialStatusName))}
            data-testid="trials-status-filter"
          >
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-center gap-3">
          <span className="tabular-nums text-slate-500" data-testid="trials-showing">
            {page.isPending ? "loading…" : total === 0 ? "no trials" : `showing ${first}–${last} of ${total.toLocaleString("en-US")}`}
          </span>
          <div className="flex gap-1">
            <PageButton disabled={query.offset === 0} onClick={() => setQuery((q) => ({ ...q, offset: Math.max(0, q.offset - q.limit) }))} testId="trials-page-prev">
              ← Prev
            </PageButton>
            <PageButton disabled={query.offset + query.limit >= total} onClick={() => setQuery((q) => ({ ...q, offset: q.offset + q.limit }))} testId="trials-page-next">
              Next →
            </PageButton>
          </div>
        </div>
      </div>
      {page.error && (
        <p className="bg-rose-50 px-5 py-2 text-sm text-rose-700" data-testid="trials-error">
          The trials could not be loaded: {page.error.message}
        </p>
      )}
      {!page.isPending && trials.length === 0 ? (
        <div className="px-6 py-10 text-center text-sm text-slate-500" data-testid="trials-table" data-trial-count={0}>
          {query.status ? `No ${query.status} trials.` : "No trials yet."}
        </div>
      ) : (
        <div className="max-h-[640px] overflow-auto">
          <table
            className={`min-w-full text-sm ${page.isPlaceholderData ? "opacity-60" : ""}`}
            aria-busy={page.isPlaceholderData}
            data-testid="trials-table"
            data-trial-count={trials.length}
          >
            <thead className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
              <tr>
                {header("number", "#")}
                {header("status", "Status")}
                <th className="px-4 py-2.5">Params</th>
                {header("bestValue", `Best ${metric}`, "text-right")}
                <th className="px-4 py-2.5 text-right">Best epoch</th>
                {header("epochs", "Epochs", "text-right")}
                <th className="px-4 py-2.5">Reason</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {trials.map((t) => {
                const best = t.number === bestTrial;
                const faded = t.status === "pruned" || t.status === "failed" || t.status === "interrupted";
                const params = Object.entries(t.params);
                const href = `/studies/${studyId}/trials/${t.number}`;
                return (
                  <tr
                    key={t.id}
                    className={`group cursor-pointer ${best ? "bg-indigo-50/70 shadow-[inset_3px_0_0_0_var(--color-indigo-600)] hover:bg-indigo-100/70" : "hover:bg-slate-50"}`}
                    onClick={(event) => openRow(event, href)}
                    data-testid="trial-row"
                    data-trial-number={t.number}
                    data-status={t.status}
                    data-best-value={t.bestValue ?? ""}
                    data-best={best ? "true" : undefined}
                  >
                    <td className="px-4 py-2 tabular-nums">
                      <Link href={href} className={`hover:underline ${best ? "font-semibold text-indigo-700" : "text-indigo-600"}`} data-testid="trial-link">
                        {t.number}
                      </Link>
                    </td>
                    <td className="px-4 py-2">
                      <StatusBadge status={t.status} />
                    </td>
                    <td className="max-w-md px-4 py-2 font-mono text-xs text-slate-600" data-testid="trial-params" title={params.map(([k, v]) => `${k}=${String(v)}`).join("\n")}>
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
                    <td className="px-4 py-2 text-right tabular-nums text-slate-600">
                      {t.epochs}
                      {t.retrainedEpochs > 0 && (
                        <span className="ml-1 text-xs text-amber-700" title="epochs trained a second time (resumed on an agent without its checkpoint); they count against the budget">
                          +{t.retrainedEpochs}
                        </span>
                      )}
                    </td>
                    <td className="max-w-56 px-4 py-2 text-xs text-slate-500">{t.reason ?? ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function PageButton({ disabled, onClick, testId, children }: { disabled: boolean; onClick: () => void; testId: string; children: string }) {
  return (
    <button
      type="button"
      disabled={disabled}
      onClick={onClick}
      className="rounded-md bg-white px-2.5 py-1 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-40"
      data-testid={testId}
    >
      {children}
    </button>
  );
}
