/**
 * Studies side by side, and a study's history: best-so-far against the
 * epochs spent, one point per improvement sent to the browser, never every
 * measurement.
 */
import "server-only";
import type { CompareSeries } from "../lib/api/compare-schema";
import { databaseFile, getDb } from "./client";
import { getStudySummary } from "./queries";

/** How many improvements a series keeps at most; a noisy maximisation can improve often, the chart needs no more. */
export const COMPARE_MAX_POINTS = 400;

/** What one study's best-so-far has read: the largest rowid in the table then, the counted measurements, the best and its improvements. */
type Progress = { file: string; direction: "minimize" | "maximize"; seen: number; count: number; best: number | null; points: [number, number][] };

// Kept on globalThis beside the connection, so route bundles share it; keyed by study, checked against the database file.
const PROGRESS = Symbol.for("hypersieve.best-so-far");
const holder = globalThis as unknown as { [PROGRESS]?: Map<number, Progress> };

/** Rowids per block of the first pass: a block whose best cannot improve on the best so far is only counted. */
const BLOCK = 1024;

/**
 * Best-so-far at every improvement, as [epochs spent, best value], in the
 * order the measurements were stored (one row per trained epoch, so a row's
 * rank is the epochs spent up to it), and the epochs spent in all.
 *
 * SQLite does the work in two passes over the study's rowid range: count
 * and best per block of 1,024 rowids, then the rows of only those blocks
 * whose best beats the best before them (a few dozen of 500,000 rows at
 * 10,000 trials × 50 epochs). Measurements are append-only and their ids
 * follow the order of commits (one writing process), so what was read
 * stays true: a later call reads only rows stored since, and none at all
 * when the table has not grown. Non-finite reports are stored as null and
 * never improve, nor do ±Infinity (as for the study's own best).
 */
export function bestSoFar(studyId: number, direction: "minimize" | "maximize"): { points: [number, number][]; epochs: number } {
  const client = getDb().$client;
  const file = databaseFile();
  const cache = (holder[PROGRESS] ??= new Map());
  let p = cache.get(studyId);
  if (!p || p.file !== file || p.direction !== direction) p = { file, direction, seen: 0, count: 0, best: null, points: [] };
  const tableMax = (client.prepare("select max(id) from measurements").pluck().get() as number | null) ?? 0;
  if (tableMax > p.seen) {
    // The study's rowid range from the trial index, so that other studies' rows outside it are never read.
    const [lo, hi] = client.prepare("select min(m.id), max(m.id) from measurements m where m.trial_id in (select id from trials where study_id = ?)").raw().get(studyId) as [number | null, number | null];
    const from = Math.max(lo ?? 0, p.seen + 1);
    if (hi !== null && hi >= from) read(p, studyId, from, hi);
    p.seen = tableMax;
  }
  cache.set(studyId, p);
  return { points: thin(p.points, COMPARE_MAX_POINTS), epochs: p.count };
}

/** Adds the study's measurements with rowids in [from, to] to `p`. `+m.trial_id` keeps SQLite on the rowid range, not the trial index. */
function read(p: Progress, studyId: number, from: number, to: number): void {
  const client = getDb().$client;
  const minimize = p.direction === "minimize";
  const agg = minimize ? "min" : "max";
  const mine = "+m.trial_id in (select id from trials where study_id = ?)";
  const blocks = client
    .prepare(`select m.id / ${BLOCK} as block, count(*), ${agg}(m.value) from measurements m where m.id between ? and ? and ${mine} group by block order by block`)
    .raw()
    .all(from, to, studyId) as [number, number, number | null][];
  const rowsOf = client.prepare(`select m.value from measurements m where m.id between ? and ? and ${mine} order by m.id`).pluck();
  // A block's best may be ±Infinity; its finite rows are then read one by one, as in any block that may improve.
  const beats = (v: number | null) => v !== null && (p.best === null || (minimize ? v < p.best : v > p.best));
  for (const [block, count, blockBest] of blocks) {
    if (!beats(blockBest)) {
      p.count += count;
      continue;
    }
    const start = Math.max(from, block * BLOCK);
    const end = Math.min(to, (block + 1) * BLOCK - 1);
    for (const value of rowsOf.all(start, end, studyId) as (number | null)[]) {
      p.count += 1;
      if (value !== null && Number.isFinite(value) && beats(value)) {
        p.best = value;
        p.points.push([p.count, value!]);
      }
    }
  }
}

/** At most `max` points of a step line: the first, the last, and an even stride between (the line stays a lower/upper envelope). */
export function thin(points: [number, number][], max: number): [number, number][] {
  if (points.length <= max) return points;
  const out: [number, number][] = [];
  const stride = (points.length - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(points[Math.round(k * stride)]);
  return out;
}

/** Each study's summary with its best-so-far series, in the order asked; null for an id that does not exist. */
export function getComparison(ids: readonly number[]): { series: CompareSeries[]; missing: number[] } {
  const series: CompareSeries[] = [];
  const missing: number[] = [];
  for (const id of ids) {
    const study = getStudySummary(id);
    if (!study) {
      missing.push(id);
      continue;
    }
    const { points, epochs } = bestSoFar(id, study.direction);
    series.push({ study, points, epochs });
  }
  return { series, missing };
}
