/**
 * Studies side by side: each study's best-so-far against the epochs it has
 * spent, aggregated in SQL so the browser gets one point per improvement,
 * never every measurement.
 */
import "server-only";
import type { CompareSeries } from "../lib/api/compare-schema";
import { getDb } from "./client";
import { getStudySummary } from "./queries";

/** How many improvements a series keeps at most; a noisy maximisation can improve often, the chart needs no more. */
export const COMPARE_MAX_POINTS = 400;

/**
 * Best-so-far at every improvement, as [epochs spent, best value], in the
 * order the measurements were stored (one row per trained epoch, so the
 * row's rank is the epochs spent up to it), and the epochs spent in all.
 * A window over the measurements finds the improvements; only they leave
 * SQLite. Non-finite reports are stored as null and never improve.
 */
export function bestSoFar(studyId: number, direction: "minimize" | "maximize"): { points: [number, number][]; epochs: number } {
  const client = getDb().$client;
  const better = direction === "minimize" ? "<" : ">";
  const running = direction === "minimize" ? "min" : "max";
  // The ids of a study's trials come from the (study_id, number) index; measurements are read in
  // rowid order, which is the order they were written, so the window needs no sort of its own.
  const rows = client
    .prepare(
      `select n, value from (
         select row_number() over w as n, m.value as value,
                ${running}(m.value) over (w rows between unbounded preceding and 1 preceding) as before
         from measurements m
         where m.trial_id in (select id from trials where study_id = ?)
         window w as (order by m.id)
       )
       where value is not null and (before is null or value ${better} before)
       order by n`,
    )
    .raw()
    .all(studyId) as [number, number][];
  const epochs = Number(
    (client.prepare("select count(*) from measurements where trial_id in (select id from trials where study_id = ?)").pluck().get(studyId) as number | bigint) ?? 0,
  );
  return { points: thin(rows, COMPARE_MAX_POINTS), epochs };
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
