/**
 * Warm starts of MLP trials (DESIGN.md, "The method", idea 3): a branch
 * starts from its parent's checkpoint, written into its own folder as its
 * first checkpoint, so that the parent's pruning can never take it away and
 * a branch suspended before its first epoch resumes from the same state.
 */
import { deriveRng } from "../../optimizer/rng";
import type { Params } from "../../optimizer/space";
import { loadCheckpoint, saveCheckpoint, type TrainingState } from "./checkpoint";
import type { Model } from "./epoch";
import type { FloatArray } from "./network";
import { createOptimizerState } from "./optimizer";
import type { MlpConfig } from "./trainer";

/** Shrink factor λ of shrink-and-perturb. */
export const SHRINK = 0.5;
/** Noise scale: σ is this share of each layer's weight standard deviation. */
export const PERTURB = 0.01;

function std(values: FloatArray, start: number, end: number): number {
  let mean = 0;
  for (let i = start; i < end; i++) mean += values[i];
  mean /= Math.max(1, end - start);
  let sq = 0;
  for (let i = start; i < end; i++) sq += (values[i] - mean) ** 2;
  return Math.sqrt(sq / Math.max(1, end - start));
}

/**
 * Shrink and perturb, layer by layer: w ← λ·w + σ·ε with ε standard normal
 * from a stream seeded by `seed`, and σ = noise · the standard deviation of
 * the layer's weight matrix before shrinking (biases take the same σ).
 * Returns new weights; the input is not changed.
 * @see arXiv:1910.08475 (Ash and Adams 2020, "On Warm-Starting Neural Network Training")
 */
export function shrinkPerturbWeights(model: Model, seed: number, lambda = SHRINK, noise = PERTURB): FloatArray {
  const { layout } = model;
  const out = model.weights.slice();
  const rng = deriveRng(seed, "shrink-perturb");
  for (let l = 0; l + 1 < layout.sizes.length; l++) {
    const w0 = layout.weightOffsets[l];
    const b0 = layout.biasOffsets[l];
    const end = b0 + layout.sizes[l + 1];
    const sigma = noise * std(model.weights, w0, b0);
    for (let i = w0; i < end; i++) out[i] = lambda * model.weights[i] + sigma * rng.normal();
  }
  return out;
}

/** Where a branch starts: the parent's checkpoint folder and epoch, and whether its weights are shrunk and perturbed. */
export type WarmStart = { checkpointDir: string; epoch: number; shrinkPerturb: boolean };

/**
 * Writes a branch's starting state into its own folder as the checkpoint of
 * `warm.epoch`, unless one is there already (a branch resumed after a pause
 * starts from what was prepared). The parent's weights carry over; the
 * optimizer's moments too, unless the optimizer kind changes or the weights
 * are shrunk and perturbed (the moments belong to the old weights). The
 * network's shape must match: width and depth cannot change in a branch.
 * Synchronous, so a caller can finish it before the parent trains on.
 */
export function prepareWarmStart(warm: WarmStart, childDir: string, config: MlpConfig, params: Params, seed: number): TrainingState {
  const existing = loadCheckpoint(childDir, warm.epoch);
  if (existing) return existing;
  const state = loadCheckpoint(warm.checkpointDir, warm.epoch);
  if (!state) throw new Error(`warm start: no checkpoint of epoch ${warm.epoch} in ${warm.checkpointDir}`);
  const spec = state.model.spec;
  if (spec.width !== config.width || spec.depth !== config.depth) {
    throw new Error(`warm start: the parent is a ${spec.depth}×${spec.width} network, the params ask for ${config.depth}×${config.width}`);
  }
  const model: Model = { ...state.model, spec: { ...spec, activation: config.activation, dropout: config.dropout } };
  if (warm.shrinkPerturb) model.weights = shrinkPerturbWeights(model, seed);
  if (warm.shrinkPerturb || model.optimizer.kind !== config.optimizer.kind) model.optimizer = createOptimizerState(config.optimizer.kind, model.weights.length);
  const prepared: TrainingState = {
    ...state,
    model,
    meta: { params, seed, warmStart: { from: warm.checkpointDir, epoch: warm.epoch, shrinkPerturb: warm.shrinkPerturb } },
  };
  saveCheckpoint(childDir, prepared);
  return prepared;
}
