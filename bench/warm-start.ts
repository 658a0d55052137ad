/**
 * Training time to a target validation loss on the built-in digits MLP, for
 * the sieve with warm starts and schedules, the sieve without them, random
 * search with ASHA, and PBT. Each run drives the strategy in-process, one job
 * at a time, training every job for real with trainJob (checkpoints, warm
 * starts and shrink-and-perturb as the engine does), and stops when a
 * reported val_loss first reaches the target or the epoch cap is spent.
 * Time is the sum of the wall time of every trained epoch (training, the
 * validation pass and the checkpoint write), measured between reports.
 *
 * Run with `npx tsx --conditions=react-server bench/warm-start.ts [--seeds 5] [--target 0.08] [--cap 200]`.
 * Prints figures, never fails on them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadDataset } from "../lib/objectives/mlp/dataset";
import { createMlpObjective } from "../lib/objectives/mlp/objective";
import { trainJob } from "../lib/objectives/mlp/trainer";
import { mixSeed } from "../lib/optimizer/rng";
import { createStrategy, type SchedulerSettings } from "../lib/optimizer/registry";
import type { Space } from "../lib/optimizer/space";

// Strict: a misspelt option is an error, not a silently ignored word.
const { values: options } = parseArgs({ options: { seeds: { type: "string", default: "5" }, target: { type: "string", default: "0.08" }, cap: { type: "string", default: "200" } } });
const SEEDS = Number(options.seeds);
const TARGET = Number(options.target);
/** Epochs a run may train before it counts as not reaching the target. */
const CAP = Number(options.cap);
const MAX_EPOCHS = 30;

/** The MLP space narrowed to widths and batch sizes that train in tens of milliseconds per epoch. */
const SPACE: Space = [
  { type: "float", name: "lr", low: 1e-3, high: 0.3, log: true },
  { type: "float", name: "momentum", low: 0.5, high: 0.95 },
  { type: "categorical", name: "optimizer", choices: ["sgd", "adam"] },
  { type: "int", name: "batch_size", low: 16, high: 128, log: true },
  { type: "int", name: "width", low: 16, high: 96, log: true },
  { type: "int", name: "depth", low: 1, high: 2 },
  { type: "float", name: "weight_decay", low: 1e-6, high: 1e-3, log: true },
  { type: "float", name: "dropout", low: 0, high: 0.3 },
  { type: "categorical", name: "activation", choices: ["relu", "tanh"] },
];

type Variant = { label: string; name: string; settings: Omit<SchedulerSettings, "seed"> };

const VARIANTS: Variant[] = [
  { label: "sieve (warm start + schedules)", name: "sieve", settings: { patience: 5 } },
  { label: "sieve (cold)", name: "sieve", settings: { patience: 5, warmStart: false, schedules: false } },
  { label: "random+asha", name: "random+asha", settings: { patience: 5 } },
  { label: "random+pbt", name: "random+pbt", settings: { patience: 5 } },
];

type Outcome = { seconds: number; epochs: number; reached: boolean; best: number; trials: number; branches: number };

async function runOnce(variant: Variant, seed: number): Promise<Outcome> {
  const info = createMlpObjective("digits").info;
  const strategy = createStrategy({
    name: variant.name,
    space: SPACE,
    direction: "minimize",
    maxEpochs: MAX_EPOCHS,
    seed,
    settings: variant.settings,
    allowBranch: info.warmStart,
    branchKeeps: info.warmStartKeeps,
  });
  const dataset = loadDataset("digits");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "hs-warm-bench-"));
  const dir = (trial: number) => path.join(root, String(trial));
  let seconds = 0;
  let epochs = 0;
  let best = Infinity;
  let reached = false;
  try {
    while (!reached && epochs < CAP) {
      const job = strategy.ask();
      if (!job) break;
      const state = strategy.trials[job.trial];
      const fromEpoch = job.kind === "new" ? 0 : job.kind === "branch" ? job.fromEpoch : state.losses.length;
      let last = performance.now();
      await trainJob({
        dataset,
        params: state.params,
        seed: mixSeed(seed, job.trial),
        fromEpoch,
        toEpoch: job.toEpoch,
        checkpointDir: dir(job.trial),
        ...(job.kind === "branch" ? { warmStart: { checkpointDir: dir(job.parent), epoch: job.fromEpoch, shrinkPerturb: job.shrinkPerturb } } : {}),
        onEpoch: (epoch, metrics) => {
          const now = performance.now();
          seconds += (now - last) / 1000;
          last = now;
          epochs += 1;
          best = Math.min(best, metrics.val_loss);
          if (metrics.val_loss <= TARGET) reached = true;
          const verdict = strategy.tell({ trial: job.trial, epoch, value: metrics.val_loss });
          return verdict.decision === "continue" && !reached && epochs < CAP;
        },
      });
      // A diverged job ends without a verdict; one cut short by the target or the cap is never asked about again.
      if (strategy.trials[job.trial].status === "running" && !reached && epochs < CAP) strategy.fail(job.trial, "diverged");
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return { seconds, epochs, reached, best, trials: strategy.trials.length, branches: strategy.trials.filter((t) => t.parent !== undefined).length };
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  console.log(`Digits MLP: training time until val_loss ≤ ${TARGET} (cap ${CAP} epochs per run), ${SEEDS} seeds, one job at a time, in-process`);
  const rows: { label: string; outcomes: Outcome[] }[] = [];
  for (const variant of VARIANTS) {
    const outcomes: Outcome[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const o = await runOnce(variant, seed);
      outcomes.push(o);
      console.log(
        `  ${variant.label.padEnd(32)} seed ${seed}: ${o.reached ? "reached" : "NOT reached"} after ${o.epochs} epochs, ${o.seconds.toFixed(1)} s; best ${o.best.toFixed(4)}; ${o.trials} trials, ${o.branches} branches`,
      );
    }
    rows.push({ label: variant.label, outcomes });
  }
  // A run that never reaches the target counts at the cap's time, so its median is a lower bound.
  const med = rows.map((r) => ({ ...r, seconds: median(r.outcomes.map((o) => o.seconds)), epochs: median(r.outcomes.map((o) => o.epochs)) }));
  const base = med.find((r) => r.label === "random+asha")!;
  console.log("");
  console.log(`${"strategy".padEnd(32)}  reached  median s  median epochs  s ÷ random+asha`);
  for (const r of med) {
    const reachedCount = r.outcomes.filter((o) => o.reached).length;
    console.log(
      `${r.label.padEnd(32)}  ${`${reachedCount}/${r.outcomes.length}`.padStart(7)}  ${r.seconds.toFixed(1).padStart(8)}  ${String(r.epochs).padStart(13)}  ${(r.seconds / base.seconds).toFixed(2).padStart(15)}`,
    );
  }
}

void main();
