/**
 * The effect tests in a worker thread, so a dashboard request never blocks the
 * server's event loop for the second or more they take. Loaded through tsx
 * without the react-server condition (effects-worker-entry.mjs), so it imports
 * only the pure analysis and is not marked server-only.
 */
import { analyzeEffects, type AnalysisParam, type Effect, type EffectsOptions, type Observation } from "../optimizer/analysis/effects";
import { deriveRng } from "../optimizer/rng";

/** One run of the tests: the observations and parameters, and the seed and indices of its random stream. */
export type EffectsJob = { observations: Observation[]; params: AnalysisParam[]; seed: number; label: string; indices: number[]; options: EffectsOptions };

/** Runs the tests of one job; the same job gives the same effects in any thread. */
export function runEffectsJob(job: EffectsJob): Effect[] {
  return analyzeEffects(job.observations, job.params, deriveRng(job.seed, job.label, ...job.indices), job.options);
}

/** The worker's side: run the job it was started with, post the effects back. */
export function serveEffects(port: { postMessage(message: unknown): void }, job: EffectsJob): void {
  try {
    port.postMessage({ type: "result", effects: runEffectsJob(job) });
  } catch (error) {
    port.postMessage({ type: "error", message: String((error as Error)?.stack ?? error) });
  }
}
