import { describe, expect, it } from "vitest";
import { randomSampler } from "../samplers/random";
import { Strategy } from "../strategy";
import { drive } from "./drive.test-helper";
import { iEpochScheduler } from "./iepoch";

const space = [{ type: "float" as const, name: "x", low: 0, high: 1 }];

describe("iEpochScheduler", () => {
  it("trains each candidate of a batch i epochs, then continues the best `keep` of the batch to max epochs", () => {
    const s = new Strategy({
      space,
      direction: "minimize",
      maxEpochs: 6,
      seed: 1,
      sampler: randomSampler(),
      scheduler: iEpochScheduler({ epochs: 2, batchSize: 3, keep: 2 }),
    });
    // Best loss up to epoch 2 by trial: 0 → 0.5, 1 → 0.2, 2 → 0.3 (its epoch-2 loss 0.9 is worse than epoch 1), 3 → 0.1, 4 → 0.7, 5 → 0.6
    const curves: Record<number, number[]> = { 0: [0.6, 0.5], 1: [0.3, 0.2], 2: [0.3, 0.9], 3: [0.1, 0.2], 4: [0.8, 0.7], 5: [0.6, 0.6] };
    const log = drive(s, 11, (t, e) => curves[t]?.[e - 1] ?? 0.05);
    expect(log).toEqual([
      ["new", 0, 2],
      ["new", 1, 2],
      ["new", 2, 2],
      ["continue", 1, 6],
      ["continue", 2, 6],
      ["new", 3, 2],
      ["new", 4, 2],
      ["new", 5, 2],
      ["continue", 3, 6],
      ["continue", 5, 6],
      ["new", 6, 2],
    ]);
    expect(s.trials[0].status).toBe("paused");
    expect(s.trials[1].status).toBe("completed");
  });

  it("rejects keeping more candidates than a batch holds", () => {
    expect(() => iEpochScheduler({ batchSize: 2, keep: 3 })).toThrow(/keep \(3\) must not exceed batchSize \(2\)/);
  });
});
