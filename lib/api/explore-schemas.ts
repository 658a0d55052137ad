/**
 * Schemas and response types of the study's exploration views: the effect
 * tests run on any study's stored trials, and every trial as one point
 * (parallel coordinates, history by trial, the fitted surface).
 */
import { z } from "zod";
import type { SnapshotView, TrialStatusName } from "./schemas";

export const effectsQuerySchema = z.object({
  /** The epoch (one of the study's rungs) to test at; by default the highest rung that holds a third of the trials of the best-filled one. */
  epoch: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

export const pointsQuerySchema = z.object({
  /** At most this many trials: the best half, then an even sample of the rest. */
  limit: z.coerce.number().int().min(10).max(20_000).default(2000),
});

/** One trial as a point: its params, their unit coordinates (in the space's order), its best value and its value at its last epoch. */
export type TrialPoint = {
  trial: number;
  status: TrialStatusName;
  params: Record<string, number | string | boolean>;
  z: number[];
  best: number | null;
  last: number | null;
  epochs: number;
};

export type PointsResponse = {
  points: TrialPoint[];
  /** Every trial of the study, sampled or not. */
  total: number;
  /** Best value so far against trial number, over every trial (not only the sampled ones): [trial, best] at each improvement and the last trial. */
  bestSoFar: [number, number][];
};

/**
 * The effect tests run on a study's stored trials, whatever its strategy.
 * `snapshot` is null while too few trials reached any fidelity (`reason` says how many are needed).
 */
export type EffectsResponse = {
  snapshot: SnapshotView | null;
  /** Reports (epochs) stored when the analysis was computed, and now. */
  computedAt: number;
  reports: number;
  /** Trials that reached the tested epoch, and how many of them the tests used (an even sample when there are more). */
  available: number;
  /** Each rung of the study, with the trials that trained to it: the epochs it can be tested at. */
  fidelities: { epoch: number; trials: number }[];
  /** Where the analysis comes from, in words. */
  source: string;
  reason: string | null;
};
