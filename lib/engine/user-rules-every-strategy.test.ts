import { describe, expect, it } from "vitest";
import { createStrategy, SAMPLERS, SCHEDULERS } from "../optimizer/registry";
import type { Rule } from "../optimizer/rules";
import type { Space } from "../optimizer/space";
import type { Strategy } from "../optimizer/strategy";

/**
 * A user's range rule holds for every trial asked for after it, whatever the
 * strategy: the engine's Strategy rejects and resamples configurations that a
 * rule-blind sampler proposes outside, and moves branch params inside.
 */
const space: Space = [
  { type: "float", name: "lr", low: 1e-4, high: 1, log: true },
  { type: "int", name: "width", low: 8, high: 256, log: true },
  { type: "float", name: "dropout", low: 0, high: 0.5, grid: [0, 0.1, 0.2, 0.3, 0.4, 0.5] },
  { type: "categorical", name: "act", choices: ["relu", "tanh"] },
];

const rules: Rule[] = [
  { id: "user:1", kind: "range", origin: "user", status: "active", param: "lr", low: 0.002, high: 0.03 },
  { id: "user:2", kind: "range", origin: "user", status: "active", param: "dropout", low: 0.1, high: 0.3 },
];

/** A loss that rewards leaving the range, so a sampler that learns is drawn outside it. */
function loss(strategy: Strategy, trial: number, epoch: number): number {
  const p = strategy.trials[trial].params;
  const lr = p.lr as number;
  return Math.abs(Math.log10(lr) + 0.5) + (p.dropout as number) + 1 / epoch + ((trial * 7919) % 13) / 100;
}

function run(strategy: Strategy, jobs: number): void {
  for (let j = 0; j < jobs; j++) {
    const job = strategy.ask();
    if (job === null) break;
    for (let epoch = strategy.trials[job.trial].losses.length + 1; epoch <= job.toEpoch; epoch++) {
      if (strategy.tell({ trial: job.trial, epoch, value: loss(strategy, job.trial, epoch) }).decision !== "continue") break;
    }
  }
}

const names = Object.keys(SAMPLERS).flatMap((s) => Object.keys(SCHEDULERS).map((c) => `${s}+${c}`));

describe("a user's range rule, for every strategy", () => {
  it.each(names)("%s: every trial created after the rule lies inside it", (name) => {
    const strategy = createStrategy({ name, space, direction: "minimize", maxEpochs: 9, seed: 5, allowBranch: true, settings: { population: 8, ready: 2 } });
    run(strategy, 60);
    const before = strategy.trials.length;
    strategy.setUserRules(rules);
    run(strategy, 250);
    const later = strategy.trials.slice(before);
    expect(later.length).toBeGreaterThan(5);
    const outside = later
      .filter((t) => (t.params.lr as number) < 0.002 || (t.params.lr as number) > 0.03 || (t.params.dropout as number) < 0.1 || (t.params.dropout as number) > 0.3)
      .map((t) => `#${t.number} lr=${t.params.lr} dropout=${t.params.dropout}`);
    expect(outside).toEqual([]);
  });
});
