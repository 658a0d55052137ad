import { describe, expect, it } from "vitest";
import type { CompareSeries } from "@/lib/api/compare-schema";
import type { StudySummary } from "@/lib/api/schemas";
import { commonTarget, compareAxes, mixedMetrics, stepLine, valueAt } from "./compare-series";

const series = (points: [number, number][], epochs: number, study: Partial<StudySummary> = {}): CompareSeries => ({
  study: { id: 1, name: "s", metric: "val_loss", direction: "minimize", maxEpochs: 10, ...study } as StudySummary,
  points,
  epochs,
});

describe("stepLine", () => {
  it("puts the steps in epochs or FTE and carries the last one on to the epochs spent", () => {
    const s = series([[1, 0.9], [5, 0.5]], 20);
    expect(stepLine(s, "epochs")).toEqual([{ x: 1, epochs: 1, best: 0.9 }, { x: 5, epochs: 5, best: 0.5 }, { x: 20, epochs: 20, best: 0.5 }]);
    expect(stepLine(s, "fte").map((p) => p.x)).toEqual([0.1, 0.5, 2]);
    expect(stepLine(series([], 0), "fte")).toEqual([]);
  });
});

describe("compareAxes", () => {
  it("keeps a brief far-off first step out of the y range, and the whole race in the x range", () => {
    const a = stepLine(series([[1, 9], [2, 0.5], [400, 0.2]], 1000), "epochs");
    const b = stepLine(series([[1, 8], [3, 0.6], [50, 0.3]], 600), "epochs");
    const axes = compareAxes([a, b], "minimize")!;
    expect(axes.x.domain).toEqual([0, 1000]);
    expect(axes.y.domain[0]).toBeLessThanOrEqual(0.2);
    expect(axes.y.domain[1]).toBeGreaterThanOrEqual(0.5);
    expect(axes.y.domain[1]).toBeLessThan(2);
    expect(compareAxes([[], []], "minimize")).toBeNull();
  });

  it("starts a log x axis at the first step", () => {
    const a = stepLine(series([[1, 0.9], [100, 0.2]], 1000), "epochs");
    const axes = compareAxes([a], "minimize", true)!;
    expect(axes.x.domain[0]).toBeGreaterThan(0);
    expect(axes.x.domain[0]).toBeLessThanOrEqual(1);
    expect(axes.x.domain[1]).toBeGreaterThanOrEqual(1000);
  });
});

describe("commonTarget", () => {
  it("finds the level every study reached and when each got there", () => {
    const fast = series([[1, 0.9], [10, 0.3], [200, 0.1]], 300, { id: 1 });
    const slow = series([[1, 0.8], [150, 0.4], [400, 0.25]], 500, { id: 2 });
    expect(commonTarget([fast, slow])).toEqual({ value: 0.25, epochs: [200, 400] });
  });

  it("has none for one study, or for studies of different metrics", () => {
    expect(commonTarget([series([[1, 0.5]], 1)])).toBeNull();
    const other = series([[1, 0.9]], 1, { metric: "accuracy", direction: "maximize" });
    expect(commonTarget([series([[1, 0.5]], 1), other])).toBeNull();
    expect(mixedMetrics([series([[1, 0.5]], 1), other])).toBe("minimize val_loss, maximize accuracy");
  });
});

describe("valueAt", () => {
  it("reads a step line at any x", () => {
    const line = stepLine(series([[2, 0.9], [5, 0.5]], 8), "epochs");
    expect([1, 2, 4, 5, 100].map((x) => valueAt(line, x))).toEqual([null, 0.9, 0.9, 0.5, 0.5]);
  });
});
