import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import type { Params, Space } from "../space";
import { createStrategy } from "../registry";
import type { Strategy } from "../strategy";
import { explore } from "./pbt";

const space: Space = [
  { type: "float", name: "lr", low: 1e-4, high: 1, log: true },
  { type: "float", name: "momentum", low: 0, high: 0.9 },
  { type: "categorical", name: "act", choices: ["relu", "tanh"] },
];

/** A loss that falls with epochs towards a floor set by the params: lr near 0.01 and momentum near 0.6 are best. */
function loss(params: Params, epoch: number): number {
  const floor = Math.abs(Math.log10(params.lr as number) + 2) + Math.abs((params.momentum as number) - 0.6);
  return floor + 1 / epoch;
}

/** Drives a strategy with up to 4 jobs in flight, interleaving their reports; a trial's value at an epoch comes from its own params. */
function drive(strategy: Strategy, steps: number) {
  const running: number[] = [];
  let mostLive = 0;
  // For each branch, the share of the trials that trained the parent's epoch that did better there, when it was copied.
  const parentShares: number[] = [];
  for (let step = 0; step < steps; step++) {
    while (running.length < 4) {
      const job = strategy.ask();
      if (!job) break;
      running.push(job.trial);
      if (job.kind === "branch") {
        const e = job.fromEpoch;
        const peers = strategy.trials.filter((t) => t.number !== job.trial && t.losses.length >= e && (t.startEpoch ?? 0) < e);
        parentShares.push(peers.filter((t) => t.losses[e - 1] < strategy.trials[job.parent].losses[e - 1]).length / peers.length);
      }
    }
    if (running.length === 0) break;
    mostLive = Math.max(mostLive, strategy.trials.filter((t) => t.status === "running" || t.status === "paused").length);
    const slot = step % running.length;
    const trial = strategy.trials[running[slot]];
    const epoch = trial.losses.length + 1;
    if (strategy.tell({ trial: trial.number, epoch, value: loss(trial.params, epoch) }).decision !== "continue") running.splice(slot, 1);
  }
  return { mostLive, parentShares };
}

describe("explore", () => {
  it.each([
    ["a log-scale value", "lr", 0.01, [0.008, 0.012]],
    ["a linear value, as its distance from the lower bound", "momentum", 0.5, [0.4, 0.6]],
  ] as const)("multiplies %s by 0.8 or 1.2 when nothing is resampled", (_, name, value, expected) => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const next = explore(space, { lr: 0.01, momentum: 0.5, act: "relu", [name]: value }, createRng(seed), 0);
      seen.add(Number((next[name] as number).toPrecision(6)));
      expect(next.act).toBe("relu");
    }
    expect([...seen].sort()).toEqual([...expected]);
  });

  it("resamples every param when the probability is 1, within the space", () => {
    const next = explore(space, { lr: 0.01, momentum: 0.5, act: "relu" }, createRng(3), 1);
    expect(next.lr).not.toBe(0.01);
    expect(next.momentum).not.toBe(0.5);
    expect(next.lr as number).toBeGreaterThanOrEqual(1e-4);
    expect(next.momentum as number).toBeLessThanOrEqual(0.9);
  });
});

describe("pbt", () => {
  it("replaces bottom members by branches of top members with perturbed params, and records their parents", () => {
    const strategy = createStrategy({ name: "random+pbt", space, direction: "minimize", maxEpochs: 24, seed: 11, allowBranch: true });
    const { mostLive, parentShares } = drive(strategy, 2000);
    const trials = strategy.trials;
    const replaced = trials.filter((t) => /^PBT: in the bottom 25%/.test(t.reason ?? ""));
    const branches = trials.filter((t) => t.origin === "exploit");
    expect(replaced.length).toBeGreaterThan(3);
    expect(branches.length).toBeGreaterThan(3);
    // One branch per replaced member (the last replacements may still be waiting).
    expect(branches.length).toBeLessThanOrEqual(replaced.length);
    expect(branches.length).toBeGreaterThanOrEqual(replaced.length - 2);
    for (const b of branches) {
      const parent = trials[b.parent!];
      expect(b.startEpoch! % 4).toBe(0);
      expect(b.losses.slice(0, b.startEpoch)).toEqual(parent.losses.slice(0, b.startEpoch));
      expect(b.params).not.toEqual(parent.params);
      expect(b.schedule!.map((s) => s.fromEpoch)).toEqual([...parent.schedule!.map((s) => s.fromEpoch).filter((e) => e < b.startEpoch!), b.startEpoch]);
    }
    // A replaced member ranked below the member copied for it, at the ready point where it was replaced.
    const first = replaced[0];
    const epoch = first.losses.length;
    const copy = branches[0];
    expect(trials[copy.parent!].losses[epoch - 1]).toBeLessThan(first.losses[epoch - 1]);
    // At most the population of 8 is live at once.
    expect(mostLive).toBeLessThanOrEqual(8);
    // Exploit copies good members: where it was copied, a parent ranks in the top quarter of the trials that trained that epoch,
    // save for the last resort when no member is running and none of the top can be copied.
    expect(parentShares.length).toBe(branches.length);
    expect(parentShares.filter((x) => x < 0.25).length).toBeGreaterThanOrEqual(0.6 * parentShares.length);
    expect(parentShares.filter((x) => x < 0.5).length).toBeGreaterThanOrEqual(0.9 * parentShares.length);
  });

  it("never branches when the objective cannot warm start: a replaced member is followed by a new one", () => {
    const strategy = createStrategy({ name: "random+pbt", space, direction: "minimize", maxEpochs: 24, seed: 11 });
    drive(strategy, 1500);
    expect(strategy.trials.some((t) => /^PBT: .* replaced by a new member/.test(t.reason ?? ""))).toBe(true);
    expect(strategy.trials.every((t) => t.parent === undefined && t.startEpoch === 0)).toBe(true);
  });
});
