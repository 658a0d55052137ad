import { describe, expect, it } from "vitest";
import { fitSurface } from "./surface";

/** A bowl with its minimum at (0.3, 0.7), sampled on a 15 × 15 grid. */
const bowl = Array.from({ length: 225 }, (_, k) => {
  const x = ((k % 15) + 0.5) / 15;
  const y = (Math.floor(k / 15) + 0.5) / 15;
  return { x, y, value: (x - 0.3) ** 2 + (y - 0.7) ** 2 };
});

describe("fitSurface", () => {
  it("puts the fitted minimum near the true one", () => {
    const s = fitSurface(bowl, "minimize", 20)!;
    const best = s.values.indexOf(s.low);
    const [i, j] = [best % s.n, Math.floor(best / s.n)];
    expect(Math.abs((i + 0.5) / s.n - 0.3)).toBeLessThan(0.1);
    expect(Math.abs((j + 0.5) / s.n - 0.7)).toBeLessThan(0.1);
    expect(s.high).toBeGreaterThan(s.low);
  });

  it("keeps one diverged trial from painting its neighbourhood, and reports thin support away from the data", () => {
    const withOutlier = [...bowl, { x: 0.9, y: 0.1, value: 1e9 }];
    const s = fitSurface(withOutlier, "minimize", 20)!;
    expect(s.high).toBeLessThan(2);
    const corner = fitSurface([{ x: 0.1, y: 0.1, value: 1 }, { x: 0.15, y: 0.1, value: 2 }], "minimize", 10)!;
    expect(corner.support[0]).toBeGreaterThan(corner.support[corner.n * corner.n - 1] * 100);
  });

  it("has no surface without a finite value", () => {
    expect(fitSurface([{ x: 0.5, y: 0.5, value: Number.NaN }], "minimize")).toBeNull();
  });
});
