/**
 * Slabs on their own: a planted band of good trials is proposed on the
 * discovery half and confirmed on the other; noise gives no confirmed slab
 * beyond the test's level. Fixed seeds, uniform trials in the unit cube.
 */
import { describe, expect, it } from "vitest";
import { deriveRng } from "../rng";
import type { Observation } from "./effects";
import { checkSlab, directionRange, directions, proposeSlab } from "./slabs";

function observe(seed: number, n: number, d: number, loss: (z: number[], e: number) => number): Observation[] {
  const rng = deriveRng(seed, "slab-data");
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: d }, () => rng.next());
    return { z, loss: loss(z, rng.normal()) };
  });
}

const halves = (n: number) => {
  const rows = Array.from({ length: n }, (_, r) => r);
  return { discovery: rows.filter((r) => r % 2 === 0), confirmation: rows.filter((r) => r % 2 === 1) };
};

describe("directions", () => {
  it.each([1, 2, 3, 4])("gives 2^(k−1) unit directions, one per sign pattern up to a global sign (k = %i)", (k) => {
    const ws = directions(k);
    expect(ws).toHaveLength(2 ** (k - 1));
    for (const w of ws) expect(Math.hypot(...w)).toBeCloseTo(1, 12);
    expect(new Set(ws.map((w) => w.map(Math.sign).join())).size).toBe(ws.length);
    expect(ws.every((w) => w[0] > 0)).toBe(true);
  });

  it("spans the unit cube's range of w·z", () => {
    expect(directionRange([1 / Math.SQRT2, -1 / Math.SQRT2])).toEqual([-1 / Math.SQRT2, 1 / Math.SQRT2]);
    expect(directionRange([0.5, 0.5, 0.5, 0.5])).toEqual([0, 2]);
  });
});

describe("proposeSlab", () => {
  it.each([0, 1, 2, 3, 4])("proposes and confirms a planted band x0 − x1 ≈ 0.2 along (1, −1) (seed %i)", (seed) => {
    const obs = observe(seed, 200, 3, (z, e) => (z[0] - z[1] - 0.2) ** 2 + 0.01 * e);
    const { discovery, confirmation } = halves(obs.length);
    const slab = proposeSlab(obs, { group: [0, 1] }, discovery, confirmation)!;
    expect(slab).not.toBeNull();
    expect(slab.weights.map(Math.sign)).toEqual([1, -1]);
    // The optimum t = 0.2/√2 lies inside, with room; most of the direction's range [−0.71, 0.71] is left out.
    const tStar = 0.2 / Math.SQRT2;
    expect(slab.low).toBeLessThan(tStar - 0.02);
    expect(slab.high).toBeGreaterThan(tStar + 0.02);
    expect(slab.excludedShare).toBeGreaterThan(0.4);
    expect(slab.confirmation.goodOutside).toBe(0);
    expect(slab.confirmation.p).toBeLessThan(1e-4);
  });

  it("proposes a one-parameter slab around an interior optimum", () => {
    const obs = observe(5, 120, 2, (z, e) => (z[1] - 0.7) ** 2 + 0.01 * e);
    const { discovery, confirmation } = halves(obs.length);
    const slab = proposeSlab(obs, { group: [1] }, discovery, confirmation)!;
    expect(slab.weights).toEqual([1]);
    expect(slab.low).toBeLessThan(0.7);
    expect(slab.high).toBeGreaterThan(0.7);
    expect(slab.confirmation.p).toBeLessThan(1e-3);
  });

  it("confirms a slab on noise at p < 0.05 in at most 11 of 100 seeds (the binomial 99% bound at rate 0.05)", () => {
    let confirmed = 0, proposed = 0;
    for (let seed = 0; seed < 100; seed++) {
      const obs = observe(seed, 120, 2, (_z, e) => e);
      const { discovery, confirmation } = halves(obs.length);
      const slab = proposeSlab(obs, { group: [0, 1] }, discovery, confirmation);
      if (slab) proposed++;
      if (slab && slab.confirmation.p < 0.05) confirmed++;
    }
    console.info(`noise: ${proposed} slabs proposed, ${confirmed} confirmed in 100 seeds`);
    expect(confirmed).toBeLessThanOrEqual(11);
  });
});

describe("checkSlab", () => {
  it("finds the evidence gone when the good trials move outside the slab", () => {
    const obs = observe(6, 200, 2, (z, e) => (z[0] - 0.8) ** 2 + 0.01 * e);
    const rows = obs.map((_, r) => r);
    const inside = checkSlab(obs, { group: [0], weights: [1], low: 0.6, high: 1 }, rows);
    const wrong = checkSlab(obs, { group: [0], weights: [1], low: 0, high: 0.4 }, rows);
    expect(inside.goodOutside).toBe(0);
    expect(inside.p).toBeLessThan(1e-6);
    expect(wrong.goodOutside).toBe(wrong.good);
    expect(wrong.p).toBe(1);
  });
});
