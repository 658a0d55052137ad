/**
 * A multilayer perceptron for classification, in plain TypeScript on typed
 * arrays: seeded initialization, forward and backward passes, softmax
 * cross-entropy. Pure: no I/O, no clock, randomness only from passed-in RNGs.
 */
import { deriveRng, type Rng } from "../../optimizer/rng";
import { denseForward, denseInputGradient, denseWeightGradient } from "./dense";

/** Hidden-layer nonlinearity. */
export type Activation = "relu" | "tanh" | "gelu";

/** Weights and optimizer moments are Float32 when training, Float64 for gradient checks. */
export type FloatArray = Float32Array | Float64Array;

/** A typed-array constructor for the weights. */
export type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

/** The architecture: `depth` hidden layers of `width` units between inputs and classes. */
export type NetworkSpec = {
  inputs: number;
  classes: number;
  width: number;
  depth: number;
  activation: Activation;
  /** Probability of zeroing a hidden unit while training (inverted dropout). */
  dropout: number;
};

/** Where each layer's weights and biases sit in the one flat parameter vector. */
export type Layout = {
  /** Units per layer, inputs first, classes last. */
  sizes: number[];
  /** Offset of layer l's weight matrix (sizes[l+1] × sizes[l], row-major like torch's Linear). */
  weightOffsets: number[];
  biasOffsets: number[];
  total: number;
};

/** Checks an architecture and throws an error naming the bad field. */
export function assertSpec(spec: NetworkSpec): void {
  const ints: [keyof NetworkSpec, number][] = [["inputs", 1], ["classes", 2], ["width", 1], ["depth", 0]];
  for (const [key, min] of ints) {
    const v = spec[key] as number;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`network ${key} must be an integer ≥ ${min}, got ${v}`);
  }
  if (!["relu", "tanh", "gelu"].includes(spec.activation)) throw new RangeError(`network activation must be relu, tanh or gelu, got ${spec.activation}`);
  if (!(spec.dropout >= 0 && spec.dropout < 1)) throw new RangeError(`network dropout must be in [0, 1), got ${spec.dropout}`);
}

/** Computes the flat parameter layout of an architecture. */
export function layoutOf(spec: NetworkSpec): Layout {
  const sizes = [spec.inputs, ...Array.from({ length: spec.depth }, () => spec.width), spec.classes];
  const weightOffsets: number[] = [];
  const biasOffsets: number[] = [];
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    weightOffsets.push(total);
    total += sizes[l] * sizes[l + 1];
    biasOffsets.push(total);
    total += sizes[l + 1];
  }
  return { sizes, weightOffsets, biasOffsets, total };
}

/**
 * Initial weights from a seeded RNG: He normal for relu and gelu layers,
 * Glorot normal for tanh layers and the output layer, zero biases.
 * @see arXiv:1502.01852 (He et al.), Glorot and Bengio (AISTATS 2010)
 */
export function initWeights(spec: NetworkSpec, seed: number, ArrayType: FloatArrayConstructor = Float32Array): FloatArray {
  assertSpec(spec);
  const layout = layoutOf(spec);
  const weights = new ArrayType(layout.total);
  const rng = deriveRng(seed, "mlp-init");
  const layers = layout.sizes.length - 1;
  for (let l = 0; l < layers; l++) {
    const fanIn = layout.sizes[l];
    const fanOut = layout.sizes[l + 1];
    const glorot = spec.activation === "tanh" || l === layers - 1;
    const std = glorot ? Math.sqrt(2 / (fanIn + fanOut)) : Math.sqrt(2 / fanIn);
    const start = layout.weightOffsets[l];
    for (let i = 0; i < fanIn * fanOut; i++) weights[start + i] = std * rng.normal();
  }
  return weights;
}

/** Scratch buffers for one mini-batch, reused across batches to avoid garbage. */
export type Workspace = {
  capacity: number;
  /** Per layer (0 = input), the values fed to the next layer, after dropout. */
  out: Float64Array[];
  /** Per hidden layer, pre-activations. */
  pre: Float64Array[];
  /** Per hidden layer, dropout scale per unit (0 or 1/(1-p)); empty without dropout. */
  mask: Float64Array[];
  /** Per layer, dLoss/d(out) (for 0 unused), then reused as dLoss/d(pre). */
  delta: Float64Array[];
};

/** Allocates scratch buffers for batches of up to `capacity` rows. */
export function createWorkspace(spec: NetworkSpec, capacity: number): Workspace {
  const { sizes } = layoutOf(spec);
  const hidden = sizes.length - 2;
  return {
    capacity,
    out: sizes.map((s) => new Float64Array(s * capacity)),
    pre: sizes.map((s, l) => new Float64Array(l >= 1 && l <= hidden ? s * capacity : 0)),
    mask: sizes.map((s, l) => new Float64Array(l >= 1 && l <= hidden && spec.dropout > 0 ? s * capacity : 0)),
    delta: sizes.map((s) => new Float64Array(s * capacity)),
  };
}

const GELU_C = Math.sqrt(2 / Math.PI);

function activate(kind: Activation, x: number): number {
  if (kind === "relu") return x > 0 ? x : 0;
  if (kind === "tanh") return Math.tanh(x);
  // The tanh approximation of GELU, as torch's approximate="tanh". @see arXiv:1606.08415
  return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
}

function activationSlope(kind: Activation, x: number): number {
  if (kind === "relu") return x > 0 ? 1 : 0;
  if (kind === "tanh") {
    const t = Math.tanh(x);
    return 1 - t * t;
  }
  const t = Math.tanh(GELU_C * (x + 0.044715 * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x);
}

/** Copies the rows `indices[start..start+count)` of a row-major matrix into the workspace's input layer. */
export function loadBatch(ws: Workspace, x: Float32Array, features: number, indices: ArrayLike<number>, start: number, count: number): void {
  if (count > ws.capacity) throw new RangeError(`batch of ${count} rows exceeds the workspace capacity ${ws.capacity}`);
  const input = ws.out[0];
  for (let b = 0; b < count; b++) {
    const src = indices[start + b] * features;
    const dst = b * features;
    for (let f = 0; f < features; f++) input[dst + f] = x[src + f];
  }
}

/**
 * Runs the batch in ws.out[0] through the network and leaves the logits in the
 * last ws.out; with a dropout RNG, draws fresh masks (training mode).
 */
export function forward(spec: NetworkSpec, layout: Layout, weights: FloatArray, ws: Workspace, count: number, dropoutRng: Rng | null): void {
  const { sizes } = layout;
  const layers = sizes.length - 1;
  const p = dropoutRng ? spec.dropout : 0;
  const keepScale = 1 / (1 - p);
  for (let l = 0; l < layers; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const wOff = layout.weightOffsets[l];
    const bOff = layout.biasOffsets[l];
    const input = ws.out[l];
    const hidden = l + 1 < layers;
    const target = hidden ? ws.pre[l + 1] : ws.out[l + 1];
    denseForward(weights, wOff, bOff, input, target, count, nIn, nOut);
    if (!hidden) continue;
    const out = ws.out[l + 1];
    const mask = ws.mask[l + 1];
    const n = count * nOut;
    for (let k = 0; k < n; k++) out[k] = activate(spec.activation, target[k]);
    if (p > 0) {
      for (let k = 0; k < n; k++) {
        mask[k] = dropoutRng!.next() < p ? 0 : keepScale;
        out[k] *= mask[k];
      }
    }
  }
}

/**
 * Softmax cross-entropy of the logits against the labels of the batch rows:
 * returns the summed loss and writes dMeanLoss/dLogits into the last delta.
 */
export function softmaxCrossEntropy(layout: Layout, ws: Workspace, labels: Int32Array, indices: ArrayLike<number>, start: number, count: number, withGradient: boolean): { loss: number; correct: number } {
  const classes = layout.sizes[layout.sizes.length - 1];
  const logits = ws.out[layout.sizes.length - 1];
  const delta = ws.delta[layout.sizes.length - 1];
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < count; b++) {
    const z = b * classes;
    const label = labels[indices[start + b]];
    let max = -Infinity;
    let argmax = 0;
    for (let c = 0; c < classes; c++) {
      if (logits[z + c] > max) {
        max = logits[z + c];
        argmax = c;
      }
    }
    // Subtracting the max keeps exp() finite; a non-finite max propagates as NaN, which is what divergence should look like.
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[z + c] - max);
    loss += Math.log(sum) + max - logits[z + label];
    if (argmax === label) correct++;
    if (withGradient) {
      for (let c = 0; c < classes; c++) {
        delta[z + c] = (Math.exp(logits[z + c] - max) / sum - (c === label ? 1 : 0)) / count;
      }
    }
  }
  return { loss, correct };
}

/** Backpropagates the last delta (set by softmaxCrossEntropy) and writes dLoss/dWeights into `grad`. */
export function backward(spec: NetworkSpec, layout: Layout, weights: FloatArray, grad: FloatArray, ws: Workspace, count: number): void {
  const { sizes } = layout;
  const layers = sizes.length - 1;
  for (let l = layers - 1; l >= 0; l--) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const wOff = layout.weightOffsets[l];
    const dOut = ws.delta[l + 1];
    denseWeightGradient(grad, wOff, layout.biasOffsets[l], dOut, ws.out[l], count, nIn, nOut);
    if (l === 0) break;
    // dLoss/d(out of layer l), then through dropout and the activation to dLoss/d(pre).
    const dIn = ws.delta[l];
    denseInputGradient(weights, wOff, dOut, dIn, count, nIn, nOut);
    const pre = ws.pre[l];
    const mask = ws.mask[l];
    const masked = mask.length > 0 && spec.dropout > 0;
    for (let k = 0; k < count * nIn; k++) {
      const m = masked ? mask[k] : 1;
      dIn[k] = m === 0 ? 0 : dIn[k] * m * activationSlope(spec.activation, pre[k]);
    }
  }
}

/**
 * Mean loss of one batch and its gradient, in one call; with a dropout RNG the
 * pass is in training mode. The building block of training and of gradient checks.
 */
export function lossAndGradient(
  spec: NetworkSpec,
  weights: FloatArray,
  grad: FloatArray,
  ws: Workspace,
  data: { x: Float32Array; y: Int32Array },
  indices: ArrayLike<number>,
  start: number,
  count: number,
  dropoutRng: Rng | null,
): number {
  const layout = layoutOf(spec);
  loadBatch(ws, data.x, spec.inputs, indices, start, count);
  forward(spec, layout, weights, ws, count, dropoutRng);
  const { loss } = softmaxCrossEntropy(layout, ws, data.y, indices, start, count, true);
  backward(spec, layout, weights, grad, ws, count);
  return loss / count;
}
