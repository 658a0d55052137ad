import { describe, expect, it } from "vitest";
import { fifoScheduler } from "../schedulers/fifo";
import type { Params, Space } from "../space";
import { Strategy } from "../strategy";
import type { Sampler, StudyView, TrialState } from "../types";
import { randomSampler } from "./random";
import { rankObservations, tpeGamma, tpeSampler } from "./tpe";

type TestFunction = { name: string; space: Space; f: (p: Params) => number; budget: number };

const branin: TestFunction = {
  name: "Branin (2-d, minimum 0.397887)",
  space: [
    { type: "float", name: "x1", low: -5, high: 10 },
    { type: "float", name: "x2", low: 0, high: 15 },
  ],
  f: (p) => {
    const x1 = p.x1 as number;
    const x2 = p.x2 as number;
    const b = 5.1 / (4 * Math.PI ** 2);
    return (x2 - b * x1 * x1 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  },
  budget: 100,
};

const A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];
const hartmann6: TestFunction = {
  name: "Hartmann (6-d, minimum −3.32237)",
  space: Array.from({ length: 6 }, (_, i) => ({ type: "float" as const, name: `x${i}`, low: 0, high: 1 })),
  f: (p) => {
    const x = Array.from({ length: 6 }, (_, i) => p[`x${i}`] as number);
    const alpha = [1, 1.2, 3, 3.2];
    return -alpha.reduce((sum, a, i) => sum + a * Math.exp(-A[i].reduce((s, aij, j) => s + aij * (x[j] - P[i][j] * 1e-4) ** 2, 0)), 0);
  },
  budget: 80,
};

/** Best value found by a sampler in `budget` one-epoch trials. */
function bestFound(fn: TestFunction, sampler: Sampler, seed: number): number {
  const s = new Strategy({ space: fn.space, direction: "minimize", maxEpochs: 1, seed, sampler, scheduler: fifoScheduler() });
  let best = Infinity;
  for (let i = 0; i < fn.budget; i++) {
    const job = s.ask();
    if (job?.kind !== "new") throw new Error("expected a new trial");
    const value = fn.f(job.params);
    best = Math.min(best, value);
    s.tell({ trial: job.trial, epoch: 1, value });
  }
  return best;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}

describe("tpeSampler", () => {
  // Threshold: over 20 fixed seeds, TPE's median best is lower than random's and TPE wins at least 14 of the 20 paired runs.
  it.each([branin, hartmann6])("beats random search at equal budget on $name", (fn) => {
    const seeds = Array.from({ length: 20 }, (_, i) => i);
    const tpe = seeds.map((seed) => bestFound(fn, tpeSampler(), seed));
    const random = seeds.map((seed) => bestFound(fn, randomSampler(), seed));
    const wins = seeds.filter((i) => tpe[i] < random[i]).length;
    expect(median(tpe)).toBeLessThan(median(random));
    expect(wins).toBeGreaterThanOrEqual(14);
  });

  it("samples uniformly until 10 trials have reported, like Optuna's n_startup_trials", () => {
    const a = bestFound({ ...branin, budget: 10 }, tpeSampler(), 4);
    const b = bestFound({ ...branin, budget: 10 }, randomSampler(), 4);
    expect(a).toBe(b);
  });

  it("gives the same run for the same seed", () => {
    expect(bestFound(hartmann6, tpeSampler(), 11)).toBe(bestFound(hartmann6, tpeSampler(), 11));
  });

  it.each([
    [1, 1],
    [10, 1],
    [11, 2],
    [100, 10],
    [1000, 25],
  ])("takes γ(%i) = %i good observations", (n, expected) => {
    expect(tpeGamma(n)).toBe(expected);
  });
});

describe("rankObservations", () => {
  const trial = (number: number, status: TrialState["status"], losses: number[]): TrialState => ({
    number,
    params: {},
    z: [number / 10],
    status,
    losses,
    targetEpoch: losses.length,
    bestLoss: losses.length ? Math.min(...losses) : Infinity,
    bestEpoch: losses.length ? losses.indexOf(Math.min(...losses)) + 1 : 0,
  });
  const view = (trials: TrialState[]): StudyView => ({ space: [{ type: "float", name: "x", low: 0, high: 1 }], maxEpochs: 9, trials });

  it("ranks deeper trials first, ended trials as fully trained, then by best loss, and running trials without reports last", () => {
    const trials = [
      trial(0, "paused", [0.5]),
      trial(1, "paused", [0.9, 0.8, 0.7]),
      trial(2, "pruned", [0.6, 0.65, 0.7, 0.75]),
      trial(3, "running", []),
      trial(4, "paused", [0.4]),
      trial(5, "failed", [0.1]),
    ];
    expect(rankObservations(view(trials), true).map((o) => o.number)).toEqual([2, 1, 4, 0, 3]);
    expect(rankObservations(view(trials), false).map((o) => o.number)).toEqual([2, 1, 4, 0]);
  });
});
