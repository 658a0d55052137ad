// Over 400 lines: every SQL write of the engine, the CLI and the routes lives here, one transaction each; the read models (summaries, rows, curves) are the next seam to move out.
/**
 * Named queries: the only place the project talks SQL. Every write that
 * acknowledges something (a study, a job, a report) is one transaction,
 * committed before the function returns.
 */
import "server-only";
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Budget, Curve, CurvesResponse, StudyDetail, StudyStatus, StudySummary, TrialRow, TrialStatusName } from "../lib/api/schemas";
import type { Rule } from "../lib/optimizer/rules";
import type { ScheduleDecay } from "../lib/optimizer/branching";
import type { AnalysisSnapshot } from "../lib/optimizer/samplers/sieve";
import { RACE_SCHEDULES_DEFAULT, RACE_WARM_START_DEFAULT } from "../lib/optimizer/schedulers/race-defaults";
import type { Params, Space } from "../lib/optimizer/space";
import { objectiveCanWarmStart, objectiveTitle } from "../lib/objectives/registry";
import { STUDY_DEFAULTS } from "../lib/api/study-defaults";
import { bestCheckpointOf } from "../lib/objectives/checkpoint-cleanup";
import path from "node:path";
import { databaseFile, getDb } from "./client";
import { withFault } from "./faults";
import { inTransaction, statement } from "./prepared";
import { analysisSnapshots, events, measurements, rules, studies, trials } from "./schema";

type StudyRecord = typeof studies.$inferSelect;
type TrialRecord = typeof trials.$inferSelect;

const now = () => new Date().toISOString();

export type NewStudy = {
  name: string;
  objective: string;
  metric: string;
  direction: "minimize" | "maximize";
  strategy: string;
  space: Space;
  budget: Budget;
  maxEpochs: number;
  parallelism: number;
  seed: number;
  patience: number | null;
  /** The race's switches; absent takes the race's defaults, and both are stored. */
  warmStart?: boolean;
  schedules?: boolean;
  epochDelayMs: number;
  objectiveConfig?: unknown;
  /** Rung schedulers' factor and lowest rung, stored with the race's switches when given. */
  eta?: number;
  minEpochs?: number;
  /** The race's schedule step when it decays a param, stored with its switches. */
  scheduleDecay?: ScheduleDecay;
  keepCheckpoints?: "best-and-newest" | "all";
  /** Whether the sieve's analysis rounds run in a worker thread (every new study; false replays an old study's log). */
  analysisInWorker?: boolean;
  notes?: string;
  tags?: string[];
};

/**
 * The race's switches of a stored study. Every study stores both since they
 * became off by default; a null column is a study from before, when both
 * were on unless switched off, and it replays with them on.
 */
export function schedulerSettingsOf(s: Pick<StudyRecord, "schedulerSettings">): { warmStart: boolean; schedules: boolean; scheduleDecay?: ScheduleDecay } {
  const decay = s.schedulerSettings?.scheduleDecay;
  return { warmStart: s.schedulerSettings?.warmStart ?? true, schedules: s.schedulerSettings?.schedules ?? true, ...(decay ? { scheduleDecay: decay } : {}) };
}

/** The rung settings a study set (a study file's early_terminate), else none: the scheduler's own defaults. */
export function rungSettingsOf(s: Pick<StudyRecord, "schedulerSettings">): { eta?: number; minEpochs?: number } {
  const { eta, minEpochs } = s.schedulerSettings ?? {};
  return { ...(eta !== undefined ? { eta } : {}), ...(minEpochs !== undefined ? { minEpochs } : {}) };
}

/** Event types of the study log; "job", "report", "trial_failed", "trial_halted", the rule events and "analysis" are replayed into the strategy. */
export type EventType =
  | "study_created"
  | "study_status"
  | "job"
  | "report"
  | "trial_finished"
  | "trial_failed"
  | "trial_halted"
  | "trial_suspended"
  | "trial_resumed"
  | "rule_status"
  | "user_rules"
  | "rule_decision"
  | "trial_retrained"
  | "trial_released"
  | "analysis";

// Trial jobs and events are written a dozen times per turn of a busy study: statements prepared once (db/prepared.ts), the JSON as drizzle stores it.
function appendEvent(studyId: number, trialId: number | null, type: EventType, payload: unknown): void {
  statement("insert into events (study_id, trial_id, type, payload, created_at) values (?, ?, ?, ?, ?)").run(studyId, trialId, type, JSON.stringify(payload), now());
}

/** Inserts a study in status running, with its creation event. */
export function insertStudy(input: NewStudy): StudyRecord {
  const db = getDb();
  return db.transaction(() => {
    const t = now();
    const row = db
      .insert(studies)
      .values({
        name: input.name,
        objective: input.objective,
        metric: input.metric,
        direction: input.direction,
        strategy: input.strategy,
        space: input.space,
        budgetKind: input.budget.kind,
        budgetValue: input.budget.value,
        maxEpochs: input.maxEpochs,
        parallelism: input.parallelism,
        seed: input.seed,
        patience: input.patience,
        schedulerSettings: {
          warmStart: input.warmStart ?? RACE_WARM_START_DEFAULT,
          schedules: input.schedules ?? RACE_SCHEDULES_DEFAULT,
          ...(input.eta !== undefined ? { eta: input.eta } : {}),
          ...(input.minEpochs !== undefined ? { minEpochs: input.minEpochs } : {}),
          ...(input.scheduleDecay ? { scheduleDecay: input.scheduleDecay } : {}),
        },
        keepCheckpoints: input.keepCheckpoints ?? STUDY_DEFAULTS.keepCheckpoints,
        analysisInWorker: input.analysisInWorker ?? true,
        notes: input.notes ?? "",
        tags: input.tags ?? [],
        epochDelayMs: input.epochDelayMs,
        objectiveConfig: input.objectiveConfig ?? null,
        status: "running",
        createdAt: t,
        updatedAt: t,
      })
      .returning()
      .get();
    appendEvent(row.id, null, "study_created", { strategy: input.strategy, seed: input.seed });
    return row;
  });
}

/** One study's row, or undefined. */
export function getStudyRecord(id: number): StudyRecord | undefined {
  const row = getDb().select().from(studies).where(eq(studies.id, id)).get();
  return row && withFault(row);
}

/** Ids of the studies in a status, oldest first. */
export function getStudyIdsByStatus(status: StudyStatus): number[] {
  return getDb().select({ id: studies.id }).from(studies).where(eq(studies.status, status)).orderBy(asc(studies.id)).all().map((r) => r.id);
}

/** Sets a study's status (and error), with an event; finished statuses stamp finishedAt. */
export function setStudyStatus(id: number, status: StudyStatus, error: string | null = null): void {
  const db = getDb();
  db.transaction(() => {
    const t = now();
    const finished = status === "completed" || status === "stopped" || status === "failed";
    db.update(studies)
      .set({ status, error, updatedAt: t, finishedAt: finished ? t : null })
      .where(eq(studies.id, id))
      .run();
    appendEvent(id, null, "study_status", { status, error });
  });
}

/** A "branch" job's lineage: the parent's number and row id, the epoch it starts from, and whether the weights were shrunk and perturbed. */
export type BranchOf = { parent: number; parentTrialId: number; fromEpoch: number; shrinkPerturb: boolean };

/**
 * Records a new trial for a "new" or "branch" job, with the job event;
 * returns the trial's row id. A branch stores its parent and start epoch;
 * its schedule follows from the lineage (see toTrialRow), and the job event
 * records the whole branch, shrink-and-perturb included.
 */
export function insertTrial(studyId: number, job: { trial: number; params: Params; toEpoch: number }, branch?: BranchOf): number {
  return inTransaction(() => {
    const t = now();
    const row = {
      id: Number(
        statement(
          "insert into trials (study_id, number, params, status, target_epoch, parent_trial_id, start_epoch, created_at, updated_at) values (?, ?, ?, 'running', ?, ?, ?, ?, ?)",
        ).run(studyId, job.trial, JSON.stringify(job.params), job.toEpoch, branch?.parentTrialId ?? null, branch?.fromEpoch ?? 0, t, t).lastInsertRowid,
      ),
    };
    const payload = branch
      ? { kind: "branch", trial: job.trial, parent: branch.parent, fromEpoch: branch.fromEpoch, params: job.params, toEpoch: job.toEpoch, shrinkPerturb: branch.shrinkPerturb }
      : { kind: "new", trial: job.trial, params: job.params, toEpoch: job.toEpoch };
    appendEvent(studyId, row.id, "job", payload);
    return row.id;
  });
}

/**
 * Sets a trial running again to a later epoch. A "continue" job of the
 * strategy is logged for replay; a trial resumed after a study pause is not,
 * since the strategy never saw it stop.
 */
export function continueTrial(studyId: number, trialId: number, job: { trial: number; toEpoch: number }, isJob = true): void {
  inTransaction(() => {
    statement("update trials set status = 'running', target_epoch = ?, reason = null, finished_at = null, updated_at = ? where id = ?").run(job.toEpoch, now(), trialId);
    if (isJob) appendEvent(studyId, trialId, "job", { kind: "continue", trial: job.trial, toEpoch: job.toEpoch });
    else appendEvent(studyId, trialId, "trial_resumed", { trial: job.trial, toEpoch: job.toEpoch });
  });
}

/** What became of a report: stored now, or a repeat of one already stored. */
export type ReportOutcome = "stored" | "duplicate";

/** A reported value as JSON keeps it: ±Infinity as the strings "Infinity" and "-Infinity", NaN as null (JSON has neither). */
export function eventValue(value: number): number | string | null {
  if (Number.isNaN(value)) return null;
  return Number.isFinite(value) ? value : String(value);
}

/** The reported value of a logged report event: the inverse of eventValue. */
export function valueOfEvent(value: unknown): number {
  if (typeof value === "number") return value;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  return NaN;
}

/**
 * Stores one epoch's value, updates the trial's and the study's best and the
 * epochs spent, and logs the report, in one transaction. A repeat of a stored
 * (trial, epoch) with the same value is a no-op; a different value throws.
 */
export function recordMeasurement(r: {
  studyId: number;
  trialId: number;
  trialNumber: number;
  epoch: number;
  value: number;
  loss: number;
  extra?: Record<string, unknown> | null;
  /** More writes that belong with the report, run inside its transaction (also for a duplicate). */
  alongside?: () => void;
}): ReportOutcome {
  // The hottest write of the server (every epoch of every trial): statements prepared once, one transaction.
  return inTransaction(() => {
    const existing = statement("select value from measurements where trial_id = ? and epoch = ?").get(r.trialId, r.epoch) as { value: number | null } | undefined;
    // NaN (a diverged run) is stored as NULL; ±Infinity are kept as SQLite REALs, as reported.
    const stored = Number.isNaN(r.value) ? null : r.value;
    if (existing) {
      if (existing.value !== stored) throw new Error(`trial ${r.trialNumber} epoch ${r.epoch} was already reported as ${existing.value}, not ${r.value}`);
      r.alongside?.();
      return "duplicate";
    }
    const t = now();
    statement("insert into measurements (trial_id, epoch, value, extra, created_at) values (?, ?, ?, ?, ?)").run(r.trialId, r.epoch, stored, r.extra == null ? null : JSON.stringify(r.extra), t);
    const trial = statement("select last_epoch as lastEpoch, best_value as bestValue, best_epoch as bestEpoch from trials where id = ?").get(r.trialId) as
      | { lastEpoch: number; bestValue: number | null; bestEpoch: number | null }
      | undefined;
    if (!trial) throw new Error(`trial id ${r.trialId} does not exist`);
    const study = statement("select direction, best_value as bestValue from studies where id = ?").get(r.studyId) as { direction: string; bestValue: number | null } | undefined;
    if (!study) throw new Error(`study ${r.studyId} does not exist`);
    const sign = study.direction === "minimize" ? 1 : -1;
    // Only a finite value can be a best value: an infinite one is kept and ranked, never reported as the best.
    const finiteValue = stored !== null && Number.isFinite(stored);
    const improvesTrial = finiteValue && (trial.bestValue === null || sign * stored < sign * trial.bestValue);
    statement("update trials set last_epoch = ?, best_value = ?, best_epoch = ?, updated_at = ? where id = ?").run(
      Math.max(trial.lastEpoch, r.epoch),
      improvesTrial ? stored : trial.bestValue,
      improvesTrial ? r.epoch : trial.bestEpoch,
      t,
      r.trialId,
    );
    const improvesStudy = finiteValue && (study.bestValue === null || sign * stored < sign * study.bestValue);
    if (improvesStudy) {
      statement("update studies set epochs_spent = epochs_spent + 1, updated_at = ?, best_value = ?, best_trial_id = ?, best_epoch = ? where id = ?").run(t, stored, r.trialId, r.epoch, r.studyId);
    } else {
      statement("update studies set epochs_spent = epochs_spent + 1, updated_at = ? where id = ?").run(t, r.studyId);
    }
    statement("insert into events (study_id, trial_id, type, payload, created_at) values (?, ?, 'report', ?, ?)").run(
      r.studyId,
      r.trialId,
      JSON.stringify({ trial: r.trialNumber, epoch: r.epoch, value: eventValue(r.value) }),
      t,
    );
    r.alongside?.();
    return "stored" as const;
  });
}

/**
 * Charges one epoch a trial trained a second time (a resumed job that found no checkpoint) to the
 * study's epochs spent and the trial's count, in one transaction; the first of a run is logged.
 */
export function recordRetrainedEpoch(r: { studyId: number; trialId: number; trialNumber: number; epoch: number; note: string }): void {
  const db = getDb();
  db.transaction(() => {
    const t = now();
    db.update(trials).set({ retrainedEpochs: sql`${trials.retrainedEpochs} + 1`, updatedAt: t }).where(eq(trials.id, r.trialId)).run();
    db.update(studies).set({ epochsSpent: sql`${studies.epochsSpent} + 1`, updatedAt: t }).where(eq(studies.id, r.studyId)).run();
    if (r.epoch === 1) appendEvent(r.studyId, r.trialId, "trial_retrained", { trial: r.trialNumber, reason: r.note });
  });
}

/** Ends a trial's job: paused (may continue later), completed, pruned, failed or interrupted. */
export function finishTrial(
  studyId: number,
  trialId: number,
  trialNumber: number,
  status: TrialStatusName,
  reason: string | null,
  eventType: "trial_finished" | "trial_failed" | "trial_halted" | "trial_suspended" = "trial_finished",
): void {
  inTransaction(() => {
    const t = now();
    const final = status !== "paused" && status !== "running";
    statement("update trials set status = ?, reason = ?, updated_at = ?, finished_at = ? where id = ?").run(status, reason, t, final ? t : null, trialId);
    appendEvent(studyId, trialId, eventType, { trial: trialNumber, status, reason });
  });
}

/** Why a trial the race left waiting at a rung ended when its study finished (SQL, to end them all in one statement). */
const WAITED_REASON_SQL = "'the study finished while this trial waited at epoch ' || last_epoch";

/**
 * Ends the first `limit` paused trials of a study (by number) as pruned, each
 * with its trial_halted event, in one transaction of two statements (one
 * write per trial took seconds at thousands of waiting trials). Returns them
 * in trial order.
 */
export function pruneWaitingTrials(studyId: number, limit: number): { number: number; reason: string }[] {
  const db = getDb();
  const client = db.$client;
  return db.transaction(() => {
    const t = now();
    const waiting = client
      .prepare(`select number, ${WAITED_REASON_SQL} as reason from trials where study_id = ? and status = 'paused' order by number limit ?`)
      .all(studyId, limit) as { number: number; reason: string }[];
    if (waiting.length === 0) return [];
    const upTo = waiting[waiting.length - 1].number;
    client
      .prepare(
        `insert into events (study_id, trial_id, type, payload, created_at)
         select study_id, id, 'trial_halted', json_object('trial', number, 'status', 'pruned', 'reason', ${WAITED_REASON_SQL}), ?
         from trials where study_id = ? and status = 'paused' and number <= ? order by number`,
      )
      .run(t, studyId, upTo);
    client
      .prepare(`update trials set status = 'pruned', reason = ${WAITED_REASON_SQL}, updated_at = ?, finished_at = ? where study_id = ? and status = 'paused' and number <= ?`)
      .run(t, t, studyId, upTo);
    return waiting;
  });
}

/**
 * Ends the trials left paused in studies that have finished (completed or
 * stopped), as pruned: servers before this fix left the race's waiting trials
 * paused when a study finished. Returns how many it ended.
 */
export function pruneWaitingTrialsOfFinishedStudies(): number {
  const db = getDb();
  return db.transaction(() => {
    const stale = db
      .select({ id: trials.id, studyId: trials.studyId, number: trials.number, lastEpoch: trials.lastEpoch })
      .from(trials)
      .innerJoin(studies, eq(trials.studyId, studies.id))
      .where(and(eq(trials.status, "paused"), inArray(studies.status, ["completed", "stopped"])))
      .all();
    const t = now();
    for (const s of stale) {
      const reason = `the study finished while this trial waited at epoch ${s.lastEpoch}`;
      db.update(trials).set({ status: "pruned", reason, updatedAt: t, finishedAt: t }).where(eq(trials.id, s.id)).run();
      appendEvent(s.studyId, s.id, "trial_halted", { trial: s.number, status: "pruned", reason });
    }
    return stale.length;
  });
}

/** Marks every trial still "running" as interrupted (after a crash); returns how many per study. */
export function markRunningTrialsInterrupted(): { studyId: number; trialId: number; number: number }[] {
  const db = getDb();
  return db.transaction(() => {
    const stale = db.select({ id: trials.id, studyId: trials.studyId, number: trials.number }).from(trials).where(eq(trials.status, "running")).all();
    const t = now();
    for (const s of stale) {
      db.update(trials).set({ status: "interrupted", reason: "the server stopped while it ran", updatedAt: t, finishedAt: t }).where(eq(trials.id, s.id)).run();
      appendEvent(s.studyId, s.id, "trial_failed", { trial: s.number, status: "interrupted", reason: "the server stopped while it ran" });
    }
    return stale.map((s) => ({ studyId: s.studyId, trialId: s.id, number: s.number }));
  });
}

/**
 * How a study's last `limit` finished jobs ended, oldest first: failed, or
 * not (completed, paused or pruned by the strategy). Trials interrupted by a
 * server restart, paused with the study or stopped by the user are left out.
 */
export function getRecentJobOutcomes(studyId: number, limit: number): { failed: boolean; trial: number; reason: string | null }[] {
  const rows = getDb()
    .select({ type: events.type, payload: events.payload })
    .from(events)
    .where(and(eq(events.studyId, studyId), inArray(events.type, ["trial_finished", "trial_failed"]), sql`coalesce(json_extract(${events.payload}, '$.status'), '') != 'interrupted'`))
    .orderBy(sql`${events.id} desc`)
    .limit(limit)
    .all() as { type: EventType; payload: { trial: number; reason?: string | null } }[];
  return rows.reverse().map((r) => ({ failed: r.type === "trial_failed", trial: r.payload.trial, reason: r.payload.reason ?? null }));
}

/** Failed trials of a study, and of the trials that resumed from a checkpoint, how many failed. */
export type FailureStats = {
  trials: number;
  failed: number;
  /** Trials that went on from a checkpoint at least once (continued by the strategy, resumed after a pause, or branched). */
  resumed: number;
  /** Of those, the ones that failed: a failure ends a trial, so they failed in a job that resumed. */
  resumedFailed: number;
  lastFailure: { trial: number; reason: string | null } | null;
};

/** A study's failed trials, and how many of the trials that resumed from a checkpoint failed (lib/engine/failures.ts trustProblems). */
export function getFailureStats(studyId: number): FailureStats {
  const db = getDb();
  const counts = trialCounts([studyId]).get(studyId) ?? { total: 0, running: 0, failed: 0 };
  const resumedIds = db
    .selectDistinct({ id: events.trialId })
    .from(events)
    .where(
      and(
        eq(events.studyId, studyId),
        sql`(${events.type} = 'trial_resumed' or (${events.type} = 'job' and json_extract(${events.payload}, '$.kind') in ('continue', 'branch')))`,
      ),
    )
    .all()
    .map((r) => r.id)
    .filter((id): id is number => id !== null);
  const resumedFailed =
    resumedIds.length === 0
      ? 0
      : Number(db.select({ n: sql<number>`count(*)` }).from(trials).where(and(inArray(trials.id, resumedIds), eq(trials.status, "failed"))).get()?.n ?? 0);
  const last = db
    .select({ number: trials.number, reason: trials.reason })
    .from(trials)
    .where(and(eq(trials.studyId, studyId), eq(trials.status, "failed")))
    .orderBy(sql`${trials.finishedAt} desc`, sql`${trials.id} desc`)
    .limit(1)
    .get();
  return {
    trials: counts.total,
    failed: counts.failed,
    resumed: resumedIds.length,
    resumedFailed,
    lastFailure: last ? { trial: last.number, reason: last.reason } : null,
  };
}

/** A study's replayable events in order, those after event `afterId` only when given (a strategy snapshot covers the rest). */
export function getReplayEvents(studyId: number, afterId = 0): { type: EventType; payload: Record<string, unknown> }[] {
  return getDb()
    .select({ type: events.type, payload: events.payload })
    .from(events)
    .where(and(eq(events.studyId, studyId), gt(events.id, afterId), inArray(events.type, ["job", "report", "trial_failed", "trial_halted", "user_rules", "rule_decision", "analysis"])))
    .orderBy(asc(events.id))
    .all() as { type: EventType; payload: Record<string, unknown> }[];
}

/** Trials of a study in a status (e.g. the suspended ones of a paused study). */
export function getTrialRecords(studyId: number, status?: TrialStatusName): TrialRecord[] {
  const where = status ? and(eq(trials.studyId, studyId), eq(trials.status, status)) : eq(trials.studyId, studyId);
  return getDb().select().from(trials).where(where).orderBy(asc(trials.number)).all();
}

type TrialCounts = { total: number; running: number; failed: number };

function trialCounts(studyIds: number[]): Map<number, TrialCounts> {
  const counts = new Map<number, TrialCounts>();
  if (studyIds.length === 0) return counts;
  const rows = getDb()
    .select({
      studyId: trials.studyId,
      total: sql<number>`count(*)`,
      running: sql<number>`sum(case when ${trials.status} = 'running' then 1 else 0 end)`,
      failed: sql<number>`sum(case when ${trials.status} = 'failed' then 1 else 0 end)`,
    })
    .from(trials)
    .where(inArray(trials.studyId, studyIds))
    .groupBy(trials.studyId)
    .all();
  for (const r of rows) counts.set(r.studyId, { total: Number(r.total), running: Number(r.running ?? 0), failed: Number(r.failed ?? 0) });
  return counts;
}

/** What a summary tells of its best trial: its number, its final value and its best checkpoint. */
type BestOf = { number: number; finalValue: number | null; bestCheckpoint: string | null };

function toSummary(s: StudyRecord, counts: TrialCounts | undefined, best: BestOf | undefined, title: string, canWarmStart: boolean): StudySummary {
  const trialCount = counts?.total ?? 0;
  const progress =
    s.status === "completed" ? 1 : s.budgetKind === "epochs" ? s.epochsSpent / s.budgetValue : trialCount / s.budgetValue;
  return {
    id: s.id,
    name: s.name,
    objective: s.objective,
    objectiveTitle: title,
    metric: s.metric,
    direction: s.direction,
    strategy: s.strategy,
    status: s.status,
    space: s.space as StudySummary["space"],
    budget: { kind: s.budgetKind, value: s.budgetValue },
    maxEpochs: s.maxEpochs,
    parallelism: s.parallelism,
    seed: s.seed,
    patience: s.patience,
    ...rungSettingsOf(s),
    keepCheckpoints: s.keepCheckpoints,
    notes: s.notes,
    tags: s.tags,
    finalValue: best?.finalValue ?? null,
    bestCheckpoint: best?.bestCheckpoint ?? null,
    ...schedulerSettingsOf(s),
    canWarmStart,
    epochDelayMs: s.epochDelayMs,
    bestValue: s.bestValue,
    bestTrial: best?.number ?? null,
    bestEpoch: s.bestEpoch,
    epochsSpent: s.epochsSpent,
    trialCount,
    runningCount: counts?.running ?? 0,
    failedCount: counts?.failed ?? 0,
    progress: Math.min(1, progress),
    error: s.error,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    finishedAt: s.finishedAt,
  };
}

/** The value a trial reported at its last epoch, per trial row id; a non-finite or missing report is null. */
function finalValues(trialIds: readonly number[]): Map<number, number | null> {
  if (trialIds.length === 0) return new Map();
  const rows = getDb()
    .select({ id: trials.id, value: measurements.value })
    .from(trials)
    .innerJoin(measurements, and(eq(measurements.trialId, trials.id), eq(measurements.epoch, trials.lastEpoch)))
    .where(inArray(trials.id, [...trialIds]))
    .all();
  return new Map(rows.map((r) => [r.id, r.value !== null && Number.isFinite(r.value) ? r.value : null]));
}

/** The best trial of each study: its number, final value and the checkpoint of its best epoch (agent studies keep theirs on the agents). */
function bestTrials(rows: readonly StudyRecord[]): Map<number, BestOf> {
  const ids = rows.map((r) => r.bestTrialId).filter((x): x is number => x !== null);
  if (ids.length === 0) return new Map();
  const found = getDb().select({ id: trials.id, studyId: trials.studyId, number: trials.number, bestEpoch: trials.bestEpoch }).from(trials).where(inArray(trials.id, ids)).all();
  const finals = finalValues(ids);
  const objectiveOf = new Map(rows.map((r) => [r.id, r.objective]));
  return new Map(
    found.map((t) => [
      t.id,
      {
        number: t.number,
        finalValue: finals.get(t.id) ?? null,
        bestCheckpoint: objectiveOf.get(t.studyId) === "agent" || t.bestEpoch === null ? null : bestCheckpointOf(trialCheckpointDir(t.studyId, t.number), t.bestEpoch),
      },
    ]),
  );
}

/** A trial's checkpoint folder: beside the database, under checkpoints/<study>/<trial>. */
export function trialCheckpointDir(studyId: number, trialNumber: number): string {
  return path.join(studyCheckpointDir(studyId), String(trialNumber));
}

/** A study's checkpoint folder, holding one folder per trial. */
export function studyCheckpointDir(studyId: number): string {
  return path.join(path.dirname(databaseFile()), "checkpoints", String(studyId));
}

/** Every study, newest first, as the list page shows it; with `tag`, only the studies that carry it. */
export function listStudies(tag?: string): StudySummary[] {
  const where = tag === undefined ? undefined : sql`exists (select 1 from json_each(${studies.tags}) where json_each.value = ${tag})`;
  const rows = getDb().select().from(studies).where(where).orderBy(sql`${studies.id} desc`).all().map(withFault);
  const counts = trialCounts(rows.map((r) => r.id));
  const best = bestTrials(rows);
  return rows.map((r) => toSummary(r, counts.get(r.id), r.bestTrialId === null ? undefined : best.get(r.bestTrialId), objectiveTitle(r.objective), objectiveCanWarmStart(r.objective, r.objectiveConfig)));
}

/** One study's summary, or null. */
export function getStudySummary(id: number): StudySummary | null {
  const s = getStudyRecord(id);
  if (!s) return null;
  const best = bestTrials([s]);
  return toSummary(s, trialCounts([id]).get(id), s.bestTrialId === null ? undefined : best.get(s.bestTrialId), objectiveTitle(s.objective), objectiveCanWarmStart(s.objective, s.objectiveConfig));
}

type Lineage = Map<number, Pick<TrialRecord, "id" | "number" | "params" | "parentTrialId" | "startEpoch">>;

/** The records and every ancestor of the branched ones, by row id (one query per generation). */
function lineageOf(records: readonly TrialRecord[]): Lineage {
  const known: Lineage = new Map(records.map((r) => [r.id, r]));
  let missing = [...new Set(records.map((r) => r.parentTrialId).filter((id): id is number => id !== null && !known.has(id)))];
  while (missing.length > 0) {
    const rows = getDb()
      .select({ id: trials.id, number: trials.number, params: trials.params, parentTrialId: trials.parentTrialId, startEpoch: trials.startEpoch })
      .from(trials)
      .where(inArray(trials.id, missing))
      .all();
    for (const r of rows) known.set(r.id, r);
    missing = [...new Set(rows.map((r) => r.parentTrialId).filter((id): id is number => id !== null && !known.has(id)))];
  }
  return known;
}

/** A trial's schedule from its lineage: the parent's segments before the trial's start epoch, then its own params. */
function scheduleOf(id: number, lineage: Lineage): NonNullable<TrialRow["schedule"]> {
  const t = lineage.get(id);
  if (!t) return [];
  const own = { fromEpoch: t.startEpoch, params: t.params as TrialRow["params"] };
  if (t.parentTrialId === null) return [{ fromEpoch: 0, params: own.params }];
  return [...scheduleOf(t.parentTrialId, lineage).filter((s) => s.fromEpoch < t.startEpoch), own];
}

function toTrialRows(records: readonly TrialRecord[]): TrialRow[] {
  const lineage = records.some((r) => r.parentTrialId !== null) ? lineageOf(records) : new Map() as Lineage;
  const finals = finalValues(records.map((r) => r.id));
  return records.map((t) => toTrialRow(t, lineage, finals.get(t.id) ?? null));
}

function toTrialRow(t: TrialRecord, lineage: Lineage, finalValue: number | null): TrialRow {
  const parent = t.parentTrialId === null ? undefined : lineage.get(t.parentTrialId);
  return {
    id: t.id,
    number: t.number,
    params: t.params as TrialRow["params"],
    status: t.status,
    bestValue: t.bestValue,
    bestEpoch: t.bestEpoch,
    epochs: t.lastEpoch,
    reason: t.reason,
    finalValue,
    notes: t.notes,
    tags: t.tags,
    createdAt: t.createdAt,
    finishedAt: t.finishedAt,
    parent: parent?.number ?? null,
    startEpoch: t.startEpoch,
    retrainedEpochs: t.retrainedEpochs,
    ...(parent ? { schedule: scheduleOf(t.id, lineage) } : {}),
  };
}

/** Rows of some trials of a study, by number. */
export function getTrialRows(studyId: number, numbers: readonly number[]): TrialRow[] {
  if (numbers.length === 0) return [];
  const rows = getDb()
    .select()
    .from(trials)
    .where(and(eq(trials.studyId, studyId), inArray(trials.number, [...numbers])))
    .orderBy(asc(trials.number))
    .all();
  return toTrialRows(rows);
}

/** A study with all of its trials, or null. */
/** How many trials a live study page receives with the study; the rest are paged. */
export const STUDY_TRIALS_LIMIT = 200;

/** A study with its trials: all of them, or a bounded selection of `limit` (best, running, newest). */
export function getStudyDetail(id: number, limit?: number): StudyDetail | null {
  const study = getStudySummary(id);
  if (!study) return null;
  if (limit === undefined || study.trialCount <= limit) return { study, trials: toTrialRows(getTrialRecords(id)) };
  // A bounded selection for live pages: the best trials, the running ones and the newest; /trials pages through all.
  const db = getDb();
  const minimize = study.direction === "minimize";
  const pick = (order: ReturnType<typeof asc>, n: number) =>
    db.select({ n: trials.number }).from(trials).where(and(eq(trials.studyId, id), sql`${trials.bestValue} is not null`)).orderBy(order).limit(n).all().map((r) => r.n);
  const numbers = new Set<number>([
    ...pick(minimize ? asc(trials.bestValue) : sql`${trials.bestValue} desc`, Math.floor(limit / 2)),
    ...db.select({ n: trials.number }).from(trials).where(and(eq(trials.studyId, id), eq(trials.status, "running"))).all().map((r) => r.n),
    ...db.select({ n: trials.number }).from(trials).where(eq(trials.studyId, id)).orderBy(sql`${trials.number} desc`).limit(Math.floor(limit / 2)).all().map((r) => r.n),
  ]);
  return { study, trials: getTrialRows(id, [...numbers]) };
}

/** Every trial's learning curve; non-finite reports are left out of the points. */
export function getCurves(id: number): CurvesResponse {
  const s = getStudyRecord(id);
  if (!s) return { curves: [], maxEpochs: 0 };
  const rows = getDb()
    .select({ number: trials.number, status: trials.status, epoch: measurements.epoch, value: measurements.value })
    .from(measurements)
    .innerJoin(trials, eq(measurements.trialId, trials.id))
    .where(eq(trials.studyId, id))
    .orderBy(asc(trials.number), asc(measurements.epoch))
    .all();
  const curves: Curve[] = [];
  for (const r of rows) {
    let curve = curves[curves.length - 1];
    if (!curve || curve.trial !== r.number) {
      curve = { trial: r.number, status: r.status, points: [] };
      curves.push(curve);
    }
    if (r.value !== null && Number.isFinite(r.value)) curve.points.push([r.epoch, r.value]);
  }
  return { curves, maxEpochs: s.maxEpochs };
}

/** Row counts of every table, for tests that check a rejected request wrote nothing. */
export function tableCounts(): Record<"studies" | "trials" | "measurements" | "events" | "rules" | "snapshots", number> {
  const db = getDb();
  const count = (table: typeof studies | typeof trials | typeof measurements | typeof events | typeof rules | typeof analysisSnapshots) =>
    Number(db.select({ n: sql<number>`count(*)` }).from(table).get()?.n ?? 0);
  return {
    studies: count(studies),
    trials: count(trials),
    measurements: count(measurements),
    events: count(events),
    rules: count(rules),
    snapshots: count(analysisSnapshots),
  };
}

/** How many rule changes a study's log holds. */
export function ruleEventCount(studyId: number): number {
  return Number(
    getDb()
      .select({ n: sql<number>`count(*)` })
      .from(events)
      .where(and(eq(events.studyId, studyId), inArray(events.type, ["user_rules", "rule_decision"])))
      .get()?.n ?? 0,
  );
}

/** Stores analysis rounds not yet stored (a replay after a restart recomputes the same rounds). */
export function saveSnapshots(studyId: number, snapshots: readonly AnalysisSnapshot[]): void {
  if (snapshots.length === 0) return;
  const db = getDb();
  db.transaction(() => {
    const t = now();
    for (const snapshot of snapshots) {
      db.insert(analysisSnapshots).values({ studyId, round: snapshot.round, snapshot, createdAt: t }).onConflictDoNothing().run();
    }
  });
}

/** Upserts the current state of every rule of a study, logging a change of status as an event. */
export function saveRules(studyId: number, current: readonly Rule[]): void {
  const db = getDb();
  db.transaction(() => {
    const t = now();
    const known = new Map(db.select().from(rules).where(eq(rules.studyId, studyId)).all().map((r) => [r.ruleId, r]));
    for (const rule of current) {
      const before = known.get(rule.id);
      if (before && JSON.stringify(before.rule) === JSON.stringify(rule)) continue;
      if (before) db.update(rules).set({ status: rule.status, rule, updatedAt: t }).where(eq(rules.id, before.id)).run();
      else db.insert(rules).values({ studyId, ruleId: rule.id, origin: rule.origin, status: rule.status, rule, createdAt: t, updatedAt: t }).run();
      if (!before || before.status !== rule.status) appendEvent(studyId, null, "rule_status", { rule: rule.id, status: rule.status, summary: rule.evidence?.summary ?? null });
    }
  });
}

/** A study's analysis rounds in order, and its rules. */
export function getAnalysis(studyId: number): { snapshots: AnalysisSnapshot[]; rules: Rule[] } {
  const db = getDb();
  const snapshots = db.select({ s: analysisSnapshots.snapshot }).from(analysisSnapshots).where(eq(analysisSnapshots.studyId, studyId)).orderBy(asc(analysisSnapshots.round)).all();
  const current = db.select({ r: rules.rule }).from(rules).where(eq(rules.studyId, studyId)).orderBy(asc(rules.id)).all();
  return { snapshots: snapshots.map((x) => x.s as AnalysisSnapshot), rules: current.map((x) => x.r as Rule) };
}

/** Logs that an analysis round's result (its effects and fidelity findings, as strategy-state JSON) came back from the worker thread; replayed into the strategy at this point of the log. */
export function recordAnalysisEvent(studyId: number, round: number, result: string): void {
  appendEvent(studyId, null, "analysis", { round, result });
}

/** Logs a change of the user's rules or a decision on a discovered rule; both are replayed into the strategy. */
export function recordRuleEvent(studyId: number, type: "user_rules" | "rule_decision", payload: Record<string, unknown>): void {
  appendEvent(studyId, null, type, payload);
}
