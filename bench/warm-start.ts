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
 * Separately, for every schedule branch, whether its best val_loss at the
 * epoch it reached beats the best constant configuration (a trial trained
 * from scratch with one set of params) at the same epoch, among the trials
 * of the same run; and per seed, whether the run's best schedule branch
 * beats every constant configuration up to its last epoch (a run with no
 * branch fails). `--target none` trains every run to the cap, for that test;
 * `--optimizer sgd` (or adam) narrows the space to one optimizer; `--model
 * linear` trains multinomial logistic regression (the MLP with depth 0) with
 * SGD over lr, momentum, batch size and weight decay only. `--dataset
 * synthetic-noisy` is the bench-only synthetic task of synthetic-noisy.ts
 * (`--synthetic key=value,...` changes its design, as in lr-decay-probe.ts).
 *
 * Run with `nice -n 10 npx tsx --conditions=react-server bench/warm-start.ts [--dataset digits] [--seeds 5] [--first-seed 1] [--target 0.08] [--cap 200] [--max-epochs 30] [--optimizer sgd|adam] [--model mlp|linear] [--variants cold,warm,decay:0.1:latest:last,...]`.
 * Prints figures, never fails on them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createMlpObjective } from "../lib/objectives/mlp/objective";
import { trainJob } from "../lib/objectives/mlp/trainer";
import { mixSeed } from "../lib/optimizer/rng";
import { createStrategy, type SchedulerSettings } from "../lib/optimizer/registry";
import type { Params, Space } from "../lib/optimizer/space";
import type { TrialState } from "../lib/optimizer/types";
import { BENCH_DATASET_IDS, loadBenchDataset, syntheticDesign } from "./bench-dataset";

// Strict: a misspelt option is an error, not a silently ignored word.
const { values: options } = parseArgs({
  options: {
    dataset: { type: "string", default: "digits" },
    seeds: { type: "string", default: "5" },
    "first-seed": { type: "string", default: "1" },
    target: { type: "string", default: "0.08" },
    cap: { type: "string", default: "200" },
    "max-epochs": { type: "string", default: "30" },
    variants: { type: "string", default: "warm,cold,asha,pbt" },
    optimizer: { type: "string" },
    model: { type: "string", default: "mlp" },
    synthetic: { type: "string" },
  },
});
const DATASET = options.dataset;
if (!BENCH_DATASET_IDS.includes(DATASET)) throw new Error(`--dataset must be one of ${BENCH_DATASET_IDS.join(", ")}, got ${DATASET}`);
/** Loaded once: the synthetic dataset is generated, not read. */
const DATA = loadBenchDataset(DATASET, syntheticDesign(options.synthetic));
const SEEDS = Number(options.seeds);
const FIRST_SEED = Number(options["first-seed"]);
/** `none`: no target, every run trains to the cap. */
const TARGET = options.target === "none" ? -Infinity : Number(options.target);
/** Epochs a run may train before it counts as not reaching the target. */
const CAP = Number(options.cap);
const MAX_EPOCHS = Number(options["max-epochs"]);

/** The MLP space narrowed to widths and batch sizes that train in tens of milliseconds per epoch. */
const FULL_SPACE: Space = [
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

const OPTIMIZER = options.optimizer;
if (OPTIMIZER !== undefined && OPTIMIZER !== "sgd" && OPTIMIZER !== "adam") throw new Error(`--optimizer must be sgd or adam, got ${OPTIMIZER}`);
const MODEL = options.model;
if (MODEL !== "mlp" && MODEL !== "linear") throw new Error(`--model must be mlp or linear, got ${MODEL}`);
if (MODEL === "linear" && OPTIMIZER === "adam") throw new Error("--model linear trains with SGD only (its space has momentum, not Adam's settings)");

/**
 * `--model linear`: multinomial logistic regression, the MLP with no hidden
 * layer (depth 0), trained with SGD. Width, activation and dropout act only
 * on hidden layers, so they are fixed (FIXED) and the space holds only what
 * matters: the learning rate, momentum, batch size and weight decay, on the
 * MLP space's ranges.
 */
const LINEAR_SPACE: Space = FULL_SPACE.filter((p) => ["lr", "momentum", "batch_size", "weight_decay"].includes(p.name));
/** Params the trainer gets beside the trial's own (none for the MLP). */
const FIXED: Params = MODEL === "linear" ? { depth: 0, width: 1, activation: "relu", dropout: 0, optimizer: "sgd" } : {};
const SPACE: Space =
  MODEL === "linear" ? LINEAR_SPACE : FULL_SPACE.map((p) => (p.name === "optimizer" && OPTIMIZER ? { type: "categorical", name: "optimizer", choices: [OPTIMIZER] } : p));

type Variant = { key: string; label: string; name: string; settings: Omit<SchedulerSettings, "seed">; keeps?: string[] };

/** Params a PBT-style exploit keeps: everything but the regularisation and the optimizer's rates. */
const EXPLOIT_KEEPS = ["width", "depth", "activation", "optimizer", "batch_size"];

const ALL_VARIANTS: Variant[] = [
  { key: "warm", label: "sieve (warm start + schedules)", name: "sieve", settings: { patience: 5, warmStart: true, schedules: true } },
  { key: "cold", label: "sieve (cold)", name: "sieve", settings: { patience: 5, warmStart: false, schedules: false } },
  { key: "warm-only", label: "sieve (warm start only)", name: "sieve", settings: { patience: 5, warmStart: true, schedules: false } },
  { key: "sched-only", label: "sieve (schedules only)", name: "sieve", settings: { patience: 5, warmStart: false, schedules: true } },
  {
    key: "exploit",
    label: "sieve (exploit warm + lr×0.1)",
    name: "sieve",
    settings: { patience: 5, warmStart: true, schedules: true, scheduleDecay: { param: "lr", factor: 0.1 } },
    keeps: EXPLOIT_KEEPS,
  },
  { key: "asha", label: "random+asha", name: "random+asha", settings: { patience: 5 } },
  { key: "pbt", label: "random+pbt", name: "random+pbt", settings: { patience: 5 } },
];
/** `decay:<factor>[:latest][:last][:alongside]`: schedules only, each branch the leader with lr × factor, from its latest checkpoint, at the last rung only, beside the leader's own continuation. */
function decayVariant(key: string): Variant | undefined {
  const [head, factor, ...flags] = key.split(":");
  if (head !== "decay" || !(Number(factor) > 0) || flags.some((f) => !["latest", "last", "alongside"].includes(f))) return undefined;
  const from = flags.includes("latest") ? "latest" : "best";
  const lastRung = flags.includes("last");
  const alongside = flags.includes("alongside");
  return {
    key,
    label: `sieve (lr×${factor} from ${from}${lastRung ? ", last rung" : ""}${alongside ? ", alongside" : ""})`,
    name: "sieve",
    settings: { patience: 5, warmStart: false, schedules: true, scheduleDecay: { param: "lr", factor: Number(factor), from, lastRung, alongside } },
  };
}
const VARIANTS = options.variants.split(",").map((key) => {
  const v = ALL_VARIANTS.find((x) => x.key === key) ?? decayVariant(key);
  if (!v) throw new Error(`unknown variant ${key}; known: ${ALL_VARIANTS.map((x) => x.key).join(", ")}`);
  return v;
});

/** A schedule branch's best loss at the furthest epoch it trained, against the best constant trial's at that epoch. */
type ScheduleCheck = { epoch: number; branch: number; constant: number };

/** The run's best schedule branch (lowest best val_loss up to its last epoch E) against every constant trial's best up to E; null when no branch trained. */
type SeedCheck = { epoch: number; fromEpoch: number; branch: number; constant: number; constants: number } | null;

/** A schedule branch against its own parent's constant continuation up to the branch's last epoch, where the parent trained that far (an `alongside` decay). */
type ParentCheck = { branch: number; parent: number };

type Outcome = { seconds: number; epochs: number; reached: boolean; best: number; trials: number; branches: number; warm: number; checks: ScheduleCheck[]; seed: SeedCheck; parents: ParentCheck[] };

/** A trial's best loss over epochs 1..e (a diverged epoch counts as Infinity). */
function bestUpTo(t: TrialState, e: number): number {
  return Math.min(...t.losses.slice(0, e).map((x) => (Number.isFinite(x) ? x : Infinity)));
}

/** For every schedule branch, its best loss up to its last epoch against the best of the constant trials that reached that epoch. */
function scheduleChecks(trials: readonly TrialState[]): ScheduleCheck[] {
  const constant = trials.filter((t) => t.parent === undefined);
  return trials
    .filter((t) => t.origin === "schedule" && t.losses.length > (t.startEpoch ?? 0))
    .map((t) => {
      const epoch = t.losses.length;
      const rivals = constant.filter((c) => c.losses.length >= epoch).map((c) => bestUpTo(c, epoch));
      return { epoch, branch: bestUpTo(t, epoch), constant: rivals.length ? Math.min(...rivals) : Infinity };
    });
}

/** Every schedule branch whose parent trained at least as far, with both best losses up to the branch's last epoch. */
function parentChecks(trials: readonly TrialState[]): ParentCheck[] {
  return trials
    .filter((t) => t.origin === "schedule" && t.parent !== undefined && t.losses.length > (t.startEpoch ?? 0) && trials[t.parent].losses.length >= t.losses.length)
    .map((t) => ({ branch: bestUpTo(t, t.losses.length), parent: bestUpTo(trials[t.parent!], t.losses.length) }));
}

/** The per-seed test: the best schedule branch at its last epoch E against the best loss up to E of every trial trained from scratch with one configuration. */
function seedCheck(trials: readonly TrialState[]): SeedCheck {
  const branches = trials
    .filter((t) => t.origin === "schedule" && t.losses.length > (t.startEpoch ?? 0))
    .map((t) => ({ t, epoch: t.losses.length, loss: bestUpTo(t, t.losses.length) }))
    .sort((a, b) => a.loss - b.loss || a.t.number - b.t.number);
  if (branches.length === 0) return null;
  const { t, epoch, loss } = branches[0];
  const constants = trials.filter((c) => c.parent === undefined && c.losses.length > 0);
  return { epoch, fromEpoch: t.startEpoch ?? 0, branch: loss, constant: Math.min(...constants.map((c) => bestUpTo(c, epoch))), constants: constants.length };
}

async function runOnce(variant: Variant, seed: number): Promise<Outcome> {
  // The branch settings are the MLP objective's, the same for every dataset (digits stands in for the synthetic one).
  const info = createMlpObjective("digits").info;
  const strategy = createStrategy({
    name: variant.name,
    space: SPACE,
    direction: "minimize",
    maxEpochs: MAX_EPOCHS,
    seed,
    settings: variant.settings,
    allowBranch: info.warmStart,
    branchKeeps: variant.keeps ?? info.warmStartKeeps,
  });
  const dataset = DATA;
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
        params: { ...FIXED, ...state.params },
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
  return {
    seconds,
    epochs,
    reached,
    best,
    trials: strategy.trials.length,
    branches: strategy.trials.filter((t) => t.origin === "schedule").length,
    warm: strategy.trials.filter((t) => t.origin === "warm").length,
    checks: scheduleChecks(strategy.trials),
    seed: seedCheck(strategy.trials),
    parents: parentChecks(strategy.trials),
  };
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  console.log(`${DATASET} ${MODEL === "linear" ? "linear model (logistic regression, SGD)" : "MLP"}: training time until val_loss ≤ ${TARGET} (cap ${CAP} epochs per run, max ${MAX_EPOCHS} epochs a trial), ${SEEDS} seeds, one job at a time, in-process`);
  const rows: { label: string; outcomes: Outcome[] }[] = [];
  for (const variant of VARIANTS) {
    const outcomes: Outcome[] = [];
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const o = await runOnce(variant, seed);
      outcomes.push(o);
      console.log(
        `  ${variant.label.padEnd(32)} seed ${seed}: ${o.reached ? "reached" : "NOT reached"} after ${o.epochs} epochs, ${o.seconds.toFixed(1)} s; best ${o.best.toFixed(4)}; ${o.trials} trials, ${o.warm} warm starts, ${o.branches} schedule branches (${o.checks.filter((c) => c.branch < c.constant).length} beat the best constant)`,
      );
      const c = o.seed;
      console.log(
        c
          ? `    seed ${seed}: best branch ${c.branch.toFixed(4)} (epochs ${c.fromEpoch + 1}–${c.epoch}) vs best of ${c.constants} constants up to epoch ${c.epoch} ${c.constant.toFixed(4)}: ${c.branch < c.constant ? "BEATS" : "does not beat"}`
          : `    seed ${seed}: no schedule branch: fails`,
      );
    }
    rows.push({ label: variant.label, outcomes });
  }
  // A run that never reaches the target counts at the cap's time, so its median is a lower bound.
  const med = rows.map((r) => ({ ...r, seconds: median(r.outcomes.map((o) => o.seconds)), epochs: median(r.outcomes.map((o) => o.epochs)) }));
  const base = med.find((r) => r.label === "sieve (cold)") ?? med[0];
  console.log("");
  // Paired by seed against the baseline: each seed's epochs ratio, summarised by its geometric mean, and the seeds that needed fewer epochs.
  const paired = (r: (typeof rows)[number]) => {
    const ratios = r.outcomes.map((o, i) => o.epochs / base.outcomes[i].epochs);
    return { geo: Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length), fewer: ratios.filter((x) => x < 1).length };
  };
  console.log(`${"strategy".padEnd(32)}  mean epochs  geo-mean epochs ratio, paired by seed  seeds with fewer epochs than ${base.label}`);
  for (const r of rows) {
    const p = paired(r);
    console.log(`${r.label.padEnd(32)}  ${(r.outcomes.reduce((s, o) => s + o.epochs, 0) / r.outcomes.length).toFixed(0).padStart(11)}  ${p.geo.toFixed(2).padStart(38)}  ${p.fewer}/${r.outcomes.length}`);
  }
  console.log("");
  console.log(`${"strategy".padEnd(32)}  reached  median s  median epochs  epochs ÷ ${base.label}  s ÷ ${base.label}  schedule branches beating the best constant`);
  for (const r of med) {
    const reachedCount = r.outcomes.filter((o) => o.reached).length;
    const checks = r.outcomes.flatMap((o) => o.checks);
    const wins = checks.filter((c) => c.branch < c.constant).length;
    console.log(
      `${r.label.padEnd(32)}  ${`${reachedCount}/${r.outcomes.length}`.padStart(7)}  ${r.seconds.toFixed(1).padStart(8)}  ${String(r.epochs).padStart(13)}  ${(r.epochs / base.epochs).toFixed(2).padStart(9 + base.label.length)}  ${(r.seconds / base.seconds).toFixed(2).padStart(4 + base.label.length)}  ${checks.length ? `${wins}/${checks.length}` : "-"}`,
    );
  }
  console.log("");
  console.log(`${"strategy".padEnd(32)}  seeds whose best schedule branch beats every constant up to its last epoch (no branch fails)`);
  for (const r of rows) console.log(`${r.label.padEnd(32)}  ${r.outcomes.filter((o) => o.seed !== null && o.seed.branch < o.seed.constant).length}/${r.outcomes.length} (${r.outcomes.filter((o) => o.seed === null).length} with no branch)`);
  console.log("");
  console.log(`${"strategy".padEnd(32)}  schedule branches below / tied with / above their own parent's constant continuation at the same epochs`);
  for (const r of rows) {
    const ps = r.outcomes.flatMap((o) => o.parents);
    if (ps.length) console.log(`${r.label.padEnd(32)}  ${ps.filter((p) => p.branch < p.parent).length} / ${ps.filter((p) => p.branch === p.parent).length} / ${ps.filter((p) => p.branch > p.parent).length}`);
  }
}

void main();
