import { describe, expect, it } from "vitest";
import type { ParamDef } from "@/lib/api/schemas";
import { brushToRange, lossAxis, passes } from "./parallel-geometry";
import { valueToUnit } from "./units";

const lr: ParamDef = { type: "float", name: "lr", low: 1e-4, high: 1, log: true };
const width: ParamDef = { type: "int", name: "width", low: 8, high: 64, step: 8 };
const act: ParamDef = { type: "categorical", name: "act", choices: ["relu", "tanh"] };

describe("brushToRange", () => {
  it.each([
    ["a log float, rounded outward to 3 digits", lr, [valueToUnit(lr as never, 0.00123456), valueToUnit(lr as never, 0.0456789)], { low: 0.00123, high: 0.0457 }],
    ["a float brushed past its ends, clamped to its bounds", lr, [-0.2, 1.3], { low: 1e-4, high: 1 }],
    ["an int, inward to whole steps", width, [valueToUnit(width as never, 13), valueToUnit(width as never, 47)], { low: 16, high: 40 }],
  ] as const)("%s", (_, p, brush, expected) => {
    const range = brushToRange(p, brush as [number, number])!;
    expect(range.param).toBe(p.name);
    expect(range.low).toBeCloseTo(expected.low, 12);
    expect(range.high).toBeCloseTo(expected.high, 12);
  });

  it("gives no range for a categorical parameter, or an int interval between two steps", () => {
    expect(brushToRange(act, [0, 1])).toBeNull();
    expect(brushToRange(width, [valueToUnit(width as never, 17), valueToUnit(width as never, 22)])).toBeNull();
  });
});

describe("passes", () => {
  it("keeps a row only inside every brush, and fails a missing position", () => {
    const brushes = new Map([[0, [0.2, 0.5] as [number, number]], [2, [0, 0.3] as [number, number]]]);
    expect(passes([0.3, 0.9, 0.1], brushes)).toBe(true);
    expect(passes([0.6, 0.9, 0.1], brushes)).toBe(false);
    expect(passes([0.3, 0.9, 0.4], brushes)).toBe(false);
    expect(passes([Number.NaN, 0.9, 0.1], brushes)).toBe(false);
    expect(passes([0.9, 0.9, 0.9], new Map())).toBe(true);
  });
});

describe("lossAxis", () => {
  it("goes log when positive values span more than a decade, and clips what lies beyond it to its edge", () => {
    const values = Array.from({ length: 100 }, (_, i) => 0.01 * 1.06 ** i);
    const axis = lossAxis(values, "minimize")!;
    expect(axis.log).toBe(true);
    expect(axis.share(values[0])).toBeGreaterThanOrEqual(0);
    expect(axis.share(1e6)).toBe(1);
    expect(axis.share(values[99])).toBeGreaterThan(axis.share(values[90]));
    expect(axis.share(values[10])).toBeLessThan(axis.share(values[50]));
  });

  it("stays linear for values of both signs and spreads a single value", () => {
    expect(lossAxis([-3, -1, 0.5], "minimize")!.log).toBe(false);
    const one = lossAxis([2, 2], "minimize")!;
    expect(one.share(2)).toBeGreaterThan(0);
    expect(one.share(2)).toBeLessThan(1);
    expect(lossAxis([], "minimize")).toBeNull();
  });
});
