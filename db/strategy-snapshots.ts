/**
 * Strategy snapshots (lib/optimizer/state.ts): each study's latest one, and
 * the event id it covers, so that a restart replays only the events after it.
 */
import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb } from "./client";
import { events, strategySnapshots } from "./schema";

/**
 * Stores a study's strategy state as covering every event of the study
 * logged so far: call it only when the strategy has taken in all of them.
 * Returns the event id it covers.
 */
export function saveStrategySnapshot(studyId: number, state: string): number {
  const db = getDb();
  return db.transaction(() => {
    const lastEventId = Number(db.select({ id: sql<number>`max(${events.id})` }).from(events).where(eq(events.studyId, studyId)).get()?.id ?? 0);
    const createdAt = new Date().toISOString();
    db.insert(strategySnapshots)
      .values({ studyId, lastEventId, state, createdAt })
      .onConflictDoUpdate({ target: strategySnapshots.studyId, set: { lastEventId, state, createdAt } })
      .run();
    return lastEventId;
  });
}

/** A study's latest strategy snapshot, or undefined. */
export function getStrategySnapshot(studyId: number): { lastEventId: number; state: string } | undefined {
  return getDb()
    .select({ lastEventId: strategySnapshots.lastEventId, state: strategySnapshots.state })
    .from(strategySnapshots)
    .where(eq(strategySnapshots.studyId, studyId))
    .get();
}

/** Forgets a study's strategy snapshot (one that could not be restored). */
export function deleteStrategySnapshot(studyId: number): void {
  getDb().delete(strategySnapshots).where(eq(strategySnapshots.studyId, studyId)).run();
}
