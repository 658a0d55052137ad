import { describe, expect, it } from "vitest";
import { randomSampler } from "../samplers/random";
import { Strategy } from "../strategy";
import { ashaScheduler, rungEpochs } from "./asha";
import { drive } from "./drive.test-helper";

const space = [{ type: "float" as const, name: "x", low: 0, high: 1 }];

function asha(maxEpochs: number, options = {}) {
  return new Strategy({ space, direction: "minimize", maxEpochs, seed: 1, sampler: randomSampler(), scheduler: ashaScheduler(options) });
}

describe("rungEpochs", () => {
  it.each([
    [1, 3, 40, [1, 4, 13, 40]],
    [1, 3, 30, [1, 3, 10, 30]],
    [1, 3, 27, [1, 3, 9, 27]],
    [1, 3, 100, [1, 4, 11, 33, 100]],
    [2, 2, 20, [3, 5, 10, 20]],
    [5, 3, 4, [4]],
    [1, 3, 1, [1]],
  ])("places geometric rungs that end at max epochs (r=%i, η=%i, max=%i)", (r, eta, max, expected) => {
    expect(rungEpochs(Math.min(r, max), eta, max)).toEqual(expected);
  });
});

describe("ashaScheduler", () => {
  // Rungs 1, 3, 9 (η = 3, r = 1, max 9). Losses by trial and epoch:
  const losses: Record<number, number[]> = {
    0: [0.5],
    1: [0.3, 0.25, 0.2, 0.19, 0.18, 0.17, 0.16, 0.15, 0.14],
    2: [0.4],
    3: [0.1, 0.09, 0.35, 0.3, 0.2, 0.1, 0.08, 0.07, 0.06],
    4: [0.6],
    5: [0.35],
    6: [0.2, 0.15, 0.12],
  };
  const loss = (t: number, e: number) => losses[t]?.[e - 1] ?? 1;

  it("promotes the top ⌊n_k/η⌋ of a rung once each, from the highest rung down, and otherwise starts a new trial", () => {
    expect(drive(asha(9), 12, loss)).toEqual([
      ["new", 0, 1],
      ["new", 1, 1], // rung 0 has 1 member: ⌊1/3⌋ = 0 promotions
      ["new", 2, 1],
      ["continue", 1, 3], // 3 members: the best (trial 1, 0.3) goes to rung 1
      ["new", 3, 1], // the top 1 of 3 is trial 1, already promoted
      ["continue", 3, 3], // 4 members: top 1 is now trial 3 (0.1)
      ["new", 4, 1],
      ["new", 5, 1], // 6 members: top 2 are trials 3 and 1, both promoted
      ["new", 6, 1],
      ["continue", 6, 3], // 7 members: top 2 are trials 3 and 6
      ["continue", 3, 9], // rung 1 has 3 members; trial 3 ranks by its best loss up to epoch 3 (0.09), not its epoch-3 loss (0.35)
      ["new", 7, 1],
    ]);
  });

  it("pauses a trial at each rung and completes it at max epochs", () => {
    const s = asha(9);
    drive(s, 12, loss);
    expect(s.trials[1].status).toBe("paused");
    expect(s.trials[1].losses).toHaveLength(3);
    expect(s.trials[3].status).toBe("completed");
    expect(s.trials[3].losses).toHaveLength(9);
  });

  it("stops a promoted trial early once it has not improved for `patience` epochs", () => {
    const s = asha(9, { patience: 2 });
    drive(s, 12, loss);
    // Trial 3: best 0.09 at epoch 2; epochs 3 and 4 are worse, so it stops after epoch 4.
    expect(s.trials[3].status).toBe("pruned");
    expect(s.trials[3].losses).toHaveLength(4);
  });

  it.each([
    [{ eta: 1 }, /asha: eta must be an integer ≥ 2, got 1/],
    [{ minEpochs: 0 }, /asha: minEpochs must be an integer ≥ 1, got 0/],
    [{ patience: 1.5 }, /asha: patience must be an integer ≥ 1, got 1.5/],
  ])("rejects the bad option %j with a message naming it", (options, message) => {
    expect(() => ashaScheduler(options)).toThrow(message);
  });
});
