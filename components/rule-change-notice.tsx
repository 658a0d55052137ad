"use client";
import Link from "next/link";
import type { RuleChangeResponse } from "@/lib/api/schemas";
import { useStopTrials } from "@/lib/client/queries";
import { SmallButton } from "./small-button";

/**
 * After a rule change: which running trials now lie outside the subspace,
 * and the choice to let them finish or stop them.
 */
export function RuleChangeNotice({ studyId, change, onDone }: { studyId: number; change: RuleChangeResponse; onDone: () => void }) {
  const stop = useStopTrials(studyId);
  const outside = change.outside;
  const verb = change.rule.status === "rejected" ? (change.rule.origin === "user" ? "withdrawn" : "rejected") : change.rule.status === "active" ? "in force" : change.rule.status;
  const stopped = stop.isSuccess;
  return (
    <div
      className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-indigo-200 bg-indigo-50 px-4 py-2.5 text-sm text-indigo-900"
      role="status"
      data-testid="rule-change-notice"
      data-rule-id={change.rule.id}
      data-outside-count={outside.length}
    >
      <div>
        Rule <span className="font-mono text-xs">{change.rule.id}</span> is {verb}.{" "}
        {outside.length === 0 ? (
          "No running trial lies outside the subspace."
        ) : stopped ? (
          `Stopped ${outside.length} running trial${outside.length === 1 ? "" : "s"} outside the subspace.`
        ) : (
          <>
            {outside.length} running trial{outside.length === 1 ? " lies" : "s lie"} outside the subspace now:{" "}
            {outside.map((t, i) => (
              <span key={t.number}>
                {i > 0 && ", "}
                <Link href={`/studies/${studyId}/trials/${t.number}`} className="font-medium underline decoration-indigo-300 hover:decoration-indigo-600" data-testid="outside-trial">
                  #{t.number}
                </Link>
              </span>
            ))}
            .
          </>
        )}
        {stop.error && <span className="ml-2 text-rose-700">Stopping failed: {stop.error.message}</span>}
      </div>
      <div className="flex gap-2">
        {outside.length > 0 && !stopped ? (
          <>
            <SmallButton tone="neutral" onClick={onDone} testId="btn-let-finish">
              Let them finish
            </SmallButton>
            <SmallButton tone="danger" disabled={stop.isPending} onClick={() => stop.mutate(outside.map((t) => t.number))} testId="btn-stop-outside">
              {stop.isPending ? "Stopping…" : "Stop them"}
            </SmallButton>
          </>
        ) : (
          <button type="button" onClick={onDone} className="rounded px-2 text-indigo-500 hover:text-indigo-800" aria-label="Dismiss" data-testid="btn-dismiss-notice">
            ✕
          </button>
        )}
      </div>
    </div>
  );
}
