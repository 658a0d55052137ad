import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { hyperbandScheduler } from "../schedulers/hyperband";
import { encode, type Params, type Space } from "../space";
import { Strategy } from "../strategy";
import type { Sampler, StudyView, TrialState } from "../types";
import { bohbBudgets, bohbSampler, modelBudget, splitObservations, type BudgetObservation } from "./bohb";
import { randomSampler } from "./random";

const bowlSpace: Space = Array.from({ length: 4 }, (_, i) => ({ type: "float" as const, name: `x${i}`, low: -1, high: 1 }));
const centre = [0.3, -0.5, 0.1, 0.6];
/** A 4-d quadratic bowl whose learning curve falls by 1/epoch, so early ranks predict late ones. */
const bowl = (p: Params, epoch: number) => centre.reduce((s, c, i) => s + ((p[`x${i}`] as number) - c) ** 2, 0) + 1 / epoch;

/** Runs a sampler under Hyperband (η = 3, 27 epochs) until `epochs` epochs are trained; returns the strategy. */
function runBowl(sampler: Sampler, seed: number, epochs: number, space: Space = bowlSpace, loss = bowl): Strategy {
  const s = new Strategy({ space, direction: "minimize", maxEpochs: 27, seed, sampler, scheduler: hyperbandScheduler() });
  let spent = 0;
  while (spent < epochs) {
    const job = s.ask();
    if (!job) break;
    const t = s.trials[job.trial];
    for (let e = t.losses.length + 1; e <= job.toEpoch; e++) {
      spent++;
      if (s.tell({ trial: job.trial, epoch: e, value: loss(t.params, e) }).decision !== "continue") break;
    }
  }
  return s;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}

const lineSpace: Space = [{ type: "float", name: "x", low: 0, high: 1 }];

function trial(number: number, x: number, losses: number[]): TrialState {
  const best = Math.min(...losses);
  return { number, params: { x }, z: [x], status: "paused", losses, targetEpoch: losses.length, bestLoss: best, bestEpoch: losses.indexOf(best) + 1 };
}

/**
 * 30 trials on a line: at epoch 1 the best are near x = 0.1; `deep` of them,
 * spread evenly, went on to epoch 3, where the best are near x = 0.9.
 */
function twoBudgetView(deep: number): StudyView {
  const trials = Array.from({ length: 30 }, (_, i) => {
    const x = (i + 0.5) / 30;
    const first = 10 + Math.abs(x - 0.1);
    return i % Math.floor(30 / deep) === 0 && i / Math.floor(30 / deep) < deep ? trial(i, x, [first, 5, Math.abs(x - 0.9)]) : trial(i, x, [first]);
  });
  return { space: lineSpace, maxEpochs: 9, trials };
}

describe("bohbBudgets", () => {
  it.each([
    [1, 3, 27, [1, 3, 9, 27]],
    [2, 2, 16, [2, 4, 8, 16]],
    [1, 3, 1, [1]],
  ])("takes every rung epoch of Hyperband's brackets (r = %i, η = %i, R = %i)", (r, eta, max, expected) => {
    expect(bohbBudgets(r, eta, max)).toEqual(expected);
  });
});

describe("splitObservations", () => {
  const ranked: BudgetObservation[] = Array.from({ length: 100 }, (_, i) => ({ number: i, z: [i / 100], loss: i }));
  it.each([
    // n, N_min, good, bad: the best max(N_min, ⌊0.15·n⌋) and the worst max(N_min, n − good).
    [100, 5, 15, 85],
    [7, 5, 5, 5],
    [40, 2, 6, 34],
  ])("with n = %i and N_min = %i puts %i in the good group and %i in the bad one", (n, minPoints, nGood, nBad) => {
    const { good, bad } = splitObservations(ranked.slice(0, n), minPoints, 15);
    expect(good.map((o) => o.number)).toEqual(ranked.slice(0, nGood).map((o) => o.number));
    expect(bad.map((o) => o.number)).toEqual(ranked.slice(n - nBad, n).map((o) => o.number));
  });
});

describe("bohbSampler", () => {
  it("gives the same run for the same seed and another for another seed", () => {
    const run = (seed: number) => runBowl(bohbSampler(), seed, 600).trials.map((t) => JSON.stringify(t.params));
    const a = run(3);
    expect(a.length).toBeGreaterThan(40);
    expect(run(3)).toEqual(a);
    expect(run(4)).not.toEqual(a);
  });

  // d = 1, so a budget is modelled from N_min + 2 = 4 observations.
  it.each([
    { deep: 12, epoch: 3, low: 0.7, high: 1 },
    { deep: 3, epoch: 1, low: 0, high: 0.3 },
  ])("models the highest budget with enough observations ($deep trials at epoch 3 → epoch $epoch)", ({ deep, epoch, low, high }) => {
    const view = twoBudgetView(deep);
    expect(modelBudget(view, bohbBudgets(1, 3, 9), 4)?.epoch).toBe(epoch);
    const sampler = bohbSampler({ randomFraction: 0 });
    const xs = Array.from({ length: 200 }, (_, i) => sampler.sample(view, createRng(i), 30).x as number);
    // Threshold: the median proposal lies where that budget's best trials are.
    expect(median(xs)).toBeGreaterThan(low);
    expect(median(xs)).toBeLessThan(high);
  });

  it.each([
    { fraction: 1 / 3, low: 0.28, high: 0.39 },
    { fraction: 0, low: 0, high: 0 },
    { fraction: 1, low: 1, high: 1 },
  ])("draws a share $fraction of its proposals uniformly once a model exists", ({ fraction, low, high }) => {
    const view = twoBudgetView(12);
    const sampler = bohbSampler({ randomFraction: fraction });
    const n = 600;
    for (let i = 0; i < n; i++) sampler.sample(view, createRng(1000 + i), 30 + i);
    const random = Array.from({ length: n }, (_, i) => sampler.origin(30 + i)).filter((o) => o === "random").length;
    expect(random / n).toBeGreaterThanOrEqual(low);
    expect(random / n).toBeLessThanOrEqual(high);
  });

  it("samples uniformly before any budget has enough observations", () => {
    const view: StudyView = { space: lineSpace, maxEpochs: 9, trials: [trial(0, 0.5, [1]), trial(1, 0.2, [2]), trial(2, 0.7, [3])] };
    const sampler = bohbSampler({ randomFraction: 0 });
    const rng = createRng(5);
    const expected = createRng(5).next();
    expect(sampler.sample(view, rng, 3).x).toBeCloseTo(expected, 12);
    expect(sampler.origin(3)).toBe("random");
  });

  // Threshold: over 20 fixed seeds and 540 epochs (20 full trainings) each, BOHB's median best is below
  // random search's, and at least 14 of BOHB's 20 runs end below random search's median.
  it("beats random search under Hyperband on a 4-d quadratic bowl", () => {
    const seeds = Array.from({ length: 20 }, (_, i) => i);
    const best = (make: () => Sampler) => seeds.map((seed) => runBowl(make(), seed, 540).incumbent()!.loss);
    const bohb = best(() => bohbSampler());
    const random = best(() => randomSampler());
    expect(median(bohb)).toBeLessThan(median(random));
    expect(bohb.filter((b) => b < median(random)).length).toBeGreaterThanOrEqual(14);
  });

  it("does not propose a configuration already tried on a grid, where random search does", () => {
    const grid: Space = [
      { type: "float", name: "a", low: 0, high: 1, grid: [0, 0.25, 0.5, 0.75, 1] },
      { type: "int", name: "b", low: 1, high: 4 },
      { type: "categorical", name: "c", choices: ["p", "q"] },
    ];
    const loss = (p: Params, epoch: number) => ((p.a as number) - 0.75) ** 2 + ((p.b as number) - 3) ** 2 / 10 + (p.c === "q" ? 0.2 : 0) + 1 / epoch;
    const repeats = (make: () => Sampler) =>
      [0, 1, 2, 3, 4].map((seed) => {
        const keys = runBowl(make(), seed, 400, grid, loss).trials.slice(0, 30).map((t) => JSON.stringify(encode(grid, t.params)));
        return keys.length - new Set(keys).size;
      });
    // 40 configurations: 30 random draws repeat one with probability near 1.
    expect(repeats(() => randomSampler()).every((r) => r > 0)).toBe(true);
    expect(repeats(() => bohbSampler())).toEqual([0, 0, 0, 0, 0]);
  });

  it.each([
    [{ topNPercent: 0 }, /bohb: topNPercent must be in \(0, 100\), got 0/],
    [{ randomFraction: 1.5 }, /bohb: randomFraction must be in \[0, 1\], got 1.5/],
    [{ numSamples: 0 }, /bohb: numSamples must be an integer ≥ 1, got 0/],
    [{ minBandwidth: -1 }, /bohb: minBandwidth must be > 0, got -1/],
    [{ eta: 1 }, /bohb: eta must be an integer ≥ 2, got 1/],
  ])("rejects the option %o with a message naming it", (options, message) => {
    expect(() => bohbSampler(options)).toThrow(message);
  });
});
