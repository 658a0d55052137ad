/**
 * The HTTP API's shapes: zod schemas for every input, and the types of every
 * response. Shared by route handlers, the browser, the CLI and agents.
 */
import { z } from "zod";
import type { Effect } from "../optimizer/analysis/effects";
import type { FidelityEffect } from "../optimizer/analysis/fidelity";
import type { ScheduleDecay } from "../optimizer/branching";
import { agentSpecSchema } from "./agent";
import { commandSpecSchema } from "./command";
import { finite, paramName, paramSchema, plainText, spaceSchema } from "./space-schema";
import { KEEP_CHECKPOINTS, STUDY_DEFAULTS } from "./study-defaults";

export { finite, paramName, paramSchema, plainText, spaceSchema, textProblem } from "./space-schema";
export const studyStatusSchema = z.enum(["running", "paused", "stopped", "completed", "failed"]);
export type StudyStatus = z.infer<typeof studyStatusSchema>;

export const trialStatusSchema = z.enum(["running", "paused", "completed", "pruned", "failed", "interrupted"]);
export type TrialStatusName = z.infer<typeof trialStatusSchema>;

export const budgetSchema = z.object({
  kind: z.enum(["epochs", "trials"]),
  value: z.number().int().positive().max(10_000_000),
});
export type Budget = z.infer<typeof budgetSchema>;

/** A study's or a trial's labels: at most 20, each 1–40 characters of plain text without commas, kept unique and in order. */
export const tagsSchema = z
  .array(plainText(z.string().trim().min(1, "a tag must not be empty").max(40).regex(/^[^,]*$/, "a tag must not contain a comma")))
  .max(20)
  .transform((tags) => [...new Set(tags)]);

/** Free text kept with a study or a trial. */
export const notesSchema = z.string().max(10_000).refine((s) => !s.includes("\u0000"), "must not contain NUL");

/** Notes and tags of a study or a trial, as PATCH changes them; what is left out stays. */
export const annotationSchema = z.object({ notes: notesSchema.optional(), tags: tagsSchema.optional() }).strict();
export type AnnotationInput = z.infer<typeof annotationSchema>;

/** A study file (YAML or JSON in the sweep-config shape, as `hypersieve run` takes it) sent to POST /api/studies instead of the fields. */
export const studyFileBodySchema = z
  .object({
    studyFile: z.string().min(1, "must not be empty").max(200_000),
    /** Check the file and answer with the study it would make (201 becomes 200), creating nothing. */
    dryRun: z.boolean().default(false),
  })
  .strict();

/** The answer to a dry run of a study file: the study it would make, every default filled in. */
export type StudyPreview = {
  name: string;
  objective: string;
  metric: string;
  direction: "minimize" | "maximize";
  strategy: string;
  space: ParamDef[];
  budget: Budget;
  maxEpochs: number;
  parallelism: number;
  seed: number;
  patience: number | null;
  eta?: number;
  minEpochs?: number;
  warmStart?: boolean;
  schedules?: boolean;
  scheduleDecay?: ScheduleDecay;
  keepCheckpoints?: "best-and-newest" | "all";
  notes?: string;
  tags?: string[];
  epochDelayMs: number;
  objectiveConfig?: unknown;
};

/**
 * Race scheduler: a schedule step that multiplies one numeric param by a
 * factor (e.g. lr × 0.1) instead of stepping towards the best trials at the
 * highest rung; lib/optimizer/branching.ts ScheduleDecay says what each
 * field does. What is left out takes the race's defaults, stored as such.
 */
export const scheduleDecaySchema = z
  .object({
    param: paramName,
    factor: finite.refine((f) => f > 0 && f !== 1, "must be a positive number other than 1"),
    from: z.enum(["best", "latest"]).default("best"),
    lastRung: z.boolean().default(false),
    alongside: z.boolean().default(false),
  })
  .strict();
export type ScheduleDecayInput = z.infer<typeof scheduleDecaySchema>;

export const createStudySchema = z
  .object({
    name: plainText(z.string().trim().min(1, "must not be empty").max(120)),
    /** An objective id from GET /api/objectives, such as "lc-table:digits-mlp". */
    objective: plainText(z.string().min(1).max(200)),
    space: spaceSchema.optional(),
    strategy: plainText(z.string().min(1).max(200)).default(STUDY_DEFAULTS.strategy),
    /** Absent: lib/api/study-defaults.ts defaultBudget of the objective's max epochs. */
    budget: budgetSchema.optional(),
    parallelism: z.number().int().min(1).max(64).default(STUDY_DEFAULTS.parallelism),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(STUDY_DEFAULTS.seed),
    patience: z.number().int().min(1).max(10_000).optional(),
    /** Rung schedulers (race, asha, hyperband): the factor between rungs (default 3); a study file's early_terminate.eta. */
    eta: z.number().int().min(2).max(10).optional(),
    /** Rung schedulers: the lowest rung's epochs (default 1); a study file's early_terminate.min_iter. */
    minEpochs: z.number().int().min(1).max(100_000).optional(),
    /** Which checkpoints a finished trial keeps: its best and newest (absent: STUDY_DEFAULTS.keepCheckpoints, best-and-newest), or all. */
    keepCheckpoints: z.enum(KEEP_CHECKPOINTS).optional(),
    notes: notesSchema.optional(),
    tags: tagsSchema.optional(),
    /**
     * Race scheduler (e.g. "sieve"): start every third new candidate from a leader's checkpoint; absent means false (bench/warm-start.ts found no saving).
     * Accepted for any strategy, but only the race acts on it, and only where the objective can warm start (ObjectiveInfo.warmStart).
     */
    warmStart: z.boolean().optional(),
    /** Race scheduler: branch a flattened leader into the next segment of a schedule; absent means false. Same conditions as warmStart. */
    schedules: z.boolean().optional(),
    /** Race scheduler: the schedule step decays one param; it switches schedules on (with schedules: false it is refused). */
    scheduleDecay: scheduleDecaySchema.optional(),
    /** Delay added to every epoch of a replayed or synthetic objective, so a person can watch. */
    epochDelayMs: z.number().int().min(0).max(60_000).default(STUDY_DEFAULTS.epochDelayMs),
    /** For objective "command": the program to run per trial (docs/command-protocol.md). */
    command: commandSpecSchema.optional(),
    /** For objective "agent": what the remote agents' program trains (docs/agents.md). */
    agent: agentSpecSchema.optional(),
  })
  .strict()
  .refine((s) => s.objective !== "command" || s.command !== undefined, { path: ["command"], message: "is required when the objective is 'command'" })
  .refine((s) => s.objective !== "agent" || s.agent !== undefined, { path: ["agent"], message: "is required when the objective is 'agent'" })
  .refine((s) => s.scheduleDecay === undefined || s.schedules !== false, {
    path: ["scheduleDecay"],
    message: "is a rule for the race's schedules, which schedules: false switches off (leave schedules out or set it to true)",
  });
export type CreateStudyInput = z.infer<typeof createStudySchema>;
/** The body a client sends to create a study: defaulted fields may be left out. */
export type CreateStudyBody = z.input<typeof createStudySchema>;

export const studyActionSchema = z.object({ action: z.enum(["pause", "resume", "stop"]) }).strict();

/** A finished study's new budget, of the same kind, above what it has spent. */
export const extendBudgetSchema = z.object({ value: z.number().int().positive().max(10_000_000) }).strict();
export type StudyAction = z.infer<typeof studyActionSchema>["action"];

/** A positive integer written in decimal digits only (no sign, spaces, exponent or 0x), as ids in paths are. */
export function decimalIdSchema(what: string) {
  return z
    .string()
    .regex(/^[0-9]{1,15}$/, `${what} must be written in decimal digits only`)
    .transform(Number)
    .pipe(z.number().int().positive(`${what} must be positive`));
}

export const studyIdSchema = decimalIdSchema("a study id");

export type ParamDef = z.infer<typeof paramSchema>;

/** An objective a study can optimize, with its default space. */
export type ObjectiveInfo = {
  id: string;
  title: string;
  description: string;
  metric: string;
  direction: "minimize" | "maximize";
  maxEpochs: number;
  space: ParamDef[];
  /** A sensible default delay per epoch in ms, for watching. */
  defaultEpochDelayMs: number;
  /** The best value reachable, when known (synthetic functions, tables). */
  optimum: number | null;
  /** Whether a trial can start from another trial's checkpoint (branches, warm starts, PBT); absent means it cannot, as for tables. */
  warmStart?: boolean;
  /** Params a warm start must keep from the parent, because its checkpoint cannot carry over a change of them (the network's shape). */
  warmStartKeeps?: string[];
};

export type StudySummary = {
  id: number;
  name: string;
  objective: string;
  objectiveTitle: string;
  metric: string;
  direction: "minimize" | "maximize";
  strategy: string;
  status: StudyStatus;
  space: ParamDef[];
  budget: Budget;
  maxEpochs: number;
  parallelism: number;
  seed: number;
  patience: number | null;
  /** Rung schedulers' factor and lowest rung, when the study set them (absent: the scheduler's defaults, 3 and 1). */
  eta?: number;
  minEpochs?: number;
  keepCheckpoints: "best-and-newest" | "all";
  notes: string;
  tags: string[];
  /** The best trial's value at its last epoch: what it ended at, beside its best. */
  finalValue: number | null;
  /** The best trial's checkpoint at its best epoch (the file naming that epoch, else one named for the best), as a path on the server; null when there is none. */
  bestCheckpoint: string | null;
  /** The race's warm starts and schedules as the study was created (true unless switched off); other schedulers ignore them. */
  warmStart: boolean;
  schedules: boolean;
  /** The schedule step when it decays a param; absent for the default step (towards the best trials at the highest rung). */
  scheduleDecay?: ScheduleDecay;
  /** Whether the objective can warm start, so that the race's switches mean anything. */
  canWarmStart: boolean;
  epochDelayMs: number;
  bestValue: number | null;
  bestTrial: number | null;
  bestEpoch: number | null;
  epochsSpent: number;
  trialCount: number;
  runningCount: number;
  /** Trials that failed (the program crashed, broke the protocol or timed out); interrupted ones are not counted. */
  failedCount: number;
  /** Share of the budget spent, 0..1. */
  progress: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** Only in the answer to creating an agent study: the token its agents authenticate with, shown once. */
  agentToken?: string;
};

export type TrialRow = {
  id: number;
  number: number;
  params: Record<string, number | string | boolean>;
  status: TrialStatusName;
  bestValue: number | null;
  bestEpoch: number | null;
  epochs: number;
  reason: string | null;
  /** The value at its last epoch (null when that report was not finite, or none came). */
  finalValue: number | null;
  notes: string;
  tags: string[];
  createdAt: string;
  finishedAt: string | null;
  /** The trial it branched from (warm start, schedule, PBT), or null. */
  parent: number | null;
  /** The epoch it started from: 0 from scratch; epochs up to it are the parent's. */
  startEpoch: number;
  /** Epochs it trained a second time (resumed on an agent without its checkpoint); they count against the budget. */
  retrainedEpochs: number;
  /** For a branch, its params as (from epoch, params) segments, the ancestors' first; absent for a trial trained from scratch. */
  schedule?: { fromEpoch: number; params: Record<string, number | string | boolean>; shrinkPerturb?: boolean }[];
};

export type StudyDetail = { study: StudySummary; trials: TrialRow[] };

/** One trial's learning curve: [epoch, value] points in increasing epoch. */
export type Curve = { trial: number; status: TrialStatusName; points: [number, number][]; reason?: string | null };

export type CurvesResponse = { curves: Curve[]; maxEpochs: number };

/** The body of every 4xx/5xx: a message naming what is wrong, and each bad field. */
export type ApiError = { error: string; issues?: { path: string; message: string; line?: number }[] };

/** A rule the user adds from the dashboard: pin a parameter, restrict its range, or exclude a box. */
export const userRuleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("pin"), param: paramName, value: z.union([finite, plainText(z.string().max(200)), z.boolean()]) }).strict(),
  z.object({ kind: z.literal("range"), param: paramName, low: finite, high: finite }).strict(),
  z
    .object({
      kind: z.literal("exclude"),
      box: z
        .array(
          z.union([
            z.object({ param: paramName, low: finite, high: finite }).strict(),
            z.object({ param: paramName, choices: z.array(z.union([finite, plainText(z.string().max(200)), z.boolean()])).min(1).max(100) }).strict(),
          ]),
        )
        .min(1)
        .max(64),
    })
    .strict(),
]);
export type UserRuleInput = z.infer<typeof userRuleSchema>;

/** Accept (activate) or reject a rule; rejecting a user rule withdraws it. */
export const ruleDecisionSchema = z.object({ status: z.enum(["active", "rejected"]) }).strict();

export const trialsQuerySchema = z.object({
  sort: z.enum(["number", "bestValue", "epochs", "status"]).default("number"),
  order: z.enum(["asc", "desc"]).default("asc"),
  status: trialStatusSchema.optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type TrialsQuery = z.infer<typeof trialsQuerySchema>;

export const curvesQuerySchema = z.object({
  /** At most this many curves: the best ones, the running ones, then an even sample of the rest. */
  limit: z.coerce.number().int().min(1).max(2000).default(200),
  /** At most this many points per curve (downsampled on the server). */
  points: z.coerce.number().int().min(2).max(10_000).default(200),
});

export const scatterQuerySchema = z.object({ x: paramName, y: paramName, limit: z.coerce.number().int().min(10).max(20_000).default(2000) });

export const studiesQuerySchema = z.object({ tag: z.string().min(1).max(40).optional() });

export const exportQuerySchema = z.object({ format: z.enum(["csv", "json"]).default("csv"), what: z.enum(["trials", "measurements"]).default("trials") });

/** Rule as stored (lib/optimizer/rules.ts Rule), in API terms. */
export type RuleView = {
  id: string;
  origin: "user" | "discovered";
  status: "proposed" | "active" | "rejected" | "relaxed";
  kind: "pin" | "range" | "exclude" | "slab";
  evidence?: { statistic: number; p: number; trials: number; goodOutside?: number; good?: number; summary: string };
  [key: string]: unknown;
};

/** One tested group of the sieve's analysis, as the API serves it. */
export type EffectView = Effect;

export type SnapshotView = {
  round: number;
  trials: number;
  epoch: number;
  observations: number;
  effects: EffectView[];
  rules: RuleView[];
  bounds: [number, number][];
  volumeShare: number;
  /** Parameters whose effect reverses between a low and a high fidelity (absent in rounds stored before it was measured). */
  fidelityEffects?: FidelityEffect[];
};

export type AnalysisResponse = { snapshots: SnapshotView[]; rules: RuleView[] };

/** After a rule change: the rule, and the running trials that now lie outside the subspace. */
export type RuleChangeResponse = { rule: RuleView; outside: TrialRow[] };

export type TrialsPage = { total: number; trials: TrialRow[] };

export type ScatterResponse = {
  x: string;
  y: string;
  /** Each point: trial number, the two params' values, their unit coordinates, and the trial's best value. */
  points: { trial: number; x: number | string | boolean; y: number | string | boolean; zx: number; zy: number; value: number | null }[];
  total: number;
};

export type RaceResponse = {
  rungs: number[];
  /**
   * Per rung below the last: finished trials the race kept there (its top 1/η) and dropped there,
   * the chance a dropped one ends better than a kept one, Spearman's ρ to the end, and whether the rung predicts the end.
   */
  checks: { rung: number; epoch: number; kept: number; dropped: number; overtake: number | null; comparedAt: number | null; rhoToEnd: number | null; bestKept: number | null; predicts: boolean | null }[];
  entryRung: number;
  /** Why new trials enter where they do, in words. */
  reason: string;
};

export type HistoryResponse = { points: [number, number][] };

export type TrialDetail = {
  trial: TrialRow;
  /** The checkpoint of its best epoch, as a path on the server; null when there is none (agent studies keep theirs on the agents). */
  bestCheckpoint: string | null;
  curve: [number, number][];
  /** For a branch, the curve it inherited: each ancestor's measurements from its own start up to where its child branched, oldest first. */
  lineage: { trial: number; points: [number, number][] }[];
  /** Extra metrics per epoch (e.g. val_accuracy), when the objective reports them. */
  extra: Record<string, [number, number][]>;
  events: { type: string; payload: unknown; createdAt: string }[];
};
