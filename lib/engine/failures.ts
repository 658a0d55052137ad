/**
 * When failing trials make a study's result meaningless: the rule that stops
 * a study whose jobs keep failing, and the checks that tell whether a
 * finished study's best trial can be trusted. Pure: the counts come from the
 * database (db/queries.ts getFailureStats, getRecentJobOutcomes).
 */
import "server-only";
import type { FailureStats } from "../../db/queries";

/** The study looks at this many of its most recent finished jobs. */
export const FAILURE_WINDOW = 20;
/** It fails once at least half of that window failed, and at least this many jobs did. */
export const FAILURE_MIN = 5;

/** How one job of a trial ended: failed (with the trial's reason) or not. Pauses and user stops are not outcomes. */
export type JobOutcome = { failed: boolean; trial: number; reason: string | null };

/** The last FAILURE_WINDOW job outcomes of a study, and whether they are bad enough to stop it. */
export class FailureWatch {
  private readonly outcomes: JobOutcome[] = [];

  constructor(history: readonly JobOutcome[] = []) {
    for (const o of history) this.record(o);
  }

  record(outcome: JobOutcome): void {
    this.outcomes.push(outcome);
    if (this.outcomes.length > FAILURE_WINDOW) this.outcomes.shift();
  }

  /** Why the study must stop, ending with the last failure's message (and so its stderr tail); null while it may go on. */
  verdict(): string | null {
    const failed = this.outcomes.filter((o) => o.failed);
    if (failed.length < FAILURE_MIN || failed.length * 2 < this.outcomes.length) return null;
    const last = failed[failed.length - 1];
    return (
      `${failed.length} of the last ${this.outcomes.length} finished jobs failed ` +
      `(a study stops when half of its last ${FAILURE_WINDOW} jobs fail, from ${FAILURE_MIN} failures on). ` +
      `The last failure, trial #${last.trial}: ${last.reason ?? "no reason given"}`
    );
  }
}

/** A finished best trial is untrustworthy when at least this share of the study's trials failed (and at least UNTRUSTED_MIN_FAILED did). */
export const UNTRUSTED_FAILED_SHARE = 0.25;
/** Fewer failed trials than this never make a study untrustworthy on their own. */
export const UNTRUSTED_MIN_FAILED = 3;

/** A study's failures, as the trust check needs them. */
export type { FailureStats };

/**
 * Why a study's best trial cannot be trusted, empty when it can: many
 * failed trials mean the best was picked among the survivors, and resumed
 * trials that fail mean no trial trained past its first rung, so the race
 * compared only the first epochs.
 */
export function trustProblems(s: FailureStats): string[] {
  const problems: string[] = [];
  if (s.failed >= UNTRUSTED_MIN_FAILED && s.failed >= UNTRUSTED_FAILED_SHARE * s.trials) {
    problems.push(
      `${s.failed} of ${s.trials} trials failed (${Math.round((100 * s.failed) / s.trials)}%; from ${Math.round(100 * UNTRUSTED_FAILED_SHARE)}% on, ` +
        "the best trial was picked among the ones that happened to survive)",
    );
  }
  if (s.resumedFailed >= UNTRUSTED_MIN_FAILED && s.resumedFailed * 2 >= s.resumed) {
    problems.push(
      `${s.resumedFailed} of the ${s.resumed} trials that went on from a checkpoint failed doing so, so few trials trained past their first job; ` +
        "check that the program resumes from what it is given ({resume_from} is a folder, {resume_file} the newest checkpoint file in it)",
    );
  }
  return problems;
}
