import { describe, expect, it } from "vitest";
import { curveRange } from "./curve-range";

const ramp = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe("curveRange", () => {
  it("keeps every curve when none diverges", () => {
    const curves = Array.from({ length: 20 }, (_, i) => ramp(2.3 - i * 0.01, 0.1 + i * 0.01, 40));
    const r = curveRange(curves, "minimize");
    expect(r.lo).toBeCloseTo(0.1, 12);
    expect(r.beyond).toBe(0);
    expect(r.hi).toBeGreaterThan(2.1);
  });

  it("clips long diverged curves that are far more than 2% of the points", () => {
    // 60 healthy curves of 4 epochs each, and 5 diverged ones at a cap of 10 for 40 epochs: 200 of 440 points.
    const healthy = Array.from({ length: 60 }, (_, i) => ramp(2.3, 0.5 + i * 0.01, 4));
    const diverged = Array.from({ length: 5 }, () => [2.3, ...Array(39).fill(10)]);
    const r = curveRange([...healthy, ...diverged], "minimize");
    expect(r.hi).toBeCloseTo(2.3, 12);
    expect(r.beyond).toBe(5);
    expect(r.lo).toBeCloseTo(0.5, 12);
  });

  it("mirrors for a metric to maximize, clipping the low tail", () => {
    const healthy = Array.from({ length: 60 }, (_, i) => ramp(0.1, 0.9 - i * 0.005, 10));
    const collapsed = Array.from({ length: 5 }, () => [0.1, ...Array(30).fill(-5)]);
    const r = curveRange([...healthy, ...collapsed], "maximize");
    expect(r.hi).toBeCloseTo(0.9, 12);
    expect(r.lo).toBeCloseTo(0.1, 12);
    expect(r.beyond).toBe(5);
  });

  it("ignores non-finite points and gives a usable range for one flat curve or none", () => {
    expect(curveRange([[NaN, Infinity]], "minimize")).toEqual({ lo: 0, hi: 1, beyond: 0 });
    const flat = curveRange([[3, 3, 3]], "minimize");
    expect(flat.lo).toBe(3);
    expect(flat.hi).toBeGreaterThan(3);
    expect(flat.beyond).toBe(0);
  });
});
