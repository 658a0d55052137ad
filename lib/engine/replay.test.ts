import { describe, expect, it } from "vitest";
import { syntheticFunction } from "../objectives/synthetic";
import { runRoundJob } from "../optimizer/analysis/round";
import { createStrategy } from "../optimizer/registry";
import { stateFromJson, stateToJson } from "../optimizer/state";
import type { StrategyState } from "../optimizer/strategy";
import { replay } from "./study-run";

/** Drives a strategy with up to 3 jobs in flight, interleaving their reports, and logs every event as the engine does. */
function drive(name: string, seed: number, steps: number, allowBranch = false, snapshotAt = -1, deferAnalysis = false) {
  const f = syntheticFunction("synthetic:hartmann6")!;
  // The race's warm starts and schedules are off by default; a study that can branch here switches them on.
  const setup = { name, space: f.space, direction: f.direction, maxEpochs: f.maxEpochs, seed, settings: { patience: 4, warmStart: allowBranch, schedules: allowBranch }, allowBranch, samplerSettings: { deferAnalysis } };
  const strategy = createStrategy(setup);
  // With deferAnalysis, a round's effects come back 7 steps after it fell due, as from a worker thread, and are logged as the engine does.
  let due = null as { round: number; at: number } | null;
  const log: { type: string; payload: Record<string, unknown> }[] = [];
  const running: { trial: number; params: Record<string, number | string | boolean>; toEpoch: number }[] = [];
  let snapshot: { json: string; logged: number } | null = null;
  for (let step = 0; step < steps; step++) {
    if (step === snapshotAt) snapshot = { json: stateToJson(strategy.save()), logged: log.length };
    while (running.length < 3) {
      const job = strategy.ask();
      if (!job) break;
      log.push({ type: "job", payload: { ...job } });
      running.push({ trial: job.trial, params: strategy.trials[job.trial].params, toEpoch: job.toEpoch });
    }
    const pending = strategy.pendingAnalysis();
    if (pending && due?.round !== pending.round) due = { round: pending.round, at: step + 7 };
    if (pending && due && step >= due.at) {
      const result = runRoundJob(pending.job);
      log.push({ type: "analysis", payload: { round: pending.round, result: stateToJson(result) } });
      strategy.completeAnalysis(pending.round, result);
    }
    const slot = step % running.length;
    const job = running[slot];
    const epoch = strategy.trials[job.trial].losses.length + 1;
    const value = f.valueAt(job.params, epoch);
    log.push({ type: "report", payload: { trial: job.trial, epoch, value } });
    if (strategy.tell({ trial: job.trial, epoch, value }).decision !== "continue") running.splice(slot, 1);
  }
  return { strategy, log, setup, snapshot };
}

describe("replay of the event log", () => {
  it.each(["sieve", "tpe+asha", "random+hyperband", "bohb"])("rebuilds %s exactly: same trials, losses, rules and analysis", (name) => {
    const { strategy, log, setup } = drive(name, 5, 900);
    expect(strategy.trials.length).toBeGreaterThan(50);
    if (name === "sieve") expect(strategy.snapshots().length).toBeGreaterThan(0);
    const rebuilt = createStrategy(setup);
    for (const event of log) replay(rebuilt, event.type, event.payload);
    expect(rebuilt.trials).toEqual(strategy.trials);
    expect(rebuilt.rules()).toEqual(strategy.rules());
    expect(rebuilt.snapshots()).toEqual(strategy.snapshots());
    expect(rebuilt.ask()).toEqual(strategy.ask());
  });

  it.each(["random+pbt", "sieve"])("rebuilds %s with branches exactly: same parents, inherited losses and schedules", (name) => {
    const { strategy, log, setup } = drive(name, 7, 1500, true);
    const branches = strategy.trials.filter((t) => t.parent !== undefined);
    expect(branches.length).toBeGreaterThan(2);
    expect(log.some((e) => e.type === "job" && e.payload.kind === "branch")).toBe(true);
    const rebuilt = createStrategy(setup);
    for (const event of log) replay(rebuilt, event.type, event.payload);
    expect(rebuilt.trials).toEqual(strategy.trials);
    expect(rebuilt.ask()).toEqual(strategy.ask());
  });

  it("replays an older log whose diverged trial reported on past its NaN, ending that trial at the NaN", () => {
    // Before diverged trials were stopped at their first non-finite report, a program that printed on was recorded.
    const setup = { name: "random+fifo", space: [{ type: "float" as const, name: "x", low: 0, high: 1 }], direction: "minimize" as const, maxEpochs: 5, seed: 1 };
    const rebuilt = createStrategy(setup);
    const log = [
      { type: "job", payload: { kind: "new", trial: 0, toEpoch: 5 } },
      { type: "report", payload: { trial: 0, epoch: 1, value: 0.5 } },
      { type: "report", payload: { trial: 0, epoch: 2, value: null } },
      { type: "report", payload: { trial: 0, epoch: 3, value: null } },
      { type: "trial_failed", payload: { trial: 0, reason: "the objective ended before its last epoch" } },
    ];
    log.forEach((event) => replay(rebuilt, event.type, event.payload));
    expect(rebuilt.trials[0].losses).toEqual([0.5, Infinity]);
    // A report after a trial's end that is not a divergence still breaks the replay, as before.
    const other = createStrategy(setup);
    replay(other, "job", { kind: "new", trial: 0, toEpoch: 5 });
    for (let e = 1; e <= 5; e++) replay(other, "report", { trial: 0, epoch: e, value: 1 });
    expect(() => replay(other, "report", { trial: 0, epoch: 6, value: 1 })).toThrow(/trial 0 is completed, not running/);
  });

  it("throws when a logged branch differs from what the strategy asks", () => {
    const { log, setup } = drive("random+pbt", 7, 1500, true);
    const at = log.findIndex((e) => e.type === "job" && e.payload.kind === "branch");
    const tampered = log.map((e, i) => (i === at ? { ...e, payload: { ...e.payload, fromEpoch: (e.payload.fromEpoch as number) + 1 } } : e));
    const rebuilt = createStrategy(setup);
    expect(() => tampered.forEach((event) => replay(rebuilt, event.type, event.payload))).toThrow(/replay diverged/);
  });

  it.each([
    ["sieve", false],
    ["sieve", true],
    ["random+fifo", false],
    ["tpe+asha", false],
    ["sobol+hyperband", false],
    ["random+iepoch", false],
  ] as const)("restores %s (branching %s) from a snapshot taken midway and replays the rest exactly", (name, branching) => {
    const { strategy, log, setup, snapshot } = drive(name, 9, branching ? 1500 : 900, branching, branching ? 800 : 450);
    expect(snapshot).not.toBeNull();
    const restored = createStrategy(setup);
    restored.restore(stateFromJson(snapshot!.json) as StrategyState);
    for (const event of log.slice(snapshot!.logged)) replay(restored, event.type, event.payload);
    expect(restored.trials).toEqual(strategy.trials);
    expect(restored.rules()).toEqual(strategy.rules());
    expect(restored.snapshots()).toEqual(strategy.snapshots());
    expect(restored.decision()).toEqual(strategy.decision());
    expect(restored.ask()).toEqual(strategy.ask());
  });

  it("rebuilds a sieve whose rounds ran in a worker thread, from the whole log and from a snapshot taken while a round was out", () => {
    const { strategy, log, setup } = drive("sieve", 5, 900, false, -1, true);
    const rounds = strategy.snapshots();
    expect(rounds.length).toBeGreaterThan(1);
    expect(log.filter((e) => e.type === "analysis")).toHaveLength(rounds.length);
    // Asks went on while a round was out: the first round was completed after trials that its input did not see.
    const firstDone = log.findIndex((e) => e.type === "analysis");
    const jobsBefore = log.slice(0, firstDone).filter((e) => e.type === "job" && e.payload.kind === "new").length;
    expect(jobsBefore).toBeGreaterThan(rounds[0].trials);
    const rebuilt = createStrategy(setup);
    for (const event of log) replay(rebuilt, event.type, event.payload);
    expect(rebuilt.trials).toEqual(strategy.trials);
    expect(rebuilt.rules()).toEqual(strategy.rules());
    expect(rebuilt.snapshots()).toEqual(strategy.snapshots());

    // A snapshot taken between a round falling due and its effects coming back keeps the round waiting.
    const dueAt = log.findIndex((e) => e.type === "analysis") - 3;
    const midway = createStrategy(setup);
    for (const event of log.slice(0, dueAt)) replay(midway, event.type, event.payload);
    expect(midway.pendingAnalysis()).not.toBeNull();
    const restored = createStrategy(setup);
    restored.restore(stateFromJson(stateToJson(midway.save())) as StrategyState);
    for (const event of log.slice(dueAt)) replay(restored, event.type, event.payload);
    expect(restored.snapshots()).toEqual(strategy.snapshots());
    expect(restored.trials).toEqual(strategy.trials);
    const next = strategy.ask();
    expect(rebuilt.ask()).toEqual(next);
    expect(restored.ask()).toEqual(next);
  });

  it("keeps non-finite and negative-zero numbers through a snapshot's JSON", () => {
    const state = { losses: [Infinity, -Infinity, NaN, -0, 0, 1.5], nested: { best: Infinity } };
    const back = stateFromJson(stateToJson(state)) as typeof state;
    expect(back.losses.map((x) => (Object.is(x, -0) ? "-0" : String(x)))).toEqual(["Infinity", "-Infinity", "NaN", "-0", "0", "1.5"]);
    expect(back.nested.best).toBe(Infinity);
  });

  it.each(["bohb", "random+pbt"])("%s has no snapshot (its state is rebuilt by replay only)", (name) => {
    const { strategy } = drive(name, 3, 50);
    expect(strategy.save()).toBeNull();
  });
});
