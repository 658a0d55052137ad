/**
 * Queries behind the exploration views: trials as points, and trials as the
 * analysis reads them (rung losses aggregated in SQL, params, unit coordinates).
 */
import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { PointsResponse, TrialPoint } from "../lib/api/explore-schemas";
import { encode, type Params, type Space } from "../lib/optimizer/space";
import type { TrialState } from "../lib/optimizer/types";
import { getDb } from "./client";
import { raceTrials } from "./dashboard";
import { getStudyRecord } from "./queries";
import { measurements, trials } from "./schema";

/** Unit coordinates of stored params; a value the space no longer knows gives NaN rather than an error. */
function unitCoordinates(space: Space, params: Params): number[] {
  try {
    return encode(space, params);
  } catch {
    return space.map(() => NaN);
  }
}

/** A study's trials with their best loss up to each of `rungs` (see raceTrials), their params and unit coordinates. */
export function analysisTrials(studyId: number, rungs: readonly number[]): TrialState[] {
  const study = getStudyRecord(studyId);
  if (!study) return [];
  const space = study.space as Space;
  const params = new Map(
    getDb()
      .select({ number: trials.number, params: trials.params })
      .from(trials)
      .where(eq(trials.studyId, studyId))
      .all()
      .map((r) => [r.number, r.params as Params]),
  );
  return raceTrials(studyId, rungs).map((t) => {
    const p = params.get(t.number) ?? {};
    return { ...t, params: p, z: unitCoordinates(space, p) };
  });
}

/** Every trial (or the best `limit / 2` and an even sample of the rest) as a point, and the best-so-far by trial number over all of them. */
export function getTrialPoints(studyId: number, limit: number): PointsResponse {
  const study = getStudyRecord(studyId);
  if (!study) return { points: [], total: 0, bestSoFar: [] };
  const space = study.space as Space;
  const minimize = study.direction === "minimize";
  const all = getDb()
    .select({ number: trials.number, status: trials.status, params: trials.params, best: trials.bestValue, epochs: trials.lastEpoch, last: measurements.value })
    .from(trials)
    .leftJoin(measurements, and(eq(measurements.trialId, trials.id), eq(measurements.epoch, trials.lastEpoch)))
    .where(eq(trials.studyId, studyId))
    .orderBy(asc(trials.number))
    .all();
  const better = (a: number, b: number) => (minimize ? a < b : a > b);
  const bestSoFar: [number, number][] = [];
  let best: number | null = null;
  for (const t of all) {
    if (t.best !== null && Number.isFinite(t.best) && (best === null || better(t.best, best))) {
      best = t.best;
      bestSoFar.push([t.number, t.best]);
    }
  }
  if (best !== null && all.length > 0 && bestSoFar[bestSoFar.length - 1][0] !== all[all.length - 1].number) bestSoFar.push([all[all.length - 1].number, best]);
  let rows = all;
  if (all.length > limit) {
    const ranked = [...all].sort((a, b) => (a.best === null ? 1 : b.best === null ? -1 : minimize ? a.best - b.best : b.best - a.best));
    const top = ranked.slice(0, Math.floor(limit / 2));
    const chosen = new Set(top.map((t) => t.number));
    const rest = all.filter((t) => !chosen.has(t.number));
    const step = rest.length / (limit - top.length);
    for (let k = 0; k < limit - top.length; k++) chosen.add(rest[Math.floor(k * step)].number);
    rows = all.filter((t) => chosen.has(t.number));
  }
  const points: TrialPoint[] = rows.map((t) => {
    const params = t.params as Params;
    return { trial: t.number, status: t.status, params, z: unitCoordinates(space, params), best: t.best, last: t.last ?? null, epochs: t.epochs };
  });
  return { points, total: all.length, bestSoFar };
}

/** Reports stored for a study (one per trained epoch): the key its computed analysis is cached under. */
export function reportCount(studyId: number): number {
  return getStudyRecord(studyId)?.epochsSpent ?? 0;
}

