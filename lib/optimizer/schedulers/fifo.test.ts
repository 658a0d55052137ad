import { describe, expect, it } from "vitest";
import { randomSampler } from "../samplers/random";
import { Strategy } from "../strategy";
import type { Space } from "../space";
import type { Verdict } from "../types";
import { fifoScheduler } from "./fifo";

const space: Space = [{ type: "float", name: "x", low: 0, high: 1 }];

/** Runs one trial of a fresh random+fifo strategy over a hand-made curve, until the first verdict that is not continue. */
function run(losses: number[], maxEpochs: number, patience?: number): { verdicts: Verdict[]; last: Verdict } {
  const strategy = new Strategy({ space, direction: "minimize", maxEpochs, seed: 0, sampler: randomSampler(), scheduler: fifoScheduler({ patience }) });
  const job = strategy.ask();
  expect(job).toMatchObject({ kind: "new", trial: 0, toEpoch: maxEpochs });
  const verdicts: Verdict[] = [];
  for (let e = 1; e <= losses.length; e++) {
    const v = strategy.tell({ trial: 0, epoch: e, value: losses[e - 1] });
    verdicts.push(v);
    if (v.decision !== "continue") break;
  }
  return { verdicts, last: verdicts[verdicts.length - 1] };
}

describe("fifoScheduler", () => {
  it("stops a trial exactly `patience` epochs after its best epoch, naming that epoch", () => {
    const { verdicts, last } = run([5, 4, 3, 3.5, 3.2, 3.1, 2], 10, 3);
    expect(verdicts).toHaveLength(6);
    expect(verdicts.slice(0, 5).every((v) => v.decision === "continue")).toBe(true);
    expect(last).toEqual({ decision: "stop", status: "pruned", reason: "no improvement for 3 epochs (best at epoch 3)" });
  });

  it.each<[string, number[], number, number]>([
    ["a plateau does not count as improving", [3, 3, 3, 3], 2, 3],
    ["a new best resets the count", [5, 6, 4, 6, 6], 2, 5],
    ["patience 1 stops at the first step that does not improve", [5, 4, 4.5], 1, 3],
  ])("%s", (_, losses, patience, stoppedAfter) => {
    const { verdicts, last } = run(losses, 20, patience);
    expect(verdicts).toHaveLength(stoppedAfter);
    expect(last).toMatchObject({ decision: "stop", status: "pruned" });
  });

  it.each([1, 2, 5])("never stops a trial that improves every epoch (patience %d), and completes it at max epochs", (patience) => {
    const losses = Array.from({ length: 8 }, (_, i) => 10 - i);
    const { verdicts, last } = run(losses, 8, patience);
    expect(verdicts).toHaveLength(8);
    expect(verdicts.slice(0, 7).every((v) => v.decision === "continue")).toBe(true);
    expect(last).toEqual({ decision: "stop", status: "completed", reason: "reached 8 epochs" });
  });

  it("without patience, trains every trial to max epochs however its curve goes", () => {
    const { verdicts, last } = run([1, 5, 6, 7, 8, 9], 6);
    expect(verdicts).toHaveLength(6);
    expect(last).toMatchObject({ decision: "stop", status: "completed" });
  });

  it("completes rather than prunes when patience runs out at the last epoch", () => {
    const { last } = run([1, 2, 3], 3, 2);
    expect(last).toMatchObject({ decision: "stop", status: "completed" });
  });

  it("always wants a new configuration trained to max epochs", () => {
    const fifo = fifoScheduler();
    expect(fifo.next({ space, maxEpochs: 12, trials: [] })).toEqual({ kind: "new", toEpoch: 12 });
  });

  it.each([0, -1, 1.5, NaN])("rejects patience %d", (patience) => {
    expect(() => fifoScheduler({ patience })).toThrow(/fifo: patience must be a positive integer/);
  });

  it("names its patience", () => {
    expect(fifoScheduler().name).toBe("fifo");
    expect(fifoScheduler({ patience: 4 }).name).toBe("fifo(patience=4)");
  });
});
