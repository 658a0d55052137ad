import { describe, expect, it } from "vitest";
import { createOptimizerState, optimizerStep, type OptimizerSettings } from "./optimizer";

const f64 = (...v: number[]) => Float64Array.from(v);

describe("optimizerStep", () => {
  it("follows torch SGD: momentum buffer starts at the gradient, weight decay adds λw to it", () => {
    const w = f64(1, -2);
    const state = createOptimizerState("sgd", 2, Float64Array);
    const settings: OptimizerSettings = { kind: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 0.01 };
    optimizerStep(w, f64(0.5, 0.25), state, settings);
    // g' = g + 0.01 w = (0.51, 0.23); buf = g'; w -= 0.1 buf
    expect(w[0]).toBeCloseTo(1 - 0.051, 12);
    expect(w[1]).toBeCloseTo(-2 - 0.023, 12);
    const w1 = Array.from(w);
    optimizerStep(w, f64(0.5, 0.25), state, settings);
    const g0 = 0.5 + 0.01 * w1[0];
    expect(state.buffers[0][0]).toBeCloseTo(0.9 * 0.51 + g0, 12);
    expect(w[0]).toBeCloseTo(w1[0] - 0.1 * (0.9 * 0.51 + g0), 12);
    expect(state.step).toBe(2);
  });

  it("follows torch AdamW: the first step moves each weight by lr against its gradient's sign, after decoupled decay", () => {
    const w = f64(1, -2, 0.5);
    const state = createOptimizerState("adam", 3, Float64Array);
    optimizerStep(w, f64(3, -0.001, 0), state, { kind: "adam", lr: 0.01, momentum: 0, weightDecay: 0.1 });
    expect(w[0]).toBeCloseTo(1 * (1 - 0.001) - 0.01, 6);
    expect(w[1]).toBeCloseTo(-2 * (1 - 0.001) + 0.01, 4);
    expect(w[2]).toBeCloseTo(0.5 * (1 - 0.001), 12);
    expect(state.step).toBe(1);
    expect(state.buffers[0][0]).toBeCloseTo(0.3, 12);
    expect(state.buffers[1][0]).toBeCloseTo(0.009, 12);
  });

  it("refuses state of the other optimizer", () => {
    const state = createOptimizerState("sgd", 1);
    expect(() => optimizerStep(new Float32Array(1), new Float32Array(1), state, { kind: "adam", lr: 1, momentum: 0, weightDecay: 0 })).toThrow(/state is sgd/);
  });
});
