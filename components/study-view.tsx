"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import type { CurvesResponse, StudyDetail } from "@/lib/api/schemas";
import { formatBudget, formatParam, formatTime, formatValue, isLive } from "@/lib/client/format";
import { queryKeys, useStudy, useStudyCurves } from "@/lib/client/queries";
import { LearningCurvesChart } from "./learning-curves-chart";
import { ProgressBar } from "./progress-bar";
import { StatusBadge } from "./status-badge";
import { StudyActions } from "./study-actions";
import { TrialsTable } from "./trials-table";

/** A study's live page: header and actions, progress, best so far, learning curves and trials. */
export function StudyView({ initialDetail, initialCurves }: { initialDetail: StudyDetail; initialCurves: CurvesResponse }) {
  const id = initialDetail.study.id;
  const queryClient = useQueryClient();
  const studyQuery = useStudy(id, initialDetail);
  const detail = studyQuery.data ?? initialDetail;
  const { study, trials } = detail;
  const live = isLive(study);
  const curvesQuery = useStudyCurves(id, live, initialCurves);
  const curves = curvesQuery.data ?? initialCurves;

  // Polling stops when the study finishes; fetch the curves once more so the last epochs show.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) void queryClient.invalidateQueries({ queryKey: queryKeys.curves(id) });
    wasLive.current = live;
  }, [live, id, queryClient]);

  const refreshError = studyQuery.error ?? curvesQuery.error;
  const bestRow = trials.find((t) => t.number === study.bestTrial);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="truncate text-2xl font-semibold tracking-tight" data-testid="study-name">
              {study.name}
            </h1>
            <StatusBadge status={study.status} testId="study-status" />
          </div>
          <p className="mt-1 flex flex-wrap gap-x-2 text-sm text-slate-600">
            <span title={study.objective}>{study.objectiveTitle || study.objective}</span>
            <span className="text-slate-300">·</span>
            <span className="font-mono text-xs leading-5">{study.strategy}</span>
            <span className="text-slate-300">·</span>
            <span>
              {study.direction} {study.metric}
            </span>
            <span className="text-slate-300">·</span>
            <span>seed {study.seed}</span>
            <span className="text-slate-300">·</span>
            <span>created {formatTime(study.createdAt)}</span>
          </p>
        </div>
        <StudyActions study={study} />
      </div>

      {study.error && (
        <div className="rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800" data-testid="study-error">
          {study.error}
        </div>
      )}
      {refreshError && (
        <div className="rounded-md bg-amber-50 px-4 py-2 text-sm text-amber-800" data-testid="refresh-error">
          Live updates failed: {refreshError.message}. Retrying…
        </div>
      )}

      <div className="grid gap-4 md:grid-cols-3">
        <Card title="Progress">
          <div data-testid="study-progress" data-progress={study.progress} data-epochs-spent={study.epochsSpent}>
            <div className="flex items-baseline justify-between">
              <span className="text-2xl font-semibold tabular-nums">{Math.round(study.progress * 100)}%</span>
              <span className="text-sm tabular-nums text-slate-500">{formatBudget(study)}</span>
            </div>
            <ProgressBar value={study.progress} className="mt-3" label="budget spent" />
            <p className="mt-3 text-sm tabular-nums text-slate-600">
              <span data-testid="study-trial-count">{study.trialCount}</span> trials · {study.runningCount} running · {study.epochsSpent.toLocaleString("en-US")} epochs
            </p>
          </div>
        </Card>
        <Card title={`Best ${study.metric} so far`}>
          <div className="text-2xl font-semibold tabular-nums text-indigo-700" data-testid="study-best-value" data-value={study.bestValue ?? ""}>
            {formatValue(study.bestValue)}
          </div>
          <p className="mt-3 text-sm text-slate-600">
            {study.bestTrial !== null ? (
              <>
                trial <span className="font-medium tabular-nums">#{study.bestTrial}</span>, epoch{" "}
                <span className="font-medium tabular-nums">{study.bestEpoch ?? "—"}</span>
              </>
            ) : (
              "no measurement yet"
            )}
          </p>
          {bestRow && (
            <div className="mt-2 flex flex-wrap gap-x-3 gap-y-0.5 font-mono text-xs text-slate-500">
              {Object.entries(bestRow.params).map(([k, v]) => (
                <span key={k} className="whitespace-nowrap">
                  <span className="text-slate-400">{k}=</span>
                  {formatParam(v)}
                </span>
              ))}
            </div>
          )}
        </Card>
        <Card title="Execution">
          <dl className="grid grid-cols-2 gap-y-1.5 text-sm">
            <dt className="text-slate-500">parallelism</dt>
            <dd className="text-right tabular-nums">{study.parallelism}</dd>
            <dt className="text-slate-500">epochs per trial</dt>
            <dd className="text-right tabular-nums">≤ {study.maxEpochs}</dd>
            <dt className="text-slate-500">patience</dt>
            <dd className="text-right tabular-nums">{study.patience ?? "off"}</dd>
            <dt className="text-slate-500">{study.finishedAt ? "finished" : "updated"}</dt>
            <dd className="text-right text-xs leading-5 tabular-nums">{formatTime(study.finishedAt ?? study.updatedAt)}</dd>
          </dl>
        </Card>
      </div>

      <Card title="Learning curves" subtitle={`${study.metric} per epoch, one line per trial`}>
        <LearningCurvesChart
          curves={curves.curves}
          maxEpochs={curves.maxEpochs || study.maxEpochs}
          metric={study.metric}
          direction={study.direction}
          bestTrial={study.bestTrial}
        />
      </Card>

      <Card title="Trials" subtitle={`${trials.length} trials; click a column to sort`} flush>
        <TrialsTable trials={trials} bestTrial={study.bestTrial} direction={study.direction} metric={study.metric} />
      </Card>
    </div>
  );
}

function Card({ title, subtitle, flush = false, children }: { title: string; subtitle?: string; flush?: boolean; children: ReactNode }) {
  return (
    <section className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <header className={`flex items-baseline justify-between gap-3 ${flush ? "border-b border-slate-200 px-5 py-3" : "px-5 pt-4"}`}>
        <h2 className="text-sm font-medium text-slate-500">{title}</h2>
        {subtitle && <span className="text-xs text-slate-400">{subtitle}</span>}
      </header>
      <div className={flush ? "" : "px-5 pt-3 pb-5"}>{children}</div>
    </section>
  );
}
