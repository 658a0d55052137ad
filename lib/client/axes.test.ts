import { describe, expect, it } from "vitest";
import { epochTicks, linearAxis, logAxis, niceStep } from "./axes";

describe("niceStep", () => {
  it.each([
    [10, 5, 2],
    [2.4, 5, 0.5],
    [39, 8, 5],
    [0.03, 5, 0.005],
  ])("cuts a range of %d into about %d parts with a step of %d", (range, count, step) => {
    expect(niceStep(range, count)).toBeCloseTo(step, 12);
  });

  it("falls back to 1 for an empty range", () => {
    expect(niceStep(0, 5)).toBe(1);
  });
});

describe("linearAxis", () => {
  it("covers the range with round ticks", () => {
    const { domain, ticks } = linearAxis(0.0454, 2.42);
    expect(domain).toEqual([0, 2.5]);
    expect(ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
  });

  it("keeps negative ranges", () => {
    const { domain } = linearAxis(-3.3, -0.2);
    expect(domain[0]).toBeLessThanOrEqual(-3.3);
    expect(domain[1]).toBeGreaterThanOrEqual(-0.2);
  });
});

describe("logAxis", () => {
  it("snaps to 1-2-5 values around the range", () => {
    const { domain, ticks } = logAxis(0.0707, 2.42);
    expect(domain).toEqual([0.05, 5]);
    expect(ticks).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2, 5]);
  });

  it("keeps only powers of ten on a wide range", () => {
    expect(logAxis(0.001, 100).ticks).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
  });
});

describe("epochTicks", () => {
  it.each([
    [1, 40, [1, 5, 10, 15, 20, 25, 30, 35, 40]],
    [1, 7, [1, 2, 3, 4, 5, 6, 7]],
    [0, 1, [0, 1]],
  ])("ticks epochs %d..%d", (first, last, ticks) => {
    expect(epochTicks(first, last)).toEqual(ticks);
  });
});
