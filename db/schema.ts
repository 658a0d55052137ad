/**
 * The database schema: studies, trials, measurements (one row per trial and
 * epoch) and the append-only event log that feeds live views and replay.
 */
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { ScheduleDecay } from "../lib/optimizer/branching";

export const studies = sqliteTable("studies", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  objective: text("objective").notNull(),
  metric: text("metric").notNull(),
  direction: text("direction", { enum: ["minimize", "maximize"] }).notNull(),
  strategy: text("strategy").notNull(),
  /** The search space as JSON (lib/optimizer/space.ts Space). */
  space: text("space", { mode: "json" }).notNull(),
  budgetKind: text("budget_kind", { enum: ["epochs", "trials"] }).notNull(),
  budgetValue: integer("budget_value").notNull(),
  maxEpochs: integer("max_epochs").notNull(),
  parallelism: integer("parallelism").notNull(),
  seed: integer("seed").notNull(),
  patience: integer("patience"),
  /** The race's switches when one is off, such as {"warmStart":false,"schedules":true}; null when both are on (the default). With the rungs and the schedule step's decay, when the study set them. */
  schedulerSettings: text("scheduler_settings", { mode: "json" }).$type<{ warmStart: boolean; schedules: boolean; eta?: number; minEpochs?: number; scheduleDecay?: ScheduleDecay }>(),
  epochDelayMs: integer("epoch_delay_ms").notNull().default(0),
  /** Per-study objective settings, such as the command spec of a "command" study. */
  objectiveConfig: text("objective_config", { mode: "json" }),
  status: text("status", { enum: ["running", "paused", "stopped", "completed", "failed"] }).notNull(),
  /** Free text the user keeps with the study (a study file's `description`). */
  notes: text("notes").notNull().default(""),
  /** The user's labels, a JSON array of strings; the studies list filters by them. */
  tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
  /**
   * Which checkpoints a finished trial keeps: "best-and-newest" deletes the rest of its folder's epoch files
   * (lib/engine/checkpoint-cleanup.ts); "all" keeps every file. Studies made before 0005 keep all.
   */
  keepCheckpoints: text("keep_checkpoints", { enum: ["best-and-newest", "all"] }).notNull().default("all"),
  /**
   * Whether the sieve's analysis rounds run in a worker thread, completed by an "analysis" event in the log
   * (lib/optimizer/samplers/sieve.ts deferAnalysis); studies made before 0008 ran them inside an ask and replay so.
   */
  analysisInWorker: integer("analysis_in_worker", { mode: "boolean" }).notNull().default(false),
  bestValue: real("best_value"),
  bestTrialId: integer("best_trial_id"),
  bestEpoch: integer("best_epoch"),
  epochsSpent: integer("epochs_spent").notNull().default(0),
  error: text("error"),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
  finishedAt: text("finished_at"),
});

export const trials = sqliteTable(
  "trials",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    studyId: integer("study_id")
      .notNull()
      .references(() => studies.id, { onDelete: "cascade" }),
    /** The strategy's trial number, 0, 1, 2 … within the study. */
    number: integer("number").notNull(),
    params: text("params", { mode: "json" }).notNull(),
    status: text("status", { enum: ["running", "paused", "completed", "pruned", "failed", "interrupted"] }).notNull(),
    parentTrialId: integer("parent_trial_id"),
    startEpoch: integer("start_epoch").notNull().default(0),
    /** The epoch the current job trains to. */
    targetEpoch: integer("target_epoch").notNull(),
    lastEpoch: integer("last_epoch").notNull().default(0),
    bestValue: real("best_value"),
    bestEpoch: integer("best_epoch"),
    reason: text("reason"),
    /** Epochs trained a second time because a resumed job found no checkpoint; they count against the budget. */
    retrainedEpochs: integer("retrained_epochs").notNull().default(0),
    /** Free text the user keeps with the trial. */
    notes: text("notes").notNull().default(""),
    /** The user's labels, a JSON array of strings. */
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
  },
  (t) => [uniqueIndex("trials_study_number").on(t.studyId, t.number), index("trials_study_status").on(t.studyId, t.status)],
);

export const measurements = sqliteTable(
  "measurements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    trialId: integer("trial_id")
      .notNull()
      .references(() => trials.id, { onDelete: "cascade" }),
    epoch: integer("epoch").notNull(),
    /** The reported value; null when the report was not finite (a diverged run). */
    value: real("value"),
    extra: text("extra", { mode: "json" }),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("measurements_trial_epoch").on(t.trialId, t.epoch)],
);

export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    studyId: integer("study_id")
      .notNull()
      .references(() => studies.id, { onDelete: "cascade" }),
    trialId: integer("trial_id"),
    type: text("type").notNull(),
    payload: text("payload", { mode: "json" }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("events_study").on(t.studyId, t.id)],
);

/** Every rule of a study, user-made or discovered, in its latest state. */
export const rules = sqliteTable(
  "rules",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    studyId: integer("study_id")
      .notNull()
      .references(() => studies.id, { onDelete: "cascade" }),
    /** The rule's own id, such as "slab:lr×momentum" or "user:3". */
    ruleId: text("rule_id").notNull(),
    origin: text("origin", { enum: ["user", "discovered"] }).notNull(),
    status: text("status", { enum: ["proposed", "active", "rejected", "relaxed"] }).notNull(),
    /** The whole rule (lib/optimizer/rules.ts Rule) as JSON. */
    rule: text("rule", { mode: "json" }).notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("rules_study_rule").on(t.studyId, t.ruleId)],
);

/** What each analysis round of the sieve found (lib/optimizer/samplers/sieve.ts AnalysisSnapshot). */
/**
 * Each study's latest strategy snapshot (lib/optimizer/state.ts): the
 * strategy's state after every event up to lastEventId, so that a restart
 * replays only the events after it. `state` is stateToJson's text.
 */
export const strategySnapshots = sqliteTable("strategy_snapshots", {
  studyId: integer("study_id")
    .primaryKey()
    .references(() => studies.id, { onDelete: "cascade" }),
  lastEventId: integer("last_event_id").notNull(),
  /** The state's JSON, or "" when it is in `file`. */
  state: text("state").notNull(),
  /** The file beside the database (snapshots/<study>-<event>.json) that holds the state, written off the event loop (since 0008). */
  file: text("file"),
  createdAt: text("created_at").notNull(),
});

export const analysisSnapshots = sqliteTable(
  "analysis_snapshots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    studyId: integer("study_id")
      .notNull()
      .references(() => studies.id, { onDelete: "cascade" }),
    round: integer("round").notNull(),
    snapshot: text("snapshot", { mode: "json" }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("snapshots_study_round").on(t.studyId, t.round)],
);

/**
 * Jobs handed to remote agents. A job is a lease: an agent claims a queued
 * job in one atomic statement, renews it while it trains, and loses it when
 * the lease expires.
 */
export const agentJobs = sqliteTable(
  "agent_jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    studyId: integer("study_id")
      .notNull()
      .references(() => studies.id, { onDelete: "cascade" }),
    trialNumber: integer("trial_number").notNull(),
    params: text("params", { mode: "json" }).notNull(),
    fromEpoch: integer("from_epoch").notNull(),
    toEpoch: integer("to_epoch").notNull(),
    seed: integer("seed").notNull(),
    status: text("status", { enum: ["queued", "leased", "done"] }).notNull(),
    agent: text("agent"),
    /** Milliseconds since the epoch; a leased job whose lease passed is stale. */
    leaseExpiresAt: integer("lease_expires_at"),
    lastEpoch: integer("last_epoch").notNull(),
    /** The agent that trained the trial up to fromEpoch and so holds its checkpoint (null for a job from scratch). */
    holder: text("holder"),
    /** Epochs up to fromEpoch that the agent trained again (no checkpoint at hand) and charged to the budget. */
    retrainedEpoch: integer("retrained_epoch").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("agent_jobs_study_status").on(t.studyId, t.status)],
);

/** Each study's agent token, stored only as its SHA-256 hash. */
export const agentTokens = sqliteTable("agent_tokens", {
  studyId: integer("study_id")
    .primaryKey()
    .references(() => studies.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull(),
  createdAt: text("created_at").notNull(),
});
