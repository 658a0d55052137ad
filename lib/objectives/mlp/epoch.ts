/**
 * One epoch of mini-batch training and the validation pass. Pure: every random
 * draw of epoch e comes from streams derived from (seed, e), so resuming at
 * epoch e from a checkpoint replays exactly the shuffles and masks an
 * uninterrupted run would have drawn.
 */
import { deriveRng } from "../../optimizer/rng";
import type { Split } from "./dataset";
import {
  createWorkspace,
  forward,
  initWeights,
  layoutOf,
  loadBatch,
  lossAndGradient,
  softmaxCrossEntropy,
  type FloatArray,
  type Layout,
  type NetworkSpec,
  type Workspace,
} from "./network";
import { createOptimizerState, optimizerStep, type OptimizerSettings, type OptimizerState } from "./optimizer";

/** A network with its weights, gradient buffer and optimizer state. */
export type Model = {
  spec: NetworkSpec;
  layout: Layout;
  weights: FloatArray;
  grad: FloatArray;
  optimizer: OptimizerState;
};

/** Rows evaluated per forward pass; bounds the workspace, not the result. */
const EVAL_CHUNK = 256;

/** A freshly initialized model; the same spec and seed always give the same weights. */
export function createModel(spec: NetworkSpec, optimizer: OptimizerSettings["kind"], seed: number): Model {
  const weights = initWeights(spec, seed);
  return {
    spec,
    layout: layoutOf(spec),
    weights,
    grad: new Float64Array(weights.length),
    optimizer: createOptimizerState(optimizer, weights.length),
  };
}

const workspaces = new WeakMap<Model, Workspace>();

function workspaceFor(model: Model, rows: number): Workspace {
  let ws = workspaces.get(model);
  if (!ws || ws.capacity < rows) {
    ws = createWorkspace(model.spec, Math.max(rows, EVAL_CHUNK));
    workspaces.set(model, ws);
  }
  return ws;
}

/** The row order of epoch `epoch` (1-based): a Fisher–Yates shuffle seeded by (seed, epoch). */
export function epochOrder(rows: number, seed: number, epoch: number): Int32Array {
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const rng = deriveRng(seed, "mlp-shuffle", epoch);
  for (let i = rows - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * Trains one epoch, yielding after every mini-batch so a caller can hand the
 * event loop back; returns the mean training loss over the epoch's samples
 * (measured in training mode, with dropout, as a PyTorch loop logs it). The
 * last partial batch is kept.
 */
export function* trainEpochSteps(model: Model, data: Split, settings: OptimizerSettings, batchSize: number, seed: number, epoch: number): Generator<void, number, void> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch_size must be a positive integer, got ${batchSize}`);
  const order = epochOrder(data.rows, seed, epoch);
  const dropoutRng = model.spec.dropout > 0 ? deriveRng(seed, "mlp-dropout", epoch) : null;
  const ws = workspaceFor(model, batchSize);
  let total = 0;
  for (let start = 0; start < data.rows; start += batchSize) {
    const count = Math.min(batchSize, data.rows - start);
    const loss = lossAndGradient(model.spec, model.weights, model.grad, ws, data, order, start, count, dropoutRng);
    total += loss * count;
    optimizerStep(model.weights, model.grad, model.optimizer, settings);
    yield;
  }
  return total / data.rows;
}

/** Trains one epoch without yielding; see trainEpochSteps. */
export function trainEpoch(model: Model, data: Split, settings: OptimizerSettings, batchSize: number, seed: number, epoch: number): number {
  const steps = trainEpochSteps(model, data, settings, batchSize, seed, epoch);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

let identityCache = new Int32Array(0);

/** The indices 0..n-1, shared between calls. */
function identity(n: number): Int32Array {
  if (identityCache.length < n) identityCache = Int32Array.from({ length: n }, (_, i) => i);
  return identityCache;
}

/** Mean cross-entropy and accuracy on a split, in evaluation mode (no dropout). */
export function evaluate(model: Model, data: Split): { loss: number; accuracy: number } {
  const ws = workspaceFor(model, EVAL_CHUNK);
  const rows = identity(data.rows);
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < data.rows; start += EVAL_CHUNK) {
    const count = Math.min(EVAL_CHUNK, data.rows - start);
    loadBatch(ws, data.x, model.spec.inputs, rows, start, count);
    forward(model.spec, model.layout, model.weights, ws, count, null);
    const part = softmaxCrossEntropy(model.layout, ws, data.y, rows, start, count, false);
    loss += part.loss;
    correct += part.correct;
  }
  return { loss: loss / data.rows, accuracy: correct / data.rows };
}
