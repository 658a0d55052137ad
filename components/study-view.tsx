"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { CurvesResponse, StudyDetail } from "@/lib/api/schemas";
import { formatBudget, formatParam, formatTime, formatValue, isLive } from "@/lib/client/format";
import { queryKeys, useStudy, useStudyCurves } from "@/lib/client/queries";
import { STUDY_TABS, type StudyTab } from "@/lib/client/study-tabs";
import { raceSwitchesNote, scheduleRuleNote } from "@/lib/optimizer/schedulers/race-defaults";
import { strategyParts } from "@/lib/optimizer/strategy-name";
import { Card } from "./card";
import { CorrelationsPanel } from "./correlations-panel";
import { ExportLinks } from "./export-links";
import { ExplorePanel } from "./explore-panel";
import { HistoryPanel } from "./history-panel";
import { LearningCurvesChart } from "./learning-curves-chart";
import { ProgressBar } from "./progress-bar";
import { RacePanel } from "./race-chart";
import { StatusBadge } from "./status-badge";
import { StudyActions } from "./study-actions";
import { StudyManage, StudyNotesCard } from "./study-manage";
import { TagChips } from "./annotations";
import { SubspaceView } from "./subspace-view";
import { TrialsTable } from "./trials-table";
import { useHydrated } from "@/lib/client/use-hydrated";


const TAB_LABELS: Record<StudyTab, string> = {
  overview: "Overview",
  correlations: "Correlations",
  explore: "Explore",
  subspace: "Subspace",
  race: "Race",
  trials: "Trials",
};

/** A study's live page: header and actions, then tabs for the overview, correlations, exploration, subspace, race and trials. */
export function StudyView({
  initialDetail,
  initialCurves,
  initialTab = "overview",
}: {
  initialDetail: StudyDetail;
  initialCurves: CurvesResponse;
  initialTab?: StudyTab;
}) {
  const id = initialDetail.study.id;
  const queryClient = useQueryClient();
  const studyQuery = useStudy(id, initialDetail);
  const detail = studyQuery.data ?? initialDetail;
  const { study, trials } = detail;
  const live = isLive(study);
  const curvesQuery = useStudyCurves(id, live, initialCurves);
  const curves = curvesQuery.data ?? initialCurves;

  // Polling stops when the study finishes; fetch everything once more so the last epochs show.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) void queryClient.invalidateQueries({ queryKey: queryKeys.study(id) });
    wasLive.current = live;
  }, [live, id, queryClient]);

  const hydrated = useHydrated();
  const [tab, setTab] = useState<StudyTab>(initialTab);
  const selectTab = (next: StudyTab) => {
    setTab(next);
    // The tab lives in the URL so a reload or a shared link opens it; no server round trip.
    const url = new URL(window.location.href);
    if (next === "overview") url.searchParams.delete("tab");
    else url.searchParams.set("tab", next);
    window.history.replaceState(window.history.state, "", url);
  };

  const refreshError = studyQuery.error ?? curvesQuery.error;
  const bestRow = trials.find((t) => t.number === study.bestTrial);
  // The race is the only scheduler that reads the switches, and only where the objective can warm start.
  const raceSwitches = strategyParts(study.strategy)[1] === "race" && study.canWarmStart;
  const switchesNote = raceSwitches ? raceSwitchesNote(study.warmStart, study.schedules) : null;

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
        <div className="min-w-0 lg:flex-1">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="truncate text-2xl font-semibold tracking-tight" data-testid="study-name">
              {study.name}
            </h1>
            <StatusBadge status={study.status} testId="study-status" />
            <TagChips tags={study.tags} />
          </div>
          <p className="mt-1 flex flex-wrap gap-x-2 text-sm text-slate-600">
            <span title={study.objective}>{study.objectiveTitle || study.objective}</span>
            <span className="text-slate-300">·</span>
            <span className="font-mono text-xs leading-5">{study.strategy}</span>
            {raceSwitches && !study.warmStart && <span data-testid="study-warm-start-off">(warm starts off)</span>}
            {raceSwitches && !study.schedules && <span data-testid="study-schedules-off">(schedules off)</span>}
            <span className="text-slate-300">·</span>
            <span>
              {study.direction} {study.metric}
            </span>
            <span className="text-slate-300">·</span>
            <span>seed {study.seed}</span>
            <span className="text-slate-300">·</span>
            <span>created {formatTime(study.createdAt)}</span>
          </p>
          {switchesNote && (
            <p className="mt-1 max-w-2xl text-xs text-slate-500" data-testid="study-switches-note">
              {switchesNote}
            </p>
          )}
          {raceSwitches && study.schedules && (
            <p className="mt-1 max-w-2xl text-xs text-slate-500" data-testid="study-schedule-rule">
              {scheduleRuleNote(study.scheduleDecay)}
            </p>
          )}
        </div>
        <div className="flex shrink-0 flex-col items-start gap-2 lg:items-end">
          <div className="flex flex-wrap items-start gap-2 lg:justify-end">
            <StudyActions study={study} />
            <StudyManage study={study} />
          </div>
          <ExportLinks studyId={id} />
        </div>
      </div>

      {study.error && (
        <div className="max-h-72 overflow-auto whitespace-pre-wrap break-words rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800" data-testid="study-error">
          {study.error}
        </div>
      )}
      {refreshError && (
        <div className="rounded-md bg-amber-50 px-4 py-2 text-sm text-amber-800" data-testid="refresh-error">
          Live updates failed: {refreshError.message}. Retrying…
        </div>
      )}

      <nav className="flex gap-1 border-b border-slate-200" role="tablist" aria-label="Study views">
        {/* Links, so a tab clicked before hydration still opens (the server renders it); after, a click switches without a round trip. */}
        {STUDY_TABS.map((t) => (
          <a
            key={t}
            href={t === "overview" ? `/studies/${id}` : `/studies/${id}?tab=${t}`}
            role="tab"
            aria-selected={tab === t}
            onClick={(event) => {
              if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
              event.preventDefault();
              selectTab(t);
            }}
            className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${
              tab === t ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800"
            }`}
            data-testid={`tab-${t}`}
          >
            {TAB_LABELS[t]}
          </a>
        ))}
      </nav>

      {/* Every control below renders disabled until React has hydrated the page. */}
      <fieldset disabled={!hydrated} className="min-w-0" data-testid="study-controls" data-hydrated={hydrated}>

        {tab === "overview" && (
          <div className="space-y-6" role="tabpanel">
          <div className="grid gap-4 md:grid-cols-3">
            <Card title="Progress">
              <div data-testid="study-progress" data-progress={study.progress} data-epochs-spent={study.epochsSpent}>
                <div className="flex flex-wrap items-baseline justify-between gap-x-3">
                  <span className="text-2xl font-semibold tabular-nums">{Math.round(study.progress * 100)}%</span>
                  <span className="text-sm whitespace-nowrap tabular-nums text-slate-500">{formatBudget(study)}</span>
                </div>
                <ProgressBar value={study.progress} className="mt-3" label="budget spent" />
                <p className="mt-3 text-sm tabular-nums text-slate-600">
                  <span data-testid="study-trial-count">{study.trialCount}</span> trials · {study.runningCount} running ·{" "}
                  <span data-testid="study-failed-count" className={study.failedCount > 0 ? "font-medium text-rose-700" : undefined}>
                    {study.failedCount} failed
                  </span>{" "}
                  · {study.epochsSpent.toLocaleString("en-US")} epochs
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
                    {" · "}final <span className="font-medium tabular-nums" data-testid="study-final-value">{formatValue(study.finalValue)}</span>
                  </>
                ) : (
                  "no measurement yet"
                )}
              </p>
              {study.bestCheckpoint && (
                <p className="mt-1 break-all font-mono text-xs text-slate-500" title="the best trial's checkpoint at its best epoch" data-testid="study-best-checkpoint">
                  {study.bestCheckpoint}
                </p>
              )}
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

            <StudyNotesCard study={study} />
            <HistoryPanel study={study} live={live} />
            <Card title="Learning curves" subtitle={`${study.metric} per epoch, one line per trial`}>
              <LearningCurvesChart
                curves={curves.curves}
                maxEpochs={curves.maxEpochs || study.maxEpochs}
                metric={study.metric}
                direction={study.direction}
                bestTrial={study.bestTrial}
              />
            </Card>
          </div>
        )}

        {tab === "correlations" && (
          <div role="tabpanel">
            <CorrelationsPanel study={study} live={live} />
          </div>
        )}

        {tab === "explore" && (
          <div role="tabpanel">
            <ExplorePanel study={study} live={live} />
          </div>
        )}

        {tab === "subspace" && (
          <div role="tabpanel">
            <SubspaceView study={study} live={live} />
          </div>
        )}

        {tab === "race" && (
          <div role="tabpanel">
            <RacePanel study={study} curves={curves} trials={trials} live={live} />
          </div>
        )}

        {tab === "trials" && (
          <div role="tabpanel">
            <Card title="Trials" subtitle="click a column to sort; a row opens the trial" flush>
              <TrialsTable studyId={id} live={live} bestTrial={study.bestTrial} direction={study.direction} metric={study.metric} />
            </Card>
          </div>
        )}
      </fieldset>
    </div>
  );
}
