import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import type { Space } from "../space";
import { sobolSampler, sobolSequence } from "./sobol";

/** Hickernell's centred L2 discrepancy, squared. */
function centredDiscrepancy(points: number[][]): number {
  const n = points.length;
  const d = points[0].length;
  let a = 0;
  for (const x of points) {
    let p = 1;
    for (const v of x) p *= 1 + 0.5 * Math.abs(v - 0.5) - 0.5 * (v - 0.5) ** 2;
    a += p;
  }
  let b = 0;
  for (const x of points) {
    for (const y of points) {
      let p = 1;
      for (let k = 0; k < d; k++) p *= 1 + 0.5 * Math.abs(x[k] - 0.5) + 0.5 * Math.abs(y[k] - 0.5) - 0.5 * Math.abs(x[k] - y[k]);
      b += p;
    }
  }
  return (13 / 12) ** d - (2 / n) * a + b / (n * n);
}

describe("sobolSequence", () => {
  it("reproduces the unscrambled Sobol points of the first two dimensions, in natural (not Gray-code) order", () => {
    const seq = sobolSequence(2, 0, { scramble: false });
    const points = [0, 1, 2, 3, 4, 5].map((n) => seq.point(n).map((x) => Math.round(x * 16) / 16));
    expect(points).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.25, 0.75],
      [0.75, 0.25],
      [0.125, 0.625],
      [0.625, 0.125],
    ]);
  });

  it.each([1, 7, 42])("puts exactly one of the first 64 points in each 1/64 interval of every coordinate (seed %i)", (seed) => {
    const seq = sobolSequence(12, seed);
    for (let d = 0; d < 12; d++) {
      const cells = new Set(Array.from({ length: 64 }, (_, n) => Math.floor(seq.point(n)[d] * 64)));
      expect(cells.size).toBe(64);
    }
  });

  it("has a lower centred discrepancy than uniform random points for 128 points in 6 dimensions", () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const seq = sobolSequence(6, seed);
      const sobol = Array.from({ length: 128 }, (_, n) => seq.point(n));
      const rng = createRng(seed);
      const random = Array.from({ length: 128 }, () => Array.from({ length: 6 }, () => rng.next()));
      expect(centredDiscrepancy(sobol)).toBeLessThan(0.5 * centredDiscrepancy(random));
    }
  });

  it("scrambles differently for different seeds and identically for the same seed", () => {
    expect(sobolSequence(3, 5).point(9)).toEqual(sobolSequence(3, 5).point(9));
    expect(sobolSequence(3, 5).point(9)).not.toEqual(sobolSequence(3, 6).point(9));
  });

  it("rejects a dimension it has no direction numbers for", () => {
    expect(() => sobolSequence(33, 0)).toThrow(/dimensions must be an integer in 1\.\.32/);
  });
});

describe("sobolSampler", () => {
  it("gives trial n the n-th point of the study's sequence, whatever Rng the trial gets", () => {
    const space: Space = [
      { type: "float", name: "x", low: 0, high: 1 },
      { type: "float", name: "y", low: 0, high: 1 },
    ];
    const sampler = sobolSampler({ seed: 3 });
    const view = { space, maxEpochs: 1, trials: [] };
    const a = sampler.sample(view, createRng(1), 5);
    const b = sampler.sample(view, createRng(99), 5);
    expect(a).toEqual(b);
    const p = sobolSequence(2, 3).point(5);
    expect(a.x).toBeCloseTo(p[0], 12);
  });
});
