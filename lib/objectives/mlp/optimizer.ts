/**
 * The two optimizers of the MLP objective, with torch.optim semantics so that
 * a configuration means what it means in PyTorch.
 */
import type { FloatArray, FloatArrayConstructor } from "./network";

/** Which update rule a trial trains with. */
export type OptimizerKind = "sgd" | "adam";

/** The hyperparameters of an update. */
export type OptimizerSettings = {
  kind: OptimizerKind;
  lr: number;
  /** SGD momentum; Adam ignores it (its betas stay at torch's defaults). */
  momentum: number;
  /** L2 penalty for SGD, decoupled decay for Adam (AdamW). */
  weightDecay: number;
};

/** Everything an optimizer carries from step to step; checkpoints save all of it. */
export type OptimizerState = {
  kind: OptimizerKind;
  /** Updates applied so far; Adam's bias correction depends on it. */
  step: number;
  /** SGD: [momentum buffer]; Adam: [first moment, second moment]. */
  buffers: FloatArray[];
};

/** Adam's constants, torch's defaults. @see arXiv:1412.6980 */
export const ADAM_BETA1 = 0.9;
/** Second-moment decay of Adam. */
export const ADAM_BETA2 = 0.999;
/** Adam's denominator guard. */
export const ADAM_EPS = 1e-8;

/** Fresh, zeroed optimizer state for `size` parameters. */
export function createOptimizerState(kind: OptimizerKind, size: number, ArrayType: FloatArrayConstructor = Float32Array): OptimizerState {
  const count = kind === "sgd" ? 1 : 2;
  return { kind, step: 0, buffers: Array.from({ length: count }, () => new ArrayType(size)) };
}

/** Adds the L2 penalty's gradient, weightDecay × w, to `grad` (what torch's SGD weight_decay does). */
export function addWeightDecay(grad: FloatArray, weights: FloatArray, weightDecay: number): void {
  if (weightDecay === 0) return;
  for (let i = 0; i < grad.length; i++) grad[i] += weightDecay * weights[i];
}

/**
 * Applies one update to `weights` in place and advances `state`. SGD follows
 * torch.optim.SGD (dampening 0, no Nesterov: buf = μ·buf + g, w -= lr·buf,
 * with buf = g on the first step, which a zeroed buffer gives for free).
 * Adam follows torch.optim.AdamW: decoupled decay w -= lr·λ·w before the
 * moment update, because L2 inside Adam is scaled away by the second moment.
 * @see arXiv:1711.05101 (Loshchilov and Hutter, decoupled weight decay)
 */
export function optimizerStep(weights: FloatArray, grad: FloatArray, state: OptimizerState, settings: OptimizerSettings): void {
  const { lr, momentum, weightDecay } = settings;
  if (state.kind !== settings.kind) throw new Error(`optimizer state is ${state.kind} but the settings ask for ${settings.kind}`);
  state.step += 1;
  const n = weights.length;
  if (state.kind === "sgd") {
    addWeightDecay(grad, weights, weightDecay);
    const buf = state.buffers[0];
    if (momentum === 0) {
      for (let i = 0; i < n; i++) weights[i] -= lr * grad[i];
      return;
    }
    for (let i = 0; i < n; i++) {
      buf[i] = momentum * buf[i] + grad[i];
      weights[i] -= lr * buf[i];
    }
    return;
  }
  const [m, v] = state.buffers;
  const decay = 1 - lr * weightDecay;
  const correction1 = 1 - ADAM_BETA1 ** state.step;
  const correction2 = 1 - ADAM_BETA2 ** state.step;
  const stepSize = lr / correction1;
  const sqrtCorrection2 = Math.sqrt(correction2);
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    if (weightDecay !== 0) weights[i] *= decay;
    m[i] = ADAM_BETA1 * m[i] + (1 - ADAM_BETA1) * g;
    v[i] = ADAM_BETA2 * v[i] + (1 - ADAM_BETA2) * g * g;
    weights[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtCorrection2 + ADAM_EPS);
  }
}
