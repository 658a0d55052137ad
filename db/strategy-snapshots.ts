/**
 * Strategy snapshots (lib/optimizer/state.ts): each study's latest one, and
 * the event id it covers, so that a restart replays only the events after it.
 * The engine writes a snapshot's JSON to a file beside the database,
 * asynchronously (megabytes at thousands of trials: tens of milliseconds of
 * SQLite writing on the event loop), then points the study's row at it.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { databaseFile, getDb } from "./client";
import { events, strategySnapshots } from "./schema";

/** The folder of snapshot files: snapshots/ beside the database. */
function snapshotDir(): string {
  return path.join(path.dirname(databaseFile()), "snapshots");
}

/** The id of a study's latest event: what a snapshot of its strategy taken now covers. */
export function lastEventIdOf(studyId: number): number {
  return Number(getDb().select({ id: sql<number>`max(${events.id})` }).from(events).where(eq(events.studyId, studyId)).get()?.id ?? 0);
}

function upsert(studyId: number, lastEventId: number, state: string, file: string | null): void {
  const createdAt = new Date().toISOString();
  getDb()
    .insert(strategySnapshots)
    .values({ studyId, lastEventId, state, file, createdAt })
    .onConflictDoUpdate({ target: strategySnapshots.studyId, set: { lastEventId, state, file, createdAt } })
    .run();
}

/**
 * Writes a snapshot's JSON, given in parts, taken when the study's latest
 * event was `lastEventId`, to its own file (a temporary name, then a rename) and
 * returns the file's name; pointSnapshotAt then puts it in force. A crash in
 * between leaves the previous snapshot in force.
 */
export async function writeSnapshotFile(studyId: number, lastEventId: number, parts: AsyncIterable<string>): Promise<string> {
  const dir = snapshotDir();
  const name = `${studyId}-${lastEventId}.json`;
  const target = path.join(dir, name);
  await fs.promises.mkdir(dir, { recursive: true });
  // Part by part: one string of megabytes costs its whole UTF-8 encoding at once on the event loop.
  const file = await fs.promises.open(`${target}.tmp`, "w");
  try {
    for await (const part of parts) await file.write(part);
  } finally {
    await file.close();
  }
  await fs.promises.rename(`${target}.tmp`, target);
  return name;
}

/** Points the study's snapshot row at a file from writeSnapshotFile (a small write) and removes the study's older snapshot files. */
export async function pointSnapshotAt(studyId: number, lastEventId: number, name: string): Promise<void> {
  upsert(studyId, lastEventId, "", name);
  await removeSnapshotFiles(studyId, name);
}

/** Removes a study's snapshot files, but `keep`. */
async function removeSnapshotFiles(studyId: number, keep?: string): Promise<void> {
  const names = await fs.promises.readdir(snapshotDir()).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(`${studyId}-`) && n !== keep).map((n) => fs.promises.rm(path.join(snapshotDir(), n), { force: true })));
}

/** A study's latest strategy snapshot, or undefined (also when its file is gone: the log rebuilds the state). */
export function getStrategySnapshot(studyId: number): { lastEventId: number; state: string } | undefined {
  const row = getDb()
    .select({ lastEventId: strategySnapshots.lastEventId, state: strategySnapshots.state, file: strategySnapshots.file })
    .from(strategySnapshots)
    .where(eq(strategySnapshots.studyId, studyId))
    .get();
  if (!row) return undefined;
  if (!row.file) return { lastEventId: row.lastEventId, state: row.state };
  try {
    return { lastEventId: row.lastEventId, state: fs.readFileSync(path.join(snapshotDir(), row.file), "utf8") };
  } catch (error) {
    console.error(`[hypersieve] study ${studyId}: its strategy snapshot ${row.file} cannot be read (${error instanceof Error ? error.message : error}); replaying its whole history`);
    return undefined;
  }
}

/** Forgets a study's strategy snapshot (one that could not be restored, or the study is deleted), with its files. */
export function deleteStrategySnapshot(studyId: number): void {
  getDb().delete(strategySnapshots).where(eq(strategySnapshots.studyId, studyId)).run();
  const dir = snapshotDir();
  for (const n of fs.existsSync(dir) ? fs.readdirSync(dir) : []) if (n.startsWith(`${studyId}-`)) fs.rmSync(path.join(dir, n), { force: true });
}
