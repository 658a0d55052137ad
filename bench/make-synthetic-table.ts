/**
 * Synthetic learning-curve tables for stress tests of the method: a grid of
 * MLP-like hyperparameters whose curves follow a parametric model with
 * per-configuration and per-epoch noise, in shapes that real tables rarely
 * isolate. `fast-lr`, `fast-batch` and `fast-size` each have one parameter
 * that learns fast early and ends worse (short-horizon bias, Wu et al. 2018,
 * arXiv:1803.02021); `benign` has early ranks that predict the end; `null`
 * has no parameter that matters.
 *
 *   npx tsx bench/make-synthetic-table.ts --shape fast-lr|fast-batch|fast-size|benign|null --out FILE [--seed N] [--epochs N]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseLcTable } from "../lib/objectives/lc-table";
import { deriveRng } from "../lib/optimizer/rng";

const SHAPES = ["fast-lr", "fast-batch", "fast-size", "benign", "null"] as const;
type Shape = (typeof SHAPES)[number];

const SPACE = [
  { name: "lr", type: "float", log: true, values: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1] },
  { name: "batch_size", type: "int", log: true, values: [16, 32, 64, 128, 256] },
  { name: "width", type: "int", log: true, values: [16, 64, 256] },
  { name: "depth", type: "int", log: false, values: [1, 2, 3] },
  { name: "weight_decay", type: "float", log: true, values: [1e-5, 1e-4, 1e-3, 1e-2] },
  { name: "dropout", type: "float", log: false, values: [0, 0.2, 0.4] },
] as const;

/** Position of value index i among n values, in [0, 1]. */
const unit = (i: number, n: number) => (n > 1 ? i / (n - 1) : 0.5);

/**
 * The curve model: loss(e) = floor + gap·(1 + e/τ)^−2.5, then a slow rise
 * after the knee for weakly regularised configurations (overfitting). `floor`
 * is where a configuration ends, `τ` how fast it gets there: a fast-but-worse
 * parameter lowers both τ and the quality of the floor.
 */
function curveFor(shape: Shape, u: Record<string, number>, rowEffect: number, noise: () => number, epochs: number): number[] {
  const { lr, batch_size: batch, width, depth, weight_decay: wd, dropout } = u;
  // Effects every shape but null shares: an interior optimum in weight decay, a mild one in dropout, capacity helps a little.
  let floor = 0.08 + 0.25 * (wd - 0.45) ** 2 + 0.06 * (dropout - 0.5) ** 2 - 0.03 * width - 0.01 * depth;
  let tau = 0.5 + 4 * (1 - lr) ** 2 + batch;
  switch (shape) {
    case "fast-lr":
      // High lr reaches its floor in a couple of epochs, and that floor is high; the best lr is low and slow.
      floor += 0.6 * (lr - 0.25) ** 2 + (lr > 0.6 ? 0.25 * (lr - 0.6) : 0);
      tau = 0.2 + 8 * (1 - lr) ** 3 + 0.5 * batch;
      break;
    case "fast-batch":
      // Large batches learn fast early here and end worse (sharp minima); small batches are slow and best.
      floor += 0.3 * batch ** 2 + 0.2 * (lr - 0.55) ** 2;
      tau = 0.3 + 7 * (1 - batch) ** 2 + 1.5 * (1 - lr) ** 2;
      break;
    case "fast-size":
      // Small networks fit fast and plateau high; the widest, deepest ones are slow and best.
      floor += 0.3 * (1 - width) + 0.15 * (1 - depth) + 0.2 * (lr - 0.55) ** 2;
      tau = 0.3 + 4 * width * (0.5 + depth) + 1.5 * (1 - lr) ** 2;
      break;
    case "benign":
      floor += 0.3 * (lr - 0.55) ** 2 + 0.04 * batch;
      break;
    case "null":
      floor = 0.2;
      tau = 2;
      break;
  }
  floor += rowEffect;
  const gap = 2.3 - floor;
  const knee = 3 * tau;
  const overfit = shape === "null" ? 0 : 0.004 * (1 - wd) * (1 - dropout);
  const out: number[] = [];
  for (let e = 1; e <= epochs; e++) {
    const clean = floor + gap * (1 + e / tau) ** -2.5 + overfit * Math.max(0, e - knee);
    out.push(Number(Math.max(1e-4, clean * (1 + noise())).toPrecision(5)));
  }
  return out;
}

function main(): void {
  const { values } = parseArgs({
    options: { shape: { type: "string" }, out: { type: "string" }, seed: { type: "string", default: "0" }, epochs: { type: "string", default: "30" } },
  });
  const shape = values.shape as Shape;
  if (!SHAPES.includes(shape)) throw new Error(`--shape must be one of ${SHAPES.join(", ")}, got '${values.shape}'`);
  if (!values.out) throw new Error("--out is required");
  const seed = Number(values.seed);
  const epochs = Number(values.epochs);
  if (!Number.isInteger(seed) || !Number.isInteger(epochs) || epochs < 2) throw new Error("--seed must be an integer and --epochs an integer ≥ 2");
  const rows: { params: Record<string, number>; curves: { val_loss: number[] }; epoch_seconds: number }[] = [];
  const sizes = SPACE.map((p) => p.values.length);
  const total = sizes.reduce((a, b) => a * b, 1);
  for (let index = 0; index < total; index++) {
    let rest = index;
    const params: Record<string, number> = {};
    const u: Record<string, number> = {};
    for (let j = SPACE.length - 1; j >= 0; j--) {
      const i = rest % sizes[j];
      rest = Math.floor(rest / sizes[j]);
      params[SPACE[j].name] = SPACE[j].values[i];
      u[SPACE[j].name] = unit(i, sizes[j]);
    }
    const rng = deriveRng(seed, `row:${shape}`, index);
    // A configuration's own luck (its initialisation and data order), and the epoch-to-epoch jitter of a validation loss.
    const rowEffect = 0.015 * rng.normal() + (shape === "null" ? 0.03 * rng.normal() : 0);
    const curve = curveFor(shape, u, rowEffect, () => 0.03 * rng.normal(), epochs);
    rows.push({ params, curves: { val_loss: curve }, epoch_seconds: 0.01 });
  }
  const table = {
    format: "lc-table/1",
    name: `synthetic-${shape}`,
    description: `Synthetic table, shape '${shape}', seed ${seed}, made by bench/make-synthetic-table.ts: parametric curves loss(e) = floor + gap·(1 + e/τ)^−2.5 with a slow overfitting rise, a per-configuration effect and 3% per-epoch noise. Not real training: a stress test of the method.`,
    metric: "val_loss",
    direction: "minimize",
    max_epochs: epochs,
    space: SPACE,
    rows,
  };
  parseLcTable(table);
  writeFileSync(values.out, JSON.stringify(table) + "\n");
  process.stderr.write(`wrote ${values.out}: ${rows.length} rows × ${epochs} epochs\n`);
}

main();
