/**
 * analyzeEffects on its own, without the sieve's sampling around it: sign
 * conventions, shapes, categorical parameters, and one Benjamini–Hochberg
 * control over every test of a round. Fixed seeds; 199 permutations and no
 * bootstrap except where the interval is the point.
 */
import { describe, expect, it } from "vitest";
import { createRng, deriveRng } from "../rng";
import { analyzeEffects, type AnalysisParam, type Observation } from "./effects";
import { benjaminiHochberg } from "./stats";

const numeric = (d: number): AnalysisParam[] => Array.from({ length: d }, (_, i) => ({ name: `x${i}`, categorical: false, levels: 0 }));

function observe(seed: number, n: number, d: number, loss: (z: number[], e: number) => number): Observation[] {
  const rng = deriveRng(seed, "data");
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: d }, () => rng.next());
    return { z, loss: loss(z, rng.normal()) };
  });
}

const fast = { permutations: 199, bootstrap: 0 };

describe("analyzeEffects", () => {
  it.each([0, 1, 2])("finds a U-shaped parameter as interior with its vertex, and nothing in the others (seed %i)", (seed) => {
    const obs = observe(seed, 120, 3, (z, e) => 4 * (z[0] - 0.3) ** 2 + 0.05 * e);
    const effects = analyzeEffects(obs, numeric(3), createRng(seed), fast);
    const u = effects.find((e) => e.label === "x0")!;
    expect(u.significant).toBe(true);
    expect(u.shape).toBe("interior");
    expect(Math.abs(u.vertex! - 0.3)).toBeLessThan(0.1);
    expect(effects.filter((e) => e.significant).map((e) => e.label)).toEqual(["x0"]);
  });

  it.each([
    ["raising x0 raises the loss", 1, 1],
    ["raising x0 lowers the loss", -1, -1],
  ] as const)("gives a monotone effect its sign: %s", (_name, slope, sign) => {
    const obs = observe(4, 80, 2, (z, e) => slope * z[0] + 0.2 * e);
    const x0 = analyzeEffects(obs, numeric(2), createRng(4), fast).find((e) => e.label === "x0")!;
    expect(x0).toMatchObject({ significant: true, shape: "monotone", sign });
    expect(Math.sign(x0.strength)).toBe(sign);
  });

  it.each([
    // A negative product term: from the centre, moving both coordinates together lowers the loss.
    ["(x0 − x1)², low along the diagonal (1, 1): +", (z: number[]) => (z[0] - z[1]) ** 2, 1],
    ["(x0 + x1 − 1)², low along the anti-diagonal (1, −1): −", (z: number[]) => (z[0] + z[1] - 1) ** 2, -1],
  ] as const)("gives a pair's interaction the sign of the direction its valley runs: %s", (_name, loss, sign) => {
    const obs = observe(5, 150, 3, (z, e) => loss(z) + 0.02 * e);
    const effects = analyzeEffects(obs, numeric(3), createRng(5), fast);
    const pair = effects.find((e) => e.label === "x0×x1")!;
    expect(pair).toMatchObject({ significant: true, shape: "interaction", sign, order: 2 });
    expect(effects.some((e) => e.significant && e.group.includes(2))).toBe(false);
  });

  it("finds a categorical parameter whose middle level is best (a Kruskal–Wallis-style test on loss ranks)", () => {
    const params: AnalysisParam[] = [{ name: "optimizer", categorical: true, levels: 3 }, ...numeric(1)];
    const obs = observe(6, 90, 2, (z, e) => (Math.floor(z[0] * 3) === 1 ? 0 : 1) + 0.3 * e);
    const effects = analyzeEffects(obs, params, createRng(6), fast);
    expect(effects.find((e) => e.label === "optimizer")).toMatchObject({ significant: true, shape: "categorical" });
    expect(effects.find((e) => e.label === "x0")!.significant).toBe(false);
  });

  it("adjusts every test of a round together: q is Benjamini–Hochberg over all p-values, significant is q ≤ α", () => {
    const obs = observe(7, 100, 4, (z, e) => z[0] + 0.5 * (z[1] - 0.5) ** 2 + 0.3 * e);
    const alpha = 0.1;
    const effects = analyzeEffects(obs, numeric(4), createRng(7), { ...fast, alpha });
    // 4 parameters and 6 pairs, all in one family.
    expect(effects).toHaveLength(10);
    const q = benjaminiHochberg(effects.map((e) => e.p));
    effects.forEach((e, k) => {
      expect(e.q).toBeCloseTo(q[k], 12);
      expect(e.significant).toBe(e.q <= alpha);
      expect(e.q).toBeGreaterThanOrEqual(e.p);
    });
  });

  it("declares nothing on pure noise in at least 90% of 100 seeds (BH at 0.05 over 10 tests per round)", () => {
    let quiet = 0;
    for (let seed = 0; seed < 100; seed++) {
      const obs = observe(seed, 60, 4, (_z, e) => e);
      if (!analyzeEffects(obs, numeric(4), createRng(seed), fast).some((e) => e.significant)) quiet++;
    }
    expect(quiet).toBeGreaterThanOrEqual(90);
  });

  it("stops before order 3 when the triple of three interacting pairs adds nothing held out", () => {
    // Pure pairwise structure: every pair of x0, x1, x2 interacts, but no three-way term exists.
    const obs = observe(8, 200, 4, (z, e) => (z[0] - z[1]) ** 2 + (z[1] - z[2]) ** 2 + (z[0] - z[2]) ** 2 + 0.02 * e);
    const effects = analyzeEffects(obs, numeric(4), createRng(8), fast);
    const pairs = effects.filter((e) => e.order === 2 && e.significant).map((e) => e.label);
    expect(pairs).toEqual(expect.arrayContaining(["x0×x1", "x0×x2", "x1×x2"]));
    expect(effects.filter((e) => e.significant && e.group.includes(3))).toEqual([]);
    // The triple x0×x1×x2 is a candidate (all its pairs signalled) but its product explains nothing held out.
    expect(effects.filter((e) => e.order === 3)).toEqual([]);
  });

  it("gives a bootstrap interval that holds the strength of a clear effect", () => {
    const obs = observe(9, 80, 2, (z, e) => z[1] + 0.2 * e);
    const x1 = analyzeEffects(obs, numeric(2), createRng(9), { permutations: 199, bootstrap: 200 }).find((e) => e.label === "x1")!;
    expect(x1.interval[0]).toBeLessThanOrEqual(x1.strength);
    expect(x1.interval[1]).toBeGreaterThanOrEqual(x1.strength);
    expect(x1.interval[0]).toBeGreaterThan(0.5);
  });
});
