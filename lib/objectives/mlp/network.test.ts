import { describe, expect, it } from "vitest";
import { createRng, deriveRng } from "../../optimizer/rng";
import { createWorkspace, initWeights, layoutOf, lossAndGradient, type Activation, type NetworkSpec } from "./network";
import { addWeightDecay } from "./optimizer";

function sumOfSquares(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return s;
}

/** A small random problem: rows × inputs features and labels in [0, classes). */
function problem(rows: number, inputs: number, classes: number, seed: number) {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: rows * inputs }, () => rng.normal());
  const y = Int32Array.from({ length: rows }, () => rng.int(classes));
  return { x, y, indices: Int32Array.from({ length: rows }, (_, i) => i) };
}

describe("initWeights", () => {
  it("is a pure function of the seed, with zero biases and He or Glorot scale", () => {
    const spec: NetworkSpec = { inputs: 64, classes: 10, width: 256, depth: 2, activation: "relu", dropout: 0 };
    const a = initWeights(spec, 5);
    expect(initWeights(spec, 5)).toEqual(a);
    expect(initWeights(spec, 6)).not.toEqual(a);
    const layout = layoutOf(spec);
    expect(layout.total).toBe(64 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10);
    const first = a.subarray(0, 64 * 256);
    const std = Math.sqrt(sumOfSquares(first) / first.length);
    expect(std).toBeGreaterThan(Math.sqrt(2 / 64) * 0.95);
    expect(std).toBeLessThan(Math.sqrt(2 / 64) * 1.05);
    expect(a.subarray(layout.biasOffsets[1], layout.biasOffsets[1] + 256).every((b) => b === 0)).toBe(true);
    const tanh = initWeights({ ...spec, activation: "tanh" }, 5).subarray(0, 64 * 256);
    const tanhStd = Math.sqrt(sumOfSquares(tanh) / tanh.length);
    expect(tanhStd).toBeCloseTo(Math.sqrt(2 / (64 + 256)), 2);
  });

  it.each([
    [{ width: 0 }, /width must be an integer ≥ 1/],
    [{ dropout: 1 }, /dropout must be in \[0, 1\)/],
    [{ activation: "sigmoid" }, /activation must be relu, tanh or gelu/],
  ])("rejects %j", (change, message) => {
    const spec = { inputs: 3, classes: 2, width: 4, depth: 1, activation: "relu", dropout: 0, ...change } as NetworkSpec;
    expect(() => initWeights(spec, 1)).toThrow(message);
  });
});

describe("backpropagation", () => {
  // Float64 weights and central differences with h = 1e-5: truncation error ~h² and rounding ~1e-16/h
  // leave about 1e-9 of relative error, so 1e-6 fails on any real bug and passes on float noise.
  const TOLERANCE = 1e-6;
  const cases: [Activation, number, number, number][] = [
    ["relu", 2, 0, 0],
    ["tanh", 2, 0, 1e-2],
    ["gelu", 1, 0.3, 1e-3],
    ["relu", 3, 0.5, 1e-2],
    ["tanh", 0, 0, 1e-2],
  ];

  it.each(cases)("matches central finite differences: %s, depth %i, dropout %f, weight decay %f", (activation, depth, dropout, weightDecay) => {
    const spec: NetworkSpec = { inputs: 5, classes: 3, width: 6, depth, activation, dropout };
    const data = problem(7, spec.inputs, spec.classes, 11);
    const weights = initWeights(spec, 3, Float64Array);
    // Nonzero biases, so their gradients are tested away from the symmetric start.
    const rng = createRng(9);
    for (const off of layoutOf(spec).biasOffsets) for (let i = 0; i < spec.width; i++) weights[off + i] = 0.1 * rng.normal();
    const ws = createWorkspace(spec, 7);
    const grad = new Float64Array(weights.length);
    // A fresh RNG per evaluation draws the same dropout mask every time, so the loss is a fixed function of the weights.
    const maskRng = () => (dropout > 0 ? deriveRng(1, "mask") : null);
    const objective = () => {
      const scratch = new Float64Array(weights.length);
      const loss = lossAndGradient(spec, weights, scratch, ws, data, data.indices, 0, 7, maskRng());
      return loss + 0.5 * weightDecay * sumOfSquares(weights);
    };
    lossAndGradient(spec, weights, grad, ws, data, data.indices, 0, 7, maskRng());
    addWeightDecay(grad, weights, weightDecay);
    const h = 1e-5;
    let worst = 0;
    let nonzero = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      weights[i] = w + h;
      const up = objective();
      weights[i] = w - h;
      const down = objective();
      weights[i] = w;
      const numeric = (up - down) / (2 * h);
      const error = Math.abs(numeric - grad[i]) / Math.max(1e-6, Math.abs(numeric) + Math.abs(grad[i]));
      worst = Math.max(worst, error);
      if (Math.abs(grad[i]) > 1e-8) nonzero++;
    }
    expect(worst).toBeLessThan(TOLERANCE);
    expect(nonzero).toBeGreaterThan(weights.length / 3);
  });

  it("averages the loss over the batch, so the last partial batch is weighted like a full one", () => {
    const spec: NetworkSpec = { inputs: 4, classes: 3, width: 5, depth: 1, activation: "relu", dropout: 0 };
    const data = problem(6, 4, 3, 2);
    const weights = initWeights(spec, 1);
    const ws = createWorkspace(spec, 6);
    const grad = new Float32Array(weights.length);
    const whole = lossAndGradient(spec, weights, grad, ws, data, data.indices, 0, 6, null);
    const parts = [0, 2, 4].map((s) => lossAndGradient(spec, weights, grad, ws, data, data.indices, s, 2, null));
    expect(whole).toBeCloseTo((parts[0] + parts[1] + parts[2]) / 3, 6);
  });
});
