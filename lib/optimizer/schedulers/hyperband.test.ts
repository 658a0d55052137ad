import { describe, expect, it } from "vitest";
import { randomSampler } from "../samplers/random";
import { Strategy } from "../strategy";
import { drive } from "./drive.test-helper";
import { bracketCycle, hyperbandBrackets, hyperbandScheduler } from "./hyperband";

describe("hyperbandBrackets", () => {
  it("gives each bracket Hyperband's number of configurations n = ⌈(s_max+1)/(s_max−s+1)·η^(s_max−s)⌉", () => {
    expect(hyperbandBrackets(1, 3, 40)).toEqual([
      { rungs: [1, 4, 13, 40], share: 27 },
      { rungs: [4, 13, 40], share: 12 },
      { rungs: [13, 40], share: 6 },
      { rungs: [40], share: 4 },
    ]);
    expect(hyperbandBrackets(1, 3, 2)).toEqual([{ rungs: [2], share: 1 }]);
  });
});

describe("bracketCycle", () => {
  it("holds each bracket as often as its share and interleaves them", () => {
    const cycle = bracketCycle([27, 12, 6, 4]);
    expect(cycle).toHaveLength(49);
    expect([0, 1, 2, 3].map((s) => cycle.filter((b) => b === s).length)).toEqual([27, 12, 6, 4]);
    // Smooth round-robin: the most aggressive bracket never waits more than two places.
    expect(cycle.slice(0, 12).filter((b) => b === 0).length).toBeGreaterThanOrEqual(5);
    expect(new Set(cycle.slice(0, 12)).size).toBeGreaterThanOrEqual(3);
  });
});

describe("hyperbandScheduler", () => {
  it("starts each trial at its bracket's minimum resource and promotes it only along its bracket's rungs", () => {
    const space = [{ type: "float" as const, name: "x", low: 0, high: 1 }];
    const s = new Strategy({ space, direction: "minimize", maxEpochs: 40, seed: 3, sampler: randomSampler(), scheduler: hyperbandScheduler() });
    const loss = (t: number, e: number) => (s.trials[t].params.x as number) + 1 / e;
    const log = drive(s, 400, loss);
    const cycle = bracketCycle([27, 12, 6, 4]);
    const rungs = hyperbandBrackets(1, 3, 40).map((b) => b.rungs);
    let continues = 0;
    for (const [kind, trial, toEpoch] of log) {
      const bracket = rungs[cycle[trial % cycle.length]];
      if (kind === "new") expect(toEpoch).toBe(bracket[0]);
      else {
        continues++;
        expect(bracket.slice(1)).toContain(toEpoch);
      }
    }
    expect(continues).toBeGreaterThan(20);
    expect(s.trials.some((t) => t.status === "completed")).toBe(true);
  });
});
