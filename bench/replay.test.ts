import { describe, expect, it } from "vitest";
import { createStrategy } from "../lib/optimizer/registry";
import { tableSpace } from "../lib/objectives/lc-table";
import type { Job, Verdict } from "../lib/optimizer/types";
import { replay, type AskTell } from "./replay";
import { tinyTable } from "./tiny-table.test-helper";

/** A strategy that plays a fixed list of jobs and pauses each at its target epoch, recording what it is told. */
function scripted(jobs: Job[]): AskTell & { told: string[] } {
  const targets = new Map<number, number>();
  const told: string[] = [];
  let next = 0;
  return {
    told,
    ask() {
      const job = jobs[next++] ?? null;
      if (job) targets.set(job.trial, job.toEpoch);
      return job;
    },
    tell({ trial, epoch, value }): Verdict {
      told.push(`${trial}@${epoch}=${value}`);
      return epoch >= targets.get(trial)! ? { decision: "pause" } : { decision: "continue" };
    },
  };
}

const SCRIPT: Job[] = [
  // x = 1.1 snaps to 1 in log space.
  { kind: "new", trial: 0, params: { x: 1.1, c: "a" }, toEpoch: 2 },
  // x = 3 is nearer 4 than 2 in log space (a tie, and so 2, on a linear scale).
  { kind: "new", trial: 1, params: { x: 3, c: "b" }, toEpoch: 4 },
  // Continuing from the checkpoint at epoch 2 pays 2 epochs and reads epochs 3 and 4.
  { kind: "continue", trial: 0, toEpoch: 4 },
  { kind: "new", trial: 2, params: { x: 2, c: "a" }, toEpoch: 4 },
];

describe("replay", () => {
  it("pays from epoch 0 for a new trial and from the checkpoint for a continuation, and stops when the budget is spent", () => {
    const s = scripted(SCRIPT);
    const result = replay(tinyTable(), s, 2);
    // 2 + 4 + 2 epochs = 8 = 2 FTE of 4 epochs; trial 2 is never asked for.
    expect(result.epochs).toBe(8);
    expect(result.end).toBe("budget");
    expect(s.told).toEqual(["0@1=0.9", "0@2=0.7", "1@1=0.8", "1@2=0.75", "1@3=0.5", "1@4=0.55", "0@3=0.6", "0@4=0.65"]);
    expect(result.trace).toEqual([
      [0.25, 0.9],
      [0.5, 0.7],
      [1.25, 0.5],
      [2, 0.5],
    ]);
  });

  it("stops in the middle of a job when the budget runs out there", () => {
    const result = replay(tinyTable(), scripted(SCRIPT), 1.75);
    expect(result.epochs).toBe(7);
    expect(result.trace).toEqual([
      [0.25, 0.9],
      [0.5, 0.7],
      [1.25, 0.5],
      [1.75, 0.5],
    ]);
  });

  it("tracks the largest value on a table to maximize", () => {
    const result = replay(tinyTable("maximize"), scripted(SCRIPT), 1);
    expect(result.trace).toEqual([
      [0.25, 0.9],
      [1, 0.9],
    ]);
  });

  it("ends early, with the cost spent so far, when the strategy has no more work", () => {
    const result = replay(tinyTable(), scripted(SCRIPT.slice(0, 1)), 10);
    expect(result.end).toBe("exhausted");
    expect(result.trace).toEqual([
      [0.25, 0.9],
      [0.5, 0.7],
    ]);
  });

  it("spends exactly the budget and gives the same trace for the same seed with a real strategy", () => {
    const table = tinyTable();
    const run = (seed: number) =>
      replay(table, createStrategy({ name: "tpe+asha", space: tableSpace(table), direction: table.direction, maxEpochs: table.maxEpochs, seed }), 5);
    const a = run(3);
    expect(a.epochs).toBe(20);
    expect(a.trace[a.trace.length - 1][0]).toBe(5);
    expect(run(3).trace).toEqual(a.trace);
  });
});
