import { describe, expect, it } from "vitest";
import { randomSampler } from "./samplers/random";
import { fifoScheduler } from "./schedulers/fifo";
import { paramsProblems, type Space } from "./space";
import { Strategy, type StrategyOptions } from "./strategy";
import type { Direction, Job, Scheduler, SchedulerJob } from "./types";

const space: Space = [
  { type: "float", name: "lr", low: 1e-4, high: 1, log: true },
  { type: "int", name: "layers", low: 1, high: 4 },
  { type: "categorical", name: "act", choices: ["relu", "tanh"] },
];

function strategy(options: Partial<StrategyOptions> = {}): Strategy {
  return new Strategy({ space, direction: "minimize", maxEpochs: 5, seed: 7, sampler: randomSampler(), scheduler: fifoScheduler(), ...options });
}

/** A scheduler that hands out a fixed list of wants, then waits; it never stops a trial itself. */
function scripted(wants: SchedulerJob[]): Scheduler {
  let i = 0;
  return { name: "scripted", next: () => (i < wants.length ? wants[i++] : null), onReport: () => ({ decision: "continue" }) };
}

function paramsSequence(seed: number, n: number) {
  const s = strategy({ seed });
  return Array.from({ length: n }, () => (s.ask() as Extract<Job, { kind: "new" }>).params);
}

describe("Strategy.ask", () => {
  it("numbers new jobs 0, 1, 2… and trains them to max epochs under fifo", () => {
    const s = strategy();
    const jobs = [s.ask(), s.ask(), s.ask()];
    expect(jobs.map((j) => j?.kind)).toEqual(["new", "new", "new"]);
    expect(jobs.map((j) => j?.trial)).toEqual([0, 1, 2]);
    expect(jobs.map((j) => j?.toEpoch)).toEqual([5, 5, 5]);
    expect(s.trials.map((t) => t.status)).toEqual(["running", "running", "running"]);
  });

  it("samples valid params, the same sequence for the same seed and another for another seed", () => {
    const a = paramsSequence(3, 20);
    for (const p of a) expect(paramsProblems(space, p)).toEqual([]);
    expect(paramsSequence(3, 20)).toEqual(a);
    expect(paramsSequence(4, 20)).not.toEqual(a);
  });

  it("samples trial n's params independently of how many reports came before it", () => {
    const quiet = strategy();
    quiet.ask();
    const busy = strategy();
    busy.ask();
    for (let e = 1; e <= 3; e++) busy.tell({ trial: 0, epoch: e, value: 1 });
    expect(busy.ask()).toEqual(quiet.ask());
  });

  it("returns null for fifo when new trials are not allowed, without creating one", () => {
    const s = strategy();
    expect(s.ask({ allowNew: false })).toBeNull();
    expect(s.trials).toHaveLength(0);
    expect(s.ask({ allowNew: true })?.trial).toBe(0);
  });

  it("caps a scheduler's target at max epochs", () => {
    const s = strategy({ scheduler: scripted([{ kind: "new", toEpoch: 99 }]) });
    expect(s.ask()).toMatchObject({ kind: "new", trial: 0, toEpoch: 5 });
  });

  it("pauses a trial at its target epoch and continues it from there", () => {
    const s = strategy({ scheduler: scripted([{ kind: "new", toEpoch: 2 }, { kind: "continue", trial: 0, toEpoch: 4 }]) });
    s.ask();
    expect(s.tell({ trial: 0, epoch: 1, value: 3 })).toEqual({ decision: "continue" });
    expect(s.tell({ trial: 0, epoch: 2, value: 2 })).toEqual({ decision: "pause", status: "paused", reason: "reached epoch 2" });
    expect(s.trials[0].status).toBe("paused");
    expect(s.ask()).toEqual({ kind: "continue", trial: 0, toEpoch: 4 });
    expect(s.trials[0]).toMatchObject({ status: "running", targetEpoch: 4, reason: undefined });
    s.tell({ trial: 0, epoch: 3, value: 1.5 });
    expect(s.tell({ trial: 0, epoch: 4, value: 1 }).decision).toBe("pause");
  });

  it.each<[string, SchedulerJob[], RegExp]>([
    ["a trial that is not paused", [{ kind: "new", toEpoch: 5 }, { kind: "continue", trial: 0, toEpoch: 5 }], /continue trial 0, which is not paused/],
    ["a trial that does not exist", [{ kind: "continue", trial: 3, toEpoch: 5 }], /continue trial 3, which is not paused/],
  ])("throws when a scheduler asks to continue %s", (_, wants, message) => {
    const s = strategy({ scheduler: scripted(wants) });
    expect(() => {
      s.ask();
      s.ask();
    }).toThrow(message);
  });

  it.each<[string, Partial<StrategyOptions>, RegExp]>([
    ["an invalid space", { space: [{ type: "float", name: "x", low: 1, high: 0 }] }, /low \(1\) must not exceed high \(0\)/],
    ["zero max epochs", { maxEpochs: 0 }, /maxEpochs must be a positive integer, got 0/],
    ["fractional max epochs", { maxEpochs: 2.5 }, /maxEpochs must be a positive integer, got 2.5/],
  ])("refuses %s", (_, options, message) => {
    expect(() => strategy(options)).toThrow(message);
  });
});

describe("Strategy.tell", () => {
  it.each<[string, { trial: number; epoch: number; value: number }, RegExp]>([
    ["an epoch out of order", { trial: 0, epoch: 2, value: 1 }, /trial 0 expected epoch 1, got 2/],
    ["a repeated epoch", { trial: 0, epoch: 0, value: 1 }, /trial 0 expected epoch 1, got 0/],
    ["an unknown trial", { trial: 5, epoch: 1, value: 1 }, /unknown trial 5/],
  ])("rejects %s", (_, report, message) => {
    const s = strategy();
    s.ask();
    expect(() => s.tell(report)).toThrow(message);
    expect(s.trials[0].losses).toEqual([]);
  });

  it("rejects a report for a trial that has ended", () => {
    const s = strategy({ maxEpochs: 1 });
    s.ask();
    expect(s.tell({ trial: 0, epoch: 1, value: 1 })).toMatchObject({ decision: "stop", status: "completed" });
    expect(() => s.tell({ trial: 0, epoch: 2, value: 1 })).toThrow(/trial 0 is completed, not running/);
  });

  it.each<[Direction, number[], number]>([
    ["minimize", [3, 1, 2], 1],
    ["maximize", [0.2, 0.9, 0.5], 0.9],
  ])("stores %s values as losses, lower is better", (direction, values, best) => {
    const s = strategy({ direction });
    s.ask();
    values.forEach((value, i) => s.tell({ trial: 0, epoch: i + 1, value }));
    expect(s.trials[0].losses).toEqual(values.map((v) => (direction === "minimize" ? v : -v)));
    expect(s.trials[0]).toMatchObject({ bestEpoch: 2, bestLoss: s.toLoss(best) });
    expect(s.fromLoss(s.incumbent()!.loss)).toBe(best);
  });

  it.each<[Direction, number]>([
    ["minimize", NaN],
    ["minimize", Infinity],
    ["maximize", NaN],
    ["maximize", Infinity],
    ["maximize", -Infinity],
  ])("counts a non-finite value as the worst loss (%s, %d)", (direction, bad) => {
    const s = strategy({ direction });
    s.ask();
    s.tell({ trial: 0, epoch: 1, value: 0.5 });
    s.tell({ trial: 0, epoch: 2, value: bad });
    expect(s.trials[0].losses[1]).toBe(Infinity);
    expect(s.trials[0].bestEpoch).toBe(1);
    expect(s.incumbent()).toEqual({ trial: 0, epoch: 1, loss: s.toLoss(0.5) });
  });

  it.each([NaN, Infinity, -Infinity])("ends a diverged trial (value %d) as pruned with the reason, not failed, whatever the scheduler says", (bad) => {
    const s = strategy({ maxEpochs: 5 });
    s.ask();
    expect(s.tell({ trial: 0, epoch: 1, value: 0.5 })).toEqual({ decision: "continue" });
    const verdict = s.tell({ trial: 0, epoch: 2, value: bad });
    expect(verdict).toEqual({ decision: "stop", status: "pruned", reason: `diverged: the metric was ${bad} at epoch 2` });
    expect(s.trials[0]).toMatchObject({ status: "pruned", bestEpoch: 1 });
  });

  it("leaves a finite value, however large, to the scheduler", () => {
    const s = strategy({ maxEpochs: 5 });
    s.ask();
    expect(s.tell({ trial: 0, epoch: 1, value: 1e300 })).toEqual({ decision: "continue" });
  });

  it("never makes a trial that only reported non-finite values the incumbent", () => {
    const s = strategy();
    s.ask();
    s.ask();
    s.tell({ trial: 0, epoch: 1, value: NaN });
    expect(s.incumbent()).toBeNull();
    s.tell({ trial: 1, epoch: 1, value: 1e9 });
    expect(s.incumbent()).toEqual({ trial: 1, epoch: 1, loss: 1e9 });
  });
});

describe("Strategy.incumbent", () => {
  it("tracks the best loss over every trial and every epoch, including epochs before a trial's last", () => {
    const s = strategy();
    expect(s.incumbent()).toBeNull();
    for (let i = 0; i < 3; i++) s.ask();
    const curves = [
      [5, 4, 3],
      [4, 1.5, 2.5],
      [6, 2, 1.6],
    ];
    const seen: ({ trial: number; epoch: number; loss: number } | null)[] = [];
    for (let e = 1; e <= 3; e++) {
      curves.forEach((c, trial) => {
        s.tell({ trial, epoch: e, value: c[e - 1] });
        seen.push(s.incumbent());
      });
    }
    expect(seen[0]).toEqual({ trial: 0, epoch: 1, loss: 5 });
    expect(seen[1]).toEqual({ trial: 1, epoch: 1, loss: 4 });
    expect(seen[4]).toEqual({ trial: 1, epoch: 2, loss: 1.5 });
    // Trial 1 got worse at epoch 3 and trial 2 ended at 1.6: the incumbent stays at trial 1, epoch 2.
    expect(seen[8]).toEqual({ trial: 1, epoch: 2, loss: 1.5 });
  });

  it("keeps what a failed or halted trial reported", () => {
    const s = strategy();
    s.ask();
    s.ask();
    s.tell({ trial: 0, epoch: 1, value: 0.3 });
    s.tell({ trial: 1, epoch: 1, value: 0.4 });
    s.fail(0, "out of memory");
    s.halt(1, "stopped by the user");
    expect(s.trials.map((t) => [t.status, t.reason])).toEqual([
      ["failed", "out of memory"],
      ["pruned", "stopped by the user"],
    ]);
    expect(s.incumbent()).toEqual({ trial: 0, epoch: 1, loss: 0.3 });
    expect(() => s.fail(9, "x")).toThrow(/fail: unknown trial 9/);
    expect(() => s.halt(9, "x")).toThrow(/halt: unknown trial 9/);
  });

  it("does not halt a trial that has already ended", () => {
    const s = strategy({ maxEpochs: 1 });
    s.ask();
    s.tell({ trial: 0, epoch: 1, value: 1 });
    s.halt(0, "stopped by the user");
    expect(s.trials[0]).toMatchObject({ status: "completed", reason: "reached 1 epochs" });
  });
});

describe("Strategy.name", () => {
  it("joins the sampler's and the scheduler's names", () => {
    expect(strategy({ scheduler: fifoScheduler({ patience: 3 }) }).name).toBe("random+fifo(patience=3)");
  });
});
