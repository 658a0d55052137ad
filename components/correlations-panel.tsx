"use client";
import { useState } from "react";
import type { StudySummary } from "@/lib/api/schemas";
import { useStoredEffects } from "@/lib/client/explore-queries";
import { useAnalysis } from "@/lib/client/queries";
import { formatShare } from "@/lib/client/units";
import { Card, EmptyState } from "./card";
import { CorrelationHeatmap } from "./correlation-heatmap";
import { PairScatter } from "./pair-scatter";
import { FidelityFindings } from "./fidelity-findings";
import { ImportanceChart } from "./importance-chart";

/** Where the analysis comes from: the sieve's own rounds, or the same tests run by the dashboard on the stored trials. */
type Source = "rounds" | "stored";

/** Whether a study's strategy runs the sieve's analysis. */
export function runsSieve(strategy: string): boolean {
  return strategy === "sieve" || strategy.startsWith("sieve+");
}

const selectClass =
  "rounded-md border-0 bg-white py-1 pr-8 pl-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/** The correlations tab: importance and the heatmap of one analysis round (the sieve's, or the tests run on the stored trials), and the scatter of the chosen pair. */
export function CorrelationsPanel({ study, live }: { study: StudySummary; live: boolean }) {
  const sieve = runsSieve(study.strategy);
  const [source, setSource] = useState<Source>(sieve ? "rounds" : "stored");
  const analysis = useAnalysis(study.id, live);
  const [epoch, setEpoch] = useState<number | undefined>(undefined);
  const stored = useStoredEffects(study.id, live, source === "stored", epoch);
  const snapshots = analysis.data?.snapshots ?? [];
  const rules = analysis.data?.rules ?? [];
  // null follows the newest round as rounds arrive; a number holds the round the slider chose.
  const [chosen, setChosen] = useState<number | null>(null);
  const index = snapshots.length === 0 ? -1 : chosen === null ? snapshots.length - 1 : Math.min(chosen, snapshots.length - 1);
  const snapshot = source === "stored" ? (stored.data?.snapshot ?? null) : index >= 0 ? snapshots[index] : null;
  const names = study.space.map((p) => p.name);
  const [pair, setPair] = useState<[string, string]>([names[0], names[Math.min(1, names.length - 1)]]);
  const selected: [number, number] = [names.indexOf(pair[1]), names.indexOf(pair[0])];
  const error = source === "stored" ? stored.error : analysis.error;
  const pending = source === "stored" ? stored.isPending : analysis.isPending;

  return (
    <div className="space-y-6">
      <Card
        title="Importance and correlations with the loss"
        subtitle={
          snapshot
            ? source === "rounds"
              ? `round ${index + 1} of ${snapshots.length} · tested at epoch ${snapshot.epoch} · ${snapshot.observations} observations`
              : `tested at epoch ${snapshot.epoch} · ${snapshot.observations} trials`
            : undefined
        }
        testId="correlations"
      >
        <div className="mb-4 flex flex-wrap items-start gap-x-4 gap-y-2 rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600" data-testid="analysis-source" data-source={source}>
          {sieve && (
            <div className="flex shrink-0 overflow-hidden rounded-md ring-1 ring-slate-300" role="group" aria-label="analysis source">
              {(["rounds", "stored"] as const).map((s) => (
                <button
                  key={s}
                  type="button"
                  onClick={() => setSource(s)}
                  aria-pressed={source === s}
                  className={`px-2.5 py-1 font-medium ${source === s ? "bg-indigo-600 text-white" : "bg-white text-slate-600 hover:bg-slate-100"}`}
                  data-testid={`analysis-source-${s}`}
                >
                  {s === "rounds" ? "Sieve's rounds" : "All stored trials"}
                </button>
              ))}
            </div>
          )}
          <p className="min-w-64 flex-1 leading-5">
            {source === "rounds"
              ? "From the sieve's own analysis rounds: each round tests only the sieve's space-filling trials, at the highest epoch enough of them reached, so the trials it chose to exploit do not bias the tests."
              : (stored.data?.source ?? `The same tests the sieve runs, computed by the dashboard on this study's stored trials (${study.strategy}).`)}
            {source === "stored" && stored.data && stored.data.fidelities.length > 1 && (
              <label className="ml-2 inline-flex items-center gap-1.5 whitespace-nowrap text-slate-700">
                test at epoch
                <select
                  className="rounded border-0 bg-white py-0.5 pr-7 pl-1.5 text-xs ring-1 ring-inset ring-slate-300"
                  value={epoch ?? "auto"}
                  onChange={(e) => setEpoch(e.target.value === "auto" ? undefined : Number(e.target.value))}
                  data-testid="analysis-epoch"
                >
                  <option value="auto">default ({stored.data.snapshot?.epoch ?? "none"})</option>
                  {stored.data.fidelities.map((f) => (
                    <option key={f.epoch} value={f.epoch} disabled={f.trials < 16}>
                      {f.epoch} ({f.trials} trials)
                    </option>
                  ))}
                </select>
              </label>
            )}
            {source === "stored" && stored.data?.snapshot && stored.data.computedAt !== stored.data.reports && (
              <span className="ml-1 text-slate-500">
                Computed at {stored.data.computedAt.toLocaleString("en-US")} of {stored.data.reports.toLocaleString("en-US")} reports; recomputed once the tested trials grow by a quarter.
              </span>
            )}
          </p>
        </div>
        {error && (
          <p className="mb-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" data-testid="analysis-error">
            The analysis could not be loaded: {error.message}
          </p>
        )}
        {pending ? (
          <p className="mb-4 text-sm text-slate-500" data-testid="analysis-loading">
            {source === "stored" ? "Running the effect tests on the stored trials…" : "Loading the analysis…"}
          </p>
        ) : source === "stored" ? (
          !snapshot && (
            <p className="mb-4 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600" data-testid="analysis-empty">
              No analysis yet: {stored.data?.reason ?? "the stored trials could not be tested."}
            </p>
          )
        ) : snapshots.length === 0 ? (
          <p className="mb-4 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600" data-testid="analysis-empty">
            No analysis yet: the sieve's first round runs once its initial design is done — 16 full-space trials, or 3 per parameter if that is more — all trained to one epoch.
          </p>
        ) : (
          <div className="mb-5 flex flex-wrap items-center gap-4">
            <label className="flex min-w-72 flex-1 items-center gap-3 text-sm text-slate-600">
              <span className="whitespace-nowrap">Round</span>
              <input
                type="range"
                min={0}
                max={snapshots.length - 1}
                step={1}
                value={index}
                disabled={snapshots.length < 2}
                onChange={(e) => {
                  const next = Number(e.target.value);
                  setChosen(next === snapshots.length - 1 ? null : next);
                }}
                className="flex-1 accent-indigo-600"
                data-testid="snapshot-slider"
                data-index={index}
                data-count={snapshots.length}
                aria-valuetext={snapshot ? `round ${index + 1} of ${snapshots.length}` : undefined}
              />
            </label>
            {snapshot && (
              <span className="text-sm tabular-nums text-slate-600" data-testid="snapshot-label">
                round <b className="font-semibold text-slate-900">{index + 1}</b> of {snapshots.length} · epoch {snapshot.epoch} ·{" "}
                {snapshot.observations} observations · {snapshot.trials} trials · subspace {formatShare(snapshot.volumeShare)} of the space
                {chosen === null && live && <span className="ml-2 text-xs text-indigo-600">following the newest round</span>}
              </span>
            )}
          </div>
        )}
        {snapshot && snapshot.effects.some((e) => e.order === 1) && (
          <div className="mb-6 max-w-3xl">
            <h3 className="mb-2 text-xs font-medium text-slate-700">Importance of each parameter</h3>
            <ImportanceChart effects={snapshot.effects} space={study.space} />
          </div>
        )}
        <h3 className="mb-2 text-xs font-medium text-slate-700">Effects and interactions</h3>
        <CorrelationHeatmap space={study.space} snapshot={snapshot} selected={selected} onSelect={(row, col) => setPair([names[col], names[row]])} />
        <FidelityFindings findings={snapshot?.fidelityEffects} note={sieve ? undefined : `Found in the stored trials; ${study.strategy} does not act on it. An early rung that favours the wrong values misleads a scheduler that promotes from it.`} />
      </Card>

      <Card
        title={pair[0] === pair[1] ? `${pair[0]} against ${study.metric}` : `${pair[0]} × ${pair[1]}`}
        subtitle="click a heatmap cell, or choose the axes"
        actions={
          <span className="flex items-center gap-2 text-xs text-slate-500">
            x
            <select className={selectClass} value={pair[0]} onChange={(e) => setPair([e.target.value, pair[1]])} data-testid="scatter-x">
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
            y
            <select className={selectClass} value={pair[1]} onChange={(e) => setPair([pair[0], e.target.value])} data-testid="scatter-y">
              {names.map((n) => (
                <option key={n} value={n}>
                  {n === pair[0] ? `${n} (1-d: ${study.metric})` : n}
                </option>
              ))}
            </select>
          </span>
        }
      >
        {study.space.length === 0 ? (
          <EmptyState>This study has no parameters.</EmptyState>
        ) : (
          <PairScatter studyId={study.id} space={study.space} xName={pair[0]} yName={pair[1]} rules={rules} live={live} direction={study.direction} metric={study.metric} editable={study.status === "running" || study.status === "paused"} />
        )}
      </Card>
    </div>
  );
}
