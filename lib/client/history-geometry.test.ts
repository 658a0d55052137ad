import { describe, expect, it } from "vitest";
import { valueAxis } from "./history-geometry";

describe("valueAxis", () => {
  it("draws log only when asked and every value is positive", () => {
    const values = [0.05, 0.1, 0.3, 1, 2.5];
    expect(valueAxis(values, "minimize", true)!.log).toBe(true);
    expect(valueAxis(values, "minimize", false)!.log).toBe(false);
    const mixed = valueAxis([-1, 0.5, 2], "minimize", true)!;
    expect(mixed.log).toBe(false);
    expect(mixed.canLog).toBe(false);
  });

  it("keeps the best values in view and clips the worst to the edge, saying so", () => {
    const values = [...Array.from({ length: 99 }, (_, i) => 1 + i / 100), 1e6];
    const axis = valueAxis(values, "minimize", false)!;
    expect(axis.share(1).t).toBeGreaterThanOrEqual(0);
    expect(axis.share(1).clipped).toBe(false);
    expect(axis.share(1e6)).toEqual({ t: 1, clipped: true });
    expect(axis.domain[1]).toBeLessThan(10);
  });

  it("spreads a single value and has no axis without a finite one", () => {
    const one = valueAxis([3], "maximize", true)!;
    expect(one.share(3).t).toBeGreaterThan(0);
    expect(one.share(3).t).toBeLessThan(1);
    expect(valueAxis([Number.NaN], "minimize", false)).toBeNull();
  });
});
