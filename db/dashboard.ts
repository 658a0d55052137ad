/**
 * Queries behind the study dashboard. Aggregation and downsampling happen
 * here, so the browser never receives every measurement of a large study.
 */
import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { CurvesResponse, HistoryResponse, ScatterResponse, TrialDetail, TrialRow, TrialsPage, TrialsQuery } from "../lib/api/schemas";
import { scheduleText } from "../lib/api/schedule-text";
import { encodeValue, type Space } from "../lib/optimizer/space";
import type { TrialState } from "../lib/optimizer/types";
import { databaseFile, getDb } from "./client";
import { bestSoFar } from "./compare";
import { bestCheckpointOf } from "../lib/objectives/checkpoint-cleanup";
import { getStudyRecord, getTrialRows, trialCheckpointDir } from "./queries";
import { events, measurements, studies, trials } from "./schema";

const sortColumns = { number: trials.number, bestValue: trials.bestValue, epochs: trials.lastEpoch, status: trials.status } as const;

/** One page of a study's trials, sorted and filtered on the server. */
export function getTrialsPage(studyId: number, q: TrialsQuery): TrialsPage {
  const db = getDb();
  const where = q.status ? and(eq(trials.studyId, studyId), eq(trials.status, q.status)) : eq(trials.studyId, studyId);
  const total = Number(db.select({ n: sql<number>`count(*)` }).from(trials).where(where).get()?.n ?? 0);
  const column = sortColumns[q.sort];
  // Trials without a value sort last either way.
  const nullsLast = sql`${column} is null`;
  const rows = db
    .select({ number: trials.number })
    .from(trials)
    .where(where)
    .orderBy(nullsLast, q.order === "asc" ? asc(column) : desc(column), asc(trials.number))
    .limit(q.limit)
    .offset(q.offset)
    .all();
  const byNumber = new Map(getTrialRows(studyId, rows.map((r) => r.number)).map((t) => [t.number, t]));
  return { total, trials: rows.map((r) => byNumber.get(r.number)!) };
}

/** One trial with its whole curve, extra metrics and events, or null. */
export function getTrialDetail(studyId: number, number: number): TrialDetail | null {
  const trial: TrialRow | undefined = getTrialRows(studyId, [number])[0];
  if (!trial) return null;
  const db = getDb();
  const rows = db.select().from(measurements).where(eq(measurements.trialId, trial.id)).orderBy(asc(measurements.epoch)).all();
  const curve: [number, number][] = [];
  const extra: Record<string, [number, number][]> = {};
  for (const m of rows) {
    if (m.value !== null) curve.push([m.epoch, m.value]);
    for (const [key, v] of Object.entries((m.extra as Record<string, unknown> | null) ?? {})) {
      if (typeof v === "number" && Number.isFinite(v)) (extra[key] ??= []).push([m.epoch, v]);
    }
  }
  // A branch's inherited epochs: the parent's own measurements up to the branch epoch, and so on up the lineage.
  const lineage: TrialDetail["lineage"] = [];
  for (let child = trial; child.parent !== null && child.startEpoch > 0; ) {
    const parent: TrialRow | undefined = getTrialRows(studyId, [child.parent])[0];
    if (!parent) break;
    const upTo = child.startEpoch;
    const points = db
      .select({ epoch: measurements.epoch, value: measurements.value })
      .from(measurements)
      .where(and(eq(measurements.trialId, parent.id), sql`${measurements.epoch} <= ${upTo}`))
      .orderBy(asc(measurements.epoch))
      .all()
      .flatMap((m): [number, number][] => (m.value === null ? [] : [[m.epoch, m.value]]));
    lineage.unshift({ trial: parent.number, points });
    child = parent;
  }
  const log = db
    .select({ type: events.type, payload: events.payload, createdAt: events.createdAt })
    .from(events)
    .where(and(eq(events.studyId, studyId), eq(events.trialId, trial.id), sql`${events.type} != 'report'`))
    .orderBy(asc(events.id))
    .all();
  const objective = getStudyRecord(studyId)?.objective;
  const bestCheckpoint = objective === "agent" || trial.bestEpoch === null ? null : bestCheckpointOf(trialCheckpointDir(studyId, number), trial.bestEpoch);
  return { trial, bestCheckpoint, curve, lineage, extra, events: log };
}

/** Keeps at most `max` points of a curve: the first, the last, the best, and an even stride of the rest. */
export function downsample(points: [number, number][], max: number, minimize: boolean): [number, number][] {
  if (points.length <= max) return points;
  let best = 0;
  points.forEach(([, v], i) => {
    if (minimize ? v < points[best][1] : v > points[best][1]) best = i;
  });
  const keep = new Set<number>([0, points.length - 1, best]);
  const stride = (points.length - 1) / (max - 2);
  for (let k = 0; keep.size < max && k * stride < points.length; k++) keep.add(Math.round(k * stride));
  return [...keep].sort((a, b) => a - b).map((i) => points[i]);
}

/**
 * Learning curves for the charts: the `limit` best trials, every running
 * one, then an even sample of the rest, each downsampled to `points`.
 */
export function getCurvesDownsampled(studyId: number, limit: number, points: number): CurvesResponse & { total: number } {
  const study = getStudyRecord(studyId);
  if (!study) return { curves: [], maxEpochs: 0, total: 0 };
  const db = getDb();
  const minimize = study.direction === "minimize";
  const all = db
    .select({ id: trials.id, number: trials.number, status: trials.status, best: trials.bestValue, reason: trials.reason })
    .from(trials)
    .where(eq(trials.studyId, studyId))
    .all();
  const ranked = [...all].sort((a, b) => (a.best === null ? 1 : b.best === null ? -1 : minimize ? a.best - b.best : b.best - a.best));
  const chosen = new Set<number>();
  for (const t of ranked.slice(0, Math.ceil(limit / 2))) chosen.add(t.id);
  for (const t of all) if (t.status === "running" && chosen.size < limit) chosen.add(t.id);
  const rest = all.filter((t) => !chosen.has(t.id));
  const step = rest.length / Math.max(1, limit - chosen.size);
  for (let k = 0; chosen.size < limit && Math.floor(k * step) < rest.length; k++) chosen.add(rest[Math.floor(k * step)].id);
  const ids = [...chosen];
  const rows = ids.length
    ? db.select({ trialId: measurements.trialId, epoch: measurements.epoch, value: measurements.value }).from(measurements).where(inArray(measurements.trialId, ids)).orderBy(asc(measurements.trialId), asc(measurements.epoch)).all()
    : [];
  const byId = new Map(all.map((t) => [t.id, t]));
  const grouped = new Map<number, [number, number][]>();
  for (const r of rows) if (r.value !== null && Number.isFinite(r.value)) (grouped.get(r.trialId) ?? grouped.set(r.trialId, []).get(r.trialId)!).push([r.epoch, r.value]);
  const curves = ids
    .map((id) => ({ trial: byId.get(id)!.number, status: byId.get(id)!.status, reason: byId.get(id)!.reason, points: downsample(grouped.get(id) ?? [], points, minimize) }))
    .sort((a, b) => a.trial - b.trial);
  return { curves, maxEpochs: study.maxEpochs, total: all.length };
}

/** Two parameters of every trial (or the best `limit` and a sample of the rest) with the trial's best value. */
export function getScatter(studyId: number, x: string, y: string, limit: number): ScatterResponse {
  const study = getStudyRecord(studyId)!;
  const space = study.space as Space;
  const px = space.find((p) => p.name === x)!;
  const py = space.find((p) => p.name === y)!;
  const all = getDb().select({ number: trials.number, params: trials.params, best: trials.bestValue }).from(trials).where(eq(trials.studyId, studyId)).all();
  const minimize = study.direction === "minimize";
  let rows = all;
  if (all.length > limit) {
    const ranked = [...all].sort((a, b) => (a.best === null ? 1 : b.best === null ? -1 : minimize ? a.best - b.best : b.best - a.best));
    const top = ranked.slice(0, Math.floor(limit / 2));
    const rest = ranked.slice(top.length);
    const step = rest.length / (limit - top.length);
    rows = [...top, ...Array.from({ length: limit - top.length }, (_, k) => rest[Math.floor(k * step)])];
  }
  const points = rows.map((t) => {
    const params = t.params as Record<string, number | string | boolean>;
    return { trial: t.number, x: params[x], y: params[y], zx: encodeValue(px, params[x]), zy: encodeValue(py, params[y]), value: t.best };
  });
  return { x, y, points, total: all.length };
}

/** Best-so-far value against epochs spent, at every improvement (and the last point); read incrementally, see bestSoFar. */
export function getHistory(studyId: number): HistoryResponse {
  const study = getStudyRecord(studyId);
  if (!study) return { points: [] };
  const { points, epochs } = bestSoFar(studyId, study.direction);
  const last = points[points.length - 1];
  return { points: last && last[0] !== epochs ? [...points, [epochs, last[1]]] : points };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The extra metrics' names of some measurements, in order of first appearance. */
function extraKeys(rows: readonly { extra: unknown }[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const key of Object.keys((r.extra as Record<string, unknown> | null) ?? {})) keys.add(key);
  return [...keys];
}

/** A CSV header for an extra metric: its key, or "extra.KEY" when the key is already a fixed column (a metric named "epoch"). */
function extraColumn(key: string, taken: ReadonlySet<string>): string {
  return taken.has(key) ? `extra.${key}` : key;
}

/**
 * Trials or measurements of a study as CSV text or a JSON array. Trials carry
 * their best and final values, notes, tags and best checkpoint, and the extra
 * metrics at their best epoch; measurements carry one column per extra metric
 * the program reported (docs/command-protocol.md).
 */
export function exportStudy(studyId: number, what: "trials" | "measurements", format: "csv" | "json"): string {
  const db = getDb();
  const study = getStudyRecord(studyId);
  const space = (study?.space ?? []) as Space;
  if (what === "trials") {
    const rows = getTrialRows(studyId, db.select({ n: trials.number }).from(trials).where(eq(trials.studyId, studyId)).all().map((r) => r.n));
    const atBest = db
      .select({ trial: trials.number, extra: measurements.extra })
      .from(measurements)
      .innerJoin(trials, and(eq(measurements.trialId, trials.id), eq(measurements.epoch, trials.bestEpoch)))
      .where(eq(trials.studyId, studyId))
      .all();
    const extraAtBest = new Map(atBest.map((r) => [r.trial, (r.extra as Record<string, unknown> | null) ?? {}]));
    const checkpoint = (t: TrialRow) => (study?.objective === "agent" || t.bestEpoch === null ? null : bestCheckpointOf(trialCheckpointDir(studyId, t.number), t.bestEpoch));
    const full = rows.map((t) => ({ ...t, bestCheckpoint: checkpoint(t), extraAtBest: extraAtBest.get(t.number) ?? {} }));
    if (format === "json") return JSON.stringify(full.map((t) => ({ ...t, scheduleText: scheduleText(t.schedule) })));
    const fixed = ["number", "status", ...space.map((p) => p.name), "best_value", "best_epoch", "final_value", "epochs", "best_checkpoint", "tags", "notes", "reason", "schedule"];
    const keys = extraKeys(atBest);
    const taken = new Set(fixed);
    const head = [...fixed, ...keys.map((k) => `${extraColumn(k, taken)}_at_best`)];
    const lines = full.map((t) =>
      [t.number, t.status, ...space.map((p) => t.params[p.name]), t.bestValue, t.bestEpoch, t.finalValue, t.epochs, t.bestCheckpoint, t.tags.join(" "), t.notes, t.reason, scheduleText(t.schedule), ...keys.map((k) => t.extraAtBest[k])]
        .map(csvCell)
        .join(","),
    );
    return [head.join(","), ...lines].join("\n") + "\n";
  }
  const rows = db
    .select({ trial: trials.number, epoch: measurements.epoch, value: measurements.value, extra: measurements.extra })
    .from(measurements)
    .innerJoin(trials, eq(measurements.trialId, trials.id))
    .where(eq(trials.studyId, studyId))
    .orderBy(asc(trials.number), asc(measurements.epoch))
    .all();
  if (format === "json") return JSON.stringify(rows);
  const keys = extraKeys(rows);
  const taken = new Set(["trial", "epoch", "value"]);
  const head = ["trial", "epoch", "value", ...keys.map((k) => extraColumn(k, taken))];
  const lines = rows.map((r) => {
    const extra = (r.extra as Record<string, unknown> | null) ?? {};
    return [r.trial, r.epoch, r.value, ...keys.map((k) => extra[k])].map(csvCell).join(",");
  });
  return [head.join(","), ...lines].join("\n") + "\n";
}

/** A key that changes whenever what raceTrials reads changes: the trials' count, epochs and statuses. */
export function raceStateKey(studyId: number): string {
  const rows = getDb()
    .select({ status: trials.status, n: sql<number>`count(*)`, epochs: sql<number>`sum(${trials.lastEpoch})`, best: sql<number>`sum(coalesce(${trials.bestEpoch}, 0))` })
    .from(trials)
    .where(eq(trials.studyId, studyId))
    .groupBy(trials.status)
    .orderBy(trials.status)
    .all();
  return [databaseFile(), ...rows.map((r) => `${r.status}:${r.n}:${r.epochs}:${r.best}`)].join(",");
}

/**
 * A study's trials as the race judges them at `rungs`: for each trial its
 * best loss up to each rung and overall, aggregated in SQL (one row a trial,
 * not one a measurement). `losses` is as long as the trial's last epoch and
 * holds the best-so-far at each rung epoch, Infinity elsewhere, so that
 * rungLoss at a rung is exact; a branch's inherited epochs stay infinite,
 * since only the epochs a trial trained itself count there. Non-finite
 * reports count as the worst loss.
 */
export function raceTrials(studyId: number, rungs: readonly number[]): TrialState[] {
  const db = getDb();
  const minimize = getStudyRecord(studyId)?.direction !== "maximize";
  const finite = sql`${measurements.value} < 1e308 and ${measurements.value} > -1e308`;
  const best = (upTo: number | null) => {
    const within = upTo === null ? finite : sql`${measurements.epoch} <= ${upTo} and ${finite}`;
    return minimize ? sql<number | null>`min(case when ${within} then ${measurements.value} end)` : sql<number | null>`max(case when ${within} then ${measurements.value} end)`;
  };
  const atRung = Object.fromEntries(rungs.map((r, k) => [`r${k}`, best(r)]));
  const aggregates = db
    .select({ trialId: measurements.trialId, best: best(null), ...atRung })
    .from(measurements)
    .innerJoin(trials, eq(measurements.trialId, trials.id))
    .where(eq(trials.studyId, studyId))
    .groupBy(measurements.trialId)
    .all() as ({ trialId: number; best: number | null } & Record<string, number | null>)[];
  const byTrial = new Map(aggregates.map((a) => [a.trialId, a]));
  const toLoss = (v: number | null | undefined) => (v === null || v === undefined ? Infinity : minimize ? v : -v);
  const rows = db
    .select({ id: trials.id, number: trials.number, status: trials.status, startEpoch: trials.startEpoch, targetEpoch: trials.targetEpoch, lastEpoch: trials.lastEpoch, bestEpoch: trials.bestEpoch, reason: trials.reason })
    .from(trials)
    .where(eq(trials.studyId, studyId))
    .orderBy(asc(trials.number))
    .all();
  return rows.map((r) => {
    const a = byTrial.get(r.id);
    const losses = new Array<number>(r.lastEpoch).fill(Infinity);
    rungs.forEach((epoch, k) => {
      if (epoch <= r.lastEpoch) losses[epoch - 1] = toLoss(a?.[`r${k}`]);
    });
    return {
      number: r.number,
      params: {},
      z: [],
      status: r.status === "interrupted" ? "failed" : r.status,
      losses,
      targetEpoch: r.targetEpoch,
      bestLoss: toLoss(a?.best),
      bestEpoch: r.bestEpoch ?? 0,
      startEpoch: r.startEpoch,
      reason: r.reason ?? undefined,
    };
  });
}
