/** One analysis round of the sieve as a pure job, so that a worker thread can run it (lib/workers) and the same job gives the same result anywhere. */
import { runEffectsJob, type Effect, type EffectsJob } from "./effects";
import { fidelityEffectsOf, type FidelityEffect, type FidelityInput } from "./fidelity";

/** The round's effect tests on its observations, and the comparison of fidelities on the trials as they were when the round fell due. */
export type RoundJob = { effects: EffectsJob; fidelity: FidelityInput };

export type RoundResult = { effects: Effect[]; fidelityEffects: FidelityEffect[] };

export function runRoundJob(job: RoundJob): RoundResult {
  return { effects: runEffectsJob(job.effects), fidelityEffects: fidelityEffectsOf(job.fidelity) };
}
