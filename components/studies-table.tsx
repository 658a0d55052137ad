"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { MAX_COMPARED } from "@/lib/api/compare-schema";
import type { StudySummary } from "@/lib/api/schemas";
import { formatBudget, formatTime, formatValue } from "@/lib/client/format";
import { useStudies } from "@/lib/client/queries";
import { ProgressBar } from "./progress-bar";
import { StatusBadge } from "./status-badge";
import { TagChips } from "./annotations";

/** Keeps the tag filter in the URL (?tag=x), so a reload or a shared link shows the same list. */
function setTagInUrl(tag: string | null): void {
  const url = new URL(window.location.href);
  if (tag) url.searchParams.set("tag", tag);
  else url.searchParams.delete("tag");
  window.history.replaceState(window.history.state, "", url);
}

/** The ids of the studies ticked for comparison. */
function readTicked(form: HTMLFormElement): number[] {
  return [...form.querySelectorAll<HTMLInputElement>('input[name="ids"]:checked')].map((box) => Number(box.value));
}

/** The list of studies, newest first, filterable by tag; live while any study runs. Ticked studies open side by side on /compare. */
export function StudiesTable({ initialStudies, initialTag = null }: { initialStudies: StudySummary[]; initialTag?: string | null }) {
  const { data: studies = [], error } = useStudies(initialStudies);
  const [tag, setTag] = useState<string | null>(initialTag);
  const allTags = [...new Set(studies.flatMap((s) => s.tags))].sort();
  const pick = (next: string | null) => {
    setTag(next);
    setTagInUrl(next);
  };
  const sorted = [...studies].filter((s) => tag === null || s.tags.includes(tag)).sort((a, b) => b.id - a.id);
  const router = useRouter();
  // Counted from the form itself, so boxes ticked before hydration count too.
  const [ticked, setTicked] = useState<number[] | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (form.current) setTicked(readTicked(form.current));
  }, []);
  const compare = (event: FormEvent<HTMLFormElement>) => {
    // Without React the form's GET opens /compare?ids=1&ids=2 natively; with it, the shorter ?ids=1,2.
    event.preventDefault();
    const ids = readTicked(event.currentTarget);
    if (ids.length > 0) router.push(`/compare?ids=${ids.join(",")}`);
  };

  if (studies.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-16 text-center" data-testid="studies-empty">
        <h2 className="text-base font-semibold text-slate-900">No studies yet</h2>
        <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">
          A study searches an objective&apos;s hyperparameters and records every trial and every epoch of its learning curve.
        </p>
        <Link
          href="/studies/new"
          className="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
          data-testid="launch-first-study"
        >
          Launch your first study
        </Link>
      </div>
    );
  }

  const count = ticked?.length ?? 0;
  return (
    <form
      action="/compare"
      method="get"
      className="space-y-3"
      onSubmit={compare}
      onChange={(event) => setTicked(readTicked(event.currentTarget))}
      ref={form}
      data-testid="studies-form"
    >
      {error && (
        <p className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" data-testid="studies-error">
          Could not refresh the studies: {error.message}
        </p>
      )}
      <div className="flex flex-wrap items-center justify-end gap-3 text-sm">
        {(allTags.length > 0 || tag !== null) && (
        <div className="mr-auto flex flex-wrap items-center gap-2 text-slate-600">
          <label htmlFor="tag-filter">Tag</label>
          <select
            id="tag-filter"
            className="rounded-md border-0 bg-white px-2 py-1 text-sm shadow-sm ring-1 ring-inset ring-slate-300"
            value={tag ?? ""}
            onChange={(e) => pick(e.target.value === "" ? null : e.target.value)}
            data-testid="tag-filter"
          >
            <option value="">every study</option>
            {[...new Set([...allTags, ...(tag ? [tag] : [])])].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          {tag !== null && (
            <span data-testid="tag-filter-count">
              {sorted.length} of {studies.length} studies
            </span>
          )}
        </div>
      )}
        <span className="text-slate-500" data-testid="compare-hint">
          {count === 0 ? "Tick studies to race them on one chart" : count > MAX_COMPARED ? `At most ${MAX_COMPARED} at once` : `${count} ticked`}
        </span>
        <button
          type="submit"
          disabled={ticked !== null && (count === 0 || count > MAX_COMPARED)}
          className="rounded-md bg-white px-3 py-1.5 font-medium text-slate-700 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50"
          data-testid="btn-compare"
        >
          Compare
        </button>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full text-sm" data-testid="studies-table">
          <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
            <tr>
              <th className="w-px py-3 pl-4 pr-0">
                <span className="sr-only">Compare</span>
              </th>
              <th className="px-4 py-3">Name</th>
              <th className="px-4 py-3">Objective</th>
              <th className="px-4 py-3">Strategy</th>
              <th className="px-4 py-3">Status</th>
              <th className="px-4 py-3 text-right">Best</th>
              <th className="px-4 py-3">Progress</th>
              <th className="px-4 py-3 text-right">Trials</th>
              <th className="hidden px-4 py-3 lg:table-cell">Created</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {sorted.map((s) => (
              <tr key={s.id} className="hover:bg-slate-50" data-testid="study-row" data-study-id={s.id}>
                <td className="py-3 pl-4 pr-0">
                  <input type="checkbox" name="ids" value={s.id} className="accent-indigo-600" aria-label={`compare ${s.name}`} data-testid="compare-tick" />
                </td>
                <td className="px-4 py-3 font-medium">
                  <Link href={`/studies/${s.id}`} className="text-slate-900 hover:text-indigo-600">
                    {s.name}
                  </Link>
                  {s.tags.length > 0 && (
                    <div className="mt-1">
                      <TagChips tags={s.tags} onPick={(t) => pick(t === tag ? null : t)} active={tag} />
                    </div>
                  )}
                  {s.notes && (
                    <p className="mt-0.5 max-w-xs truncate text-xs font-normal text-slate-500" title={s.notes} data-testid="study-row-notes">
                      {s.notes}
                    </p>
                  )}
                </td>
                <td className="px-4 py-3 text-slate-600" title={s.objective}>
                  {s.objectiveTitle || s.objective}
                </td>
                <td className="px-4 py-3 font-mono text-xs text-slate-600">{s.strategy}</td>
                <td className="px-4 py-3">
                  <StatusBadge status={s.status} />
                </td>
                <td className="px-4 py-3 text-right font-mono tabular-nums" title={`${s.metric}, ${s.direction}`}>
                  {formatValue(s.bestValue)}
                </td>
                <td className="w-48 px-4 py-3">
                  <ProgressBar value={s.progress} label={`${s.name} progress`} />
                  <div className="mt-1 text-xs tabular-nums text-slate-500">{formatBudget(s)}</div>
                </td>
                <td className="px-4 py-3 text-right tabular-nums">{s.trialCount}</td>
                <td className="hidden whitespace-nowrap px-4 py-3 text-slate-500 lg:table-cell">{formatTime(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </form>
  );
}
