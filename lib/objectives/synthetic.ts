/**
 * Synthetic multi-fidelity test functions: classic optimization benchmarks
 * with a known optimum, given a deterministic learning curve over epochs so
 * that studies run in milliseconds, can be watched, and can be checked
 * against the truth.
 *
 * Every function f has the same curve (T = maxEpochs, u = epoch / T):
 *
 *   valueAt(x, e) = f(x) + A · shape(k(x), u) + σ · (1 − u) · h(x, e)
 *   shape(k, u)   = (exp(−k·u) − exp(−k)) / (1 − exp(−k))
 *   k(x)          = 0.5 · 50^speed(x),  speed(x) ∈ [0, 1]
 *
 * shape falls from 1 at u = 0 to exactly 0 at u = 1, fast when k is large;
 * A is the function's initial gap, σ its noise amplitude, and h ∈ [0, 1) a
 * hash of (function, params, epoch). Both extra terms are ≥ 0 and vanish at
 * e = T, so valueAt(x, T) = f(x) exactly and no epoch of any curve beats the
 * global optimum. speed depends on x along a direction other than the one f
 * improves along, so fast starters do not always finish best: the short-
 * horizon bias that multi-fidelity optimizers must survive.
 */
import { labelId, mixSeed } from "../optimizer/rng";
import { encode, paramsProblems, SpaceError, type Params, type Space } from "../optimizer/space";
import type { Direction } from "../optimizer/types";

/** A synthetic objective: a test function, its space, its known optimum and its learning curves. */
export type SyntheticFunction = {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly metric: string;
  readonly direction: Direction;
  readonly space: Space;
  readonly maxEpochs: number;
  /** The global minimum of `finalValue` over the space. */
  readonly optimum: number;
  /** Points where `finalValue` equals `optimum` (every one, where there are several). */
  readonly argmins: readonly Params[];
  /** The initial gap A of every curve. */
  readonly gap: number;
  /** The noise amplitude σ of every curve. */
  readonly noise: number;
  /** The value every curve converges to at maxEpochs: the test function itself. */
  finalValue(params: Params): number;
  /** How fast a configuration learns, in [0, 1]; k(x) = 0.5 · 50^speed(x). */
  speed(params: Params): number;
  /** The value reported after `epoch` (1..maxEpochs); deterministic in (params, epoch). */
  valueAt(params: Params, epoch: number): number;
};

type Definition = Omit<SyntheticFunction, "valueAt" | "metric" | "direction" | "maxEpochs" | "speed"> & {
  /** Speed from the configuration's unit coordinates, in [0, 1]. */
  speedOf(z: readonly number[], params: Params): number;
};

const MAX_EPOCHS = 30;
const K_SLOW = 0.5;
const K_RATIO = 50;

/** The normalized remaining gap after a fraction u of training, at rate k: 1 at u = 0, 0 at u = 1. */
export function curveShape(k: number, u: number): number {
  const end = Math.exp(-k);
  return (Math.exp(-k * u) - end) / (1 - end);
}

/** A canonical key of a configuration, in the order of the space, so equal params hash equally. */
function paramsKey(space: Space, params: Params): string {
  return space.map((p) => `${p.name}=${JSON.stringify(params[p.name])}`).join("&");
}

function define(d: Definition): SyntheticFunction {
  const functionId = labelId(d.id);
  const check = (params: Params): void => {
    const problems = paramsProblems(d.space, params);
    if (problems.length > 0) throw new SpaceError(problems.map((m) => `${d.id}: ${m}`));
  };
  const speed = (params: Params): number => {
    const s = d.speedOf(encode(d.space, params), params);
    return s < 0 ? 0 : s > 1 ? 1 : s;
  };
  return {
    id: d.id,
    title: d.title,
    description: d.description,
    metric: "loss",
    direction: "minimize",
    space: d.space,
    maxEpochs: MAX_EPOCHS,
    optimum: d.optimum,
    argmins: d.argmins,
    gap: d.gap,
    noise: d.noise,
    finalValue(params) {
      check(params);
      return d.finalValue(params);
    },
    speed(params) {
      check(params);
      return speed(params);
    },
    valueAt(params, epoch) {
      if (!Number.isInteger(epoch) || epoch < 1 || epoch > MAX_EPOCHS) {
        throw new RangeError(`${d.id}: epoch must be an integer in 1..${MAX_EPOCHS}, got ${epoch}`);
      }
      check(params);
      const u = epoch / MAX_EPOCHS;
      const k = K_SLOW * Math.pow(K_RATIO, speed(params));
      const h = mixSeed(functionId, labelId(paramsKey(d.space, params)), epoch) / 0x100000000;
      return d.finalValue(params) + d.gap * curveShape(k, u) + d.noise * (1 - u) * h;
    },
  };
}

/**
 * Branin–Hoo on x1 ∈ [−5, 10], x2 ∈ [0, 15]: three global minima of 5/(4π).
 * @see Dixon and Szegő (1978), "The global optimization problem: an introduction".
 */
export const branin: SyntheticFunction = define({
  id: "synthetic:branin",
  title: "Branin (multi-fidelity)",
  description:
    "Branin–Hoo in 2-d with three global minima of 0.397887; configurations with large x1 and small x2 learn faster. Curves reach f(x) exactly at the last epoch.",
  space: [
    { type: "float", name: "x1", low: -5, high: 10 },
    { type: "float", name: "x2", low: 0, high: 15 },
  ],
  // a(x2 − b·x1² + c·x1 − r)² + s(1 − t)cos(x1) + s is at least s − s(1 − t) = s·t = 5/(4π).
  optimum: 5 / (4 * Math.PI),
  argmins: [
    { x1: -Math.PI, x2: 12.275 },
    { x1: Math.PI, x2: 2.275 },
    { x1: 3 * Math.PI, x2: 2.475 },
  ],
  gap: 50,
  noise: 2,
  finalValue(p) {
    const x1 = p.x1 as number;
    const x2 = p.x2 as number;
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
  // The three minima get speeds of about 0.15, 0.70 and 0.90: equally good, unequally quick.
  speedOf: (z) => (z[0] + 1 - z[1]) / 2,
});

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/**
 * Hartmann-6 on [0, 1]^6: one global minimum of −3.32237 among six local ones.
 * @see Dixon and Szegő (1978), "The global optimization problem: an introduction".
 */
export const hartmann6: SyntheticFunction = define({
  id: "synthetic:hartmann6",
  title: "Hartmann-6 (multi-fidelity)",
  description:
    "Hartmann 6-d on the unit cube, global minimum −3.32237 among several local minima; configurations with large x1 + x2 learn faster, and the optimum learns slowly.",
  space: ["x1", "x2", "x3", "x4", "x5", "x6"].map((name) => ({ type: "float" as const, name, low: 0, high: 1 })),
  optimum: -3.322368011415515,
  argmins: [{ x1: 0.20169, x2: 0.150011, x3: 0.476874, x4: 0.275332, x5: 0.311652, x6: 0.6573 }],
  gap: 1.5,
  noise: 0.05,
  finalValue(p) {
    const x = [p.x1, p.x2, p.x3, p.x4, p.x5, p.x6] as number[];
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2;
      sum += HARTMANN_ALPHA[i] * Math.exp(-inner);
    }
    return -sum;
  },
  speedOf: (z) => (z[0] + z[1]) / 2,
});

/** Per optimizer: the best learning rate, the loss there, and how much faster it learns than plain SGD. */
const LR_OPTIMIZERS: Record<string, { bestLr: number; floor: number; pace: number }> = {
  sgd: { bestLr: 0.05, floor: 0.3, pace: 0.7 },
  adam: { bestLr: 0.002, floor: 0.25, pace: 1 },
  rmsprop: { bestLr: 0.001, floor: 0.28, pace: 0.9 },
};
const LR_LOW = 1e-5;
const LR_HIGH = 1;
/** Loss added per squared decade away from the best learning rate. */
const LR_CURVATURE = 0.15;

/**
 * A learning-rate-like function: an interior optimum on a log scale that
 * depends on a categorical optimizer, and one parameter that does nothing.
 * A larger learning rate learns faster, so above the optimum the race is led
 * by configurations that end worse, as in real training.
 */
export const lrLike: SyntheticFunction = define({
  id: "synthetic:lr-like",
  title: "Learning-rate-like (3-d)",
  description:
    "loss = floor(optimizer) + 0.15 · (log10 lr − log10 best_lr(optimizer))², minimum 0.25 at lr = 0.002 with adam; larger learning rates learn faster, and `irrelevant` has no effect on the curve's trend.",
  space: [
    { type: "float", name: "lr", low: LR_LOW, high: LR_HIGH, log: true },
    { type: "categorical", name: "optimizer", choices: ["sgd", "adam", "rmsprop"] },
    { type: "float", name: "irrelevant", low: 0, high: 1 },
  ],
  optimum: 0.25,
  argmins: [{ lr: 0.002, optimizer: "adam", irrelevant: 0.5 }],
  gap: 2,
  noise: 0.04,
  finalValue(p) {
    const o = LR_OPTIMIZERS[p.optimizer as string];
    return o.floor + LR_CURVATURE * (Math.log10(p.lr as number) - Math.log10(o.bestLr)) ** 2;
  },
  // z[0] is log10(lr) scaled to [0, 1]; the noise hash is the only thing `irrelevant` changes.
  speedOf: (z, p) => z[0] * LR_OPTIMIZERS[p.optimizer as string].pace,
});

/** Every synthetic function, in the order a menu lists them. */
export const SYNTHETIC_FUNCTIONS: readonly SyntheticFunction[] = [branin, hartmann6, lrLike];

/** The synthetic function with this id, or undefined. */
export function syntheticFunction(id: string): SyntheticFunction | undefined {
  return SYNTHETIC_FUNCTIONS.find((f) => f.id === id);
}
