"use client";
import { useState } from "react";
import type { StudySummary } from "@/lib/api/schemas";
import { useAnalysis } from "@/lib/client/queries";
import { formatShare } from "@/lib/client/units";
import { Card, EmptyState } from "./card";
import { CorrelationHeatmap } from "./correlation-heatmap";
import { PairScatter } from "./pair-scatter";
import { FidelityFindings } from "./fidelity-findings";

/** Whether a study's strategy runs the sieve's analysis. */
export function runsSieve(strategy: string): boolean {
  return strategy === "sieve" || strategy.startsWith("sieve+");
}

const selectClass =
  "rounded-md border-0 bg-white py-1 pr-8 pl-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/** The correlations tab: the heatmap of one analysis round (a slider steps through rounds) and the scatter of the chosen pair. */
export function CorrelationsPanel({ study, live }: { study: StudySummary; live: boolean }) {
  const analysis = useAnalysis(study.id, live);
  const snapshots = analysis.data?.snapshots ?? [];
  const rules = analysis.data?.rules ?? [];
  // null follows the newest round as rounds arrive; a number holds the round the slider chose.
  const [chosen, setChosen] = useState<number | null>(null);
  const index = snapshots.length === 0 ? -1 : chosen === null ? snapshots.length - 1 : Math.min(chosen, snapshots.length - 1);
  const snapshot = index >= 0 ? snapshots[index] : null;
  const names = study.space.map((p) => p.name);
  const [pair, setPair] = useState<[string, string]>([names[0], names[Math.min(1, names.length - 1)]]);
  const sieve = runsSieve(study.strategy);
  const selected: [number, number] = [names.indexOf(pair[1]), names.indexOf(pair[0])];

  return (
    <div className="space-y-6">
      <Card
        title="Correlations with the loss"
        subtitle={snapshot ? `round ${index + 1} of ${snapshots.length} · tested at epoch ${snapshot.epoch} · ${snapshot.observations} observations` : undefined}
        testId="correlations"
      >
        {analysis.error && (
          <p className="mb-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" data-testid="analysis-error">
            The analysis could not be loaded: {analysis.error.message}
          </p>
        )}
        {!sieve ? (
          <p className="mb-4 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600" data-testid="analysis-empty">
            Correlation analysis runs with the sieve strategy; this study uses <span className="font-mono text-xs">{study.strategy}</span>. The scatter below still shows any pair.
          </p>
        ) : analysis.isPending ? (
          <p className="mb-4 text-sm text-slate-500">Loading the analysis…</p>
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
        <CorrelationHeatmap space={study.space} snapshot={snapshot} selected={selected} onSelect={(row, col) => setPair([names[col], names[row]])} />
        <FidelityFindings findings={snapshot?.fidelityEffects} />
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
