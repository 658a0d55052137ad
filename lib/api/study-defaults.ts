/**
 * What a study gets for each setting it leaves out — one source for the
 * HTTP API (createStudySchema), study files (lib/cli/study-file.ts, for the
 * CLI and the server alike) and the new-study form. Browser-safe: no zod,
 * no Node.
 */
import type { Budget } from "./schemas";

/** The defaults of a new study's settings. */
export const STUDY_DEFAULTS = {
  /** The method of DESIGN.md: the correlation sieve with the learning-curve race. */
  strategy: "sieve",
  parallelism: 4,
  seed: 0,
  /** Early stopping on patience is off unless asked for; the race stops slow learners at its rungs anyway. */
  patience: null,
  /** No delay: a delay is for watching replayed or synthetic objectives, and only when asked for. */
  epochDelayMs: 0,
  /** A finished trial keeps the checkpoint of its best epoch and its newest one (lib/engine/checkpoint-cleanup.ts). */
  keepCheckpoints: "best-and-newest",
} as const;

/** The budget of a study that gives none: 50 full trainings' worth of epochs, or 100 trials of a one-epoch objective. */
export function defaultBudget(maxEpochs: number): Budget {
  return maxEpochs > 1 ? { kind: "epochs", value: 50 * maxEpochs } : { kind: "trials", value: 100 };
}

/** The ways a finished trial's checkpoints are kept. */
export const KEEP_CHECKPOINTS = ["best-and-newest", "all"] as const;
export type KeepCheckpoints = (typeof KEEP_CHECKPOINTS)[number];
