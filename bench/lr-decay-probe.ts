/**
 * Does any step decay of the learning rate beat every constant learning rate
 * at the same epochs, outside the race? For the built-in model (the MLP, or
 * `--model linear`: depth 0, logistic regression) with SGD and the other
 * settings fixed, trains each learning rate of a log grid for `--epochs`
 * epochs, and from each one's checkpoint at `--switch` a branch with
 * lr × factor to the same end. Per training seed, prints the best val_loss up
 * to the end of the best constant lr and of the best decayed schedule, and
 * how many of the grid's lrs a decay improved on (its own constant
 * continuation against the branch). An oracle over the grid: it says whether
 * a schedule that beats every constant exists, not whether a search finds it.
 *
 * Run with `nice -n 15 npx tsx --conditions=react-server bench/lr-decay-probe.ts [--dataset digits] [--model linear] [--epochs 60] [--switch 20] [--factors 0.1,0.3] [--seeds 3] [--momentum 0.9] [--batch-size 32] [--weight-decay 1e-4]`.
 * Prints figures, never fails on them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadBenchDataset, syntheticDesign } from "./bench-dataset";
import type { SyntheticDataset } from "./synthetic-noisy";
import { trainJob } from "../lib/objectives/mlp/trainer";
import type { Params } from "../lib/optimizer/space";

const { values: options } = parseArgs({
  options: {
    dataset: { type: "string", default: "digits" },
    model: { type: "string", default: "linear" },
    epochs: { type: "string", default: "60" },
    switch: { type: "string", default: "20" },
    factors: { type: "string", default: "0.1,0.3" },
    seeds: { type: "string", default: "3" },
    momentum: { type: "string", default: "0.9" },
    "batch-size": { type: "string", default: "32" },
    "weight-decay": { type: "string", default: "1e-4" },
    "lr-low": { type: "string", default: "1e-3" },
    "lr-high": { type: "string", default: "0.3" },
    "lr-points": { type: "string", default: "11" },
    synthetic: { type: "string" },
  },
});
const DATASET = options.dataset;
const DATA = loadBenchDataset(DATASET, syntheticDesign(options.synthetic));
if (options.model !== "linear" && options.model !== "mlp") throw new Error(`--model must be mlp or linear, got ${options.model}`);
const EPOCHS = Number(options.epochs);
const SWITCH = Number(options.switch);
if (!(Number.isInteger(SWITCH) && SWITCH >= 1 && SWITCH < EPOCHS)) throw new Error(`--switch must be an integer in [1, epochs), got ${options.switch}`);
const FACTORS = options.factors.split(",").map(Number);
const POINTS = Number(options["lr-points"]);
const LOW = Number(options["lr-low"]);
const HIGH = Number(options["lr-high"]);
const LRS = Array.from({ length: POINTS }, (_, i) => LOW * (HIGH / LOW) ** (i / (POINTS - 1)));
const BASE: Params = {
  optimizer: "sgd",
  momentum: Number(options.momentum),
  batch_size: Number(options["batch-size"]),
  weight_decay: Number(options["weight-decay"]),
  ...(options.model === "linear" ? { depth: 0, width: 1, activation: "relu", dropout: 0 } : { depth: 1, width: 32, activation: "relu", dropout: 0 }),
};

const best = (curve: number[]) => Math.min(...curve.map((x) => (Number.isFinite(x) ? x : Infinity)));

async function train(dir: string, params: Params, seed: number, fromEpoch: number, toEpoch: number, warmFrom?: string): Promise<number[]> {
  const curve: number[] = [];
  await trainJob({
    dataset: DATA,
    params,
    seed,
    fromEpoch,
    toEpoch,
    checkpointDir: dir,
    ...(warmFrom ? { warmStart: { checkpointDir: warmFrom, epoch: fromEpoch, shrinkPerturb: false } } : {}),
    onEpoch: (_, m) => {
      curve.push(m.val_loss);
      return true;
    },
  });
  return curve;
}

async function main(): Promise<void> {
  const synthetic = DATA as Partial<SyntheticDataset>;
  if (synthetic.design) console.log(`synthetic design ${JSON.stringify(synthetic.design)}; teacher's cross-entropy ${synthetic.bayesLoss!.toFixed(4)}`);
  console.log(
    `${DATASET} ${options.model}, SGD momentum ${BASE.momentum}, batch ${BASE.batch_size}, weight decay ${BASE.weight_decay}; lr grid ${LRS.map((x) => x.toPrecision(2)).join(", ")}; ${EPOCHS} epochs, decay at epoch ${SWITCH} by ${FACTORS.join(" or ")}`,
  );
  for (let seed = 1; seed <= Number(options.seeds); seed++) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hs-decay-probe-"));
    try {
      const constant: { lr: number; loss: number; bestEpoch: number }[] = [];
      const decayed: { lr: number; factor: number; loss: number; own: number }[] = [];
      for (const [i, lr] of LRS.entries()) {
        const dir = path.join(root, `c${i}`);
        const head = await train(dir, { ...BASE, lr }, seed, 0, SWITCH);
        const branches: number[][] = [];
        for (const [j, factor] of FACTORS.entries()) {
          branches.push(await train(path.join(root, `d${i}-${j}`), { ...BASE, lr: lr * factor }, seed, SWITCH, EPOCHS, dir));
        }
        const tail = await train(dir, { ...BASE, lr }, seed, SWITCH, EPOCHS);
        const full = [...head, ...tail];
        const loss = best(full);
        constant.push({ lr, loss, bestEpoch: full.indexOf(loss) + 1 });
        for (const [j, factor] of FACTORS.entries()) decayed.push({ lr, factor, loss: best([...head, ...branches[j]]), own: loss });
      }
      const c = constant.reduce((a, b) => (b.loss < a.loss ? b : a));
      const d = decayed.reduce((a, b) => (b.loss < a.loss ? b : a));
      console.log(
        `  seed ${seed}: best constant lr ${c.lr.toPrecision(2)}: ${c.loss.toFixed(4)} (best epoch ${c.bestEpoch}); best decayed lr ${d.lr.toPrecision(2)} × ${d.factor}: ${d.loss.toFixed(4)}: ${d.loss < c.loss ? "BEATS" : "does not beat"}`,
      );
      console.log(`    constants' best epoch by lr: ${constant.map((x) => `${x.lr.toPrecision(2)}→${x.loss.toFixed(4)}@${x.bestEpoch}`).join("  ")}`);
      for (const factor of FACTORS) {
        const mine = decayed.filter((x) => x.factor === factor);
        console.log(`    × ${factor}: below its own constant continuation for ${mine.filter((x) => x.loss < x.own).length} of ${mine.length} lrs, tied ${mine.filter((x) => x.loss === x.own).length}`);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
}

void main();
