/**
 * The HTTP API's shapes: zod schemas for every input, and the types of every
 * response. Shared by route handlers, the browser, the CLI and agents.
 */
import { z } from "zod";

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const paramName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, "must be 1–64 letters, digits, '_', '.' or '-', starting with a letter or '_'")
  .refine((n) => n !== "__proto__" && n !== "constructor" && n !== "prototype", "must not be a reserved name");

export const paramSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("float"), name: paramName, low: finite, high: finite, log: z.boolean().optional(), grid: z.array(finite).min(1).max(1000).optional() }),
  z.object({
    type: z.literal("int"),
    name: paramName,
    low: z.number().int(),
    high: z.number().int(),
    log: z.boolean().optional(),
    step: z.number().int().positive().optional(),
    grid: z.array(z.number().int()).min(1).max(1000).optional(),
  }),
  z.object({
    type: z.literal("categorical"),
    name: paramName,
    choices: z.array(z.union([z.string().max(200), finite, z.boolean()])).min(1).max(100),
  }),
]);
export const spaceSchema = z.array(paramSchema).min(1, "must have at least one parameter").max(64);

export const studyStatusSchema = z.enum(["running", "paused", "stopped", "completed", "failed"]);
export type StudyStatus = z.infer<typeof studyStatusSchema>;

export const trialStatusSchema = z.enum(["running", "paused", "completed", "pruned", "failed", "interrupted"]);
export type TrialStatusName = z.infer<typeof trialStatusSchema>;

export const budgetSchema = z.object({
  kind: z.enum(["epochs", "trials"]),
  value: z.number().int().positive().max(10_000_000),
});
export type Budget = z.infer<typeof budgetSchema>;

export const createStudySchema = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(120),
    /** An objective id from GET /api/objectives, such as "lc-table:digits-mlp". */
    objective: z.string().min(1).max(200),
    space: spaceSchema.optional(),
    strategy: z.string().min(1).max(200).default("random+fifo"),
    budget: budgetSchema,
    parallelism: z.number().int().min(1).max(64).default(4),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    patience: z.number().int().min(1).max(10_000).optional(),
    /** Delay added to every epoch of a replayed or synthetic objective, so a person can watch. */
    epochDelayMs: z.number().int().min(0).max(60_000).default(0),
  })
  .strict();
export type CreateStudyInput = z.infer<typeof createStudySchema>;

export const studyActionSchema = z.object({ action: z.enum(["pause", "resume", "stop"]) }).strict();
export type StudyAction = z.infer<typeof studyActionSchema>["action"];

export const studyIdSchema = z.coerce.number().int().positive();

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
  epochDelayMs: number;
  bestValue: number | null;
  bestTrial: number | null;
  bestEpoch: number | null;
  epochsSpent: number;
  trialCount: number;
  runningCount: number;
  /** Share of the budget spent, 0..1. */
  progress: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
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
  createdAt: string;
  finishedAt: string | null;
};

export type StudyDetail = { study: StudySummary; trials: TrialRow[] };

/** One trial's learning curve: [epoch, value] points in increasing epoch. */
export type Curve = { trial: number; status: TrialStatusName; points: [number, number][] };

export type CurvesResponse = { curves: Curve[]; maxEpochs: number };

/** The body of every 4xx/5xx: a message naming what is wrong, and each bad field. */
export type ApiError = { error: string; issues?: { path: string; message: string }[] };
