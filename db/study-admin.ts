/**
 * Writes that manage a study rather than run it: notes and tags, a larger
 * budget for a finished study, deleting a study's rows. One transaction each.
 */
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { AnnotationInput, Budget } from "../lib/api/schemas";
import { getDb } from "./client";
import { events, studies, trials } from "./schema";

const now = () => new Date().toISOString();

/** Sets a study's notes and/or tags; false when the study does not exist. */
export function annotateStudy(id: number, input: AnnotationInput): boolean {
  const changes = { ...(input.notes !== undefined ? { notes: input.notes } : {}), ...(input.tags !== undefined ? { tags: input.tags } : {}) };
  const result = getDb().update(studies).set({ ...changes, updatedAt: now() }).where(eq(studies.id, id)).run();
  return result.changes > 0;
}

/** Sets a trial's notes and/or tags; false when the study has no such trial. */
export function annotateTrial(studyId: number, number: number, input: AnnotationInput): boolean {
  const changes = { ...(input.notes !== undefined ? { notes: input.notes } : {}), ...(input.tags !== undefined ? { tags: input.tags } : {}) };
  const result = getDb()
    .update(trials)
    .set({ ...changes, updatedAt: now() })
    .where(and(eq(trials.studyId, studyId), eq(trials.number, number)))
    .run();
  return result.changes > 0;
}

/**
 * Gives a finished study a larger budget and sets it running again, with an
 * event; the budget's kind stays. The strategy then continues from its
 * replayed history.
 */
export function extendStudyBudget(id: number, budget: Budget): void {
  const db = getDb();
  db.transaction(() => {
    const t = now();
    db.update(studies).set({ budgetValue: budget.value, status: "running", error: null, finishedAt: null, updatedAt: t }).where(eq(studies.id, id)).run();
    db.insert(events).values({ studyId: id, trialId: null, type: "study_status", payload: { status: "running", error: null, budget }, createdAt: t }).run();
  });
}

/** Deletes a study and every row that belongs to it (trials, measurements, events, rules, rounds, agent jobs and token cascade). */
export function deleteStudyRows(id: number): boolean {
  return getDb().delete(studies).where(eq(studies.id, id)).run().changes > 0;
}

/** The epochs a trial's branches start from (their parent's checkpoint at that epoch must stay). */
export function branchEpochsOf(trialId: number): number[] {
  return getDb()
    .select({ epoch: trials.startEpoch })
    .from(trials)
    .where(and(eq(trials.parentTrialId, trialId), sql`${trials.startEpoch} > 0`))
    .all()
    .map((r) => r.epoch);
}

/** One trial's status and best epoch, for its checkpoint clean-up. */
export function trialForCleanup(studyId: number, number: number): { id: number; status: string; bestEpoch: number | null; startEpoch: number } | undefined {
  return getDb()
    .select({ id: trials.id, status: trials.status, bestEpoch: trials.bestEpoch, startEpoch: trials.startEpoch })
    .from(trials)
    .where(and(eq(trials.studyId, studyId), eq(trials.number, number)))
    .get();
}
