"use client";
import { useState } from "react";
import type { StudySummary } from "@/lib/api/schemas";
import { Card } from "./card";
import { HistoryChart } from "./history-chart";
import { TrialHistoryChart } from "./trial-history-chart";

type Against = "trials" | "epochs";

const toggle = (on: boolean) => `px-2.5 py-1 text-xs font-medium ${on ? "bg-indigo-600 text-white" : "bg-white text-slate-600 hover:bg-slate-100"}`;

/** The history card: every trial's value and the best so far against trial number, or the best so far against epochs spent; log y on request. */
export function HistoryPanel({ study, live }: { study: StudySummary; live: boolean }) {
  const [against, setAgainst] = useState<Against>("trials");
  const [logY, setLogY] = useState(false);
  return (
    <Card
      title="History"
      subtitle={against === "trials" ? `each trial's ${study.metric} and the best so far, by trial number` : `best ${study.metric} against the epochs spent`}
      actions={
        <span className="flex items-center gap-2">
          <span className="flex overflow-hidden rounded-md ring-1 ring-slate-300" role="group" aria-label="history against">
            <button type="button" className={toggle(against === "trials")} aria-pressed={against === "trials"} onClick={() => setAgainst("trials")} data-testid="history-by-trials">
              by trial
            </button>
            <button type="button" className={toggle(against === "epochs")} aria-pressed={against === "epochs"} onClick={() => setAgainst("epochs")} data-testid="history-by-epochs">
              by epochs spent
            </button>
          </span>
          <label className="flex items-center gap-1.5 text-xs text-slate-600">
            <input type="checkbox" checked={logY} onChange={(e) => setLogY(e.target.checked)} className="accent-indigo-600" data-testid="history-log-y" />
            log y
          </label>
        </span>
      }
      testId="history-card"
    >
      {against === "trials" ? (
        <TrialHistoryChart study={study} live={live} logY={logY} />
      ) : (
        <HistoryChart
          studyId={study.id}
          live={live}
          metric={study.metric}
          direction={study.direction}
          budget={study.budget.kind === "epochs" ? study.budget.value : null}
          epochsSpent={study.epochsSpent}
          logY={logY}
        />
      )}
    </Card>
  );
}
