/**
 * Classification datasets for the built-in MLP objective: CSV parsing, a fixed
 * stratified train/validation split, and standardization by the training split.
 */
import fs from "node:fs";
import path from "node:path";
import { deriveRng, labelId } from "../../optimizer/rng";

/** The datasets shipped in lib/objectives/datasets. */
export type DatasetId = "digits" | "breast-cancer" | "wine";

/** Every shipped dataset id, in display order. */
export const DATASET_IDS: readonly DatasetId[] = ["digits", "breast-cancer", "wine"];

/** Samples as a dense row-major matrix with one integer class per row. */
export type Table = {
  /** Row-major, `rows × features`. */
  x: Float32Array;
  /** Class index in [0, classes) per row. */
  y: Int32Array;
  rows: number;
  features: number;
  classes: number;
  featureNames: string[];
};

/** One split of a dataset, standardized with the training split's statistics. */
export type Split = { x: Float32Array; y: Int32Array; rows: number };

/** A dataset ready to train on: standardized training and validation splits. */
export type Dataset = {
  id: string;
  features: number;
  classes: number;
  train: Split;
  validation: Split;
};

/** Parses CSV text (header row, numeric features, integer class label in the last column). */
export function parseCsv(text: string): Table {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length < 2) throw new Error("dataset CSV needs a header row and at least one sample");
  const header = lines[0].split(",").map((h) => h.trim());
  const features = header.length - 1;
  if (features < 1) throw new Error("dataset CSV needs at least one feature column before the label");
  const rows = lines.length - 1;
  const x = new Float32Array(rows * features);
  const y = new Int32Array(rows);
  let classes = 0;
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(",");
    if (cells.length !== header.length) {
      throw new Error(`dataset CSV line ${r + 2} has ${cells.length} cells, expected ${header.length}`);
    }
    for (let f = 0; f < features; f++) {
      const v = Number(cells[f]);
      if (cells[f].trim() === "" || !Number.isFinite(v)) {
        throw new Error(`dataset CSV line ${r + 2}, column ${header[f]}: '${cells[f]}' is not a finite number`);
      }
      x[r * features + f] = v;
    }
    const label = Number(cells[features]);
    if (!Number.isInteger(label) || label < 0) {
      throw new Error(`dataset CSV line ${r + 2}: label '${cells[features]}' must be a non-negative integer`);
    }
    y[r] = label;
    classes = Math.max(classes, label + 1);
  }
  return { x, y, rows, features, classes, featureNames: header.slice(0, features) };
}

/**
 * Row indices of a stratified split: within each class, a seeded shuffle puts
 * round(share × class size) rows into validation, so class proportions match.
 */
export function stratifiedSplit(y: Int32Array, classes: number, validationShare: number, seed: number): { train: number[]; validation: number[] } {
  if (!(validationShare > 0 && validationShare < 1)) throw new RangeError(`validationShare must be in (0, 1), got ${validationShare}`);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]].push(i);
  const train: number[] = [];
  const validation: number[] = [];
  for (let c = 0; c < classes; c++) {
    const rows = byClass[c];
    // One stream per class keeps a class's split independent of the others' sizes.
    const rng = deriveRng(seed, "split", c);
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    const nVal = Math.round(rows.length * validationShare);
    validation.push(...rows.slice(0, nVal));
    train.push(...rows.slice(nVal));
  }
  // Sorted so that the split's row order does not depend on class order.
  train.sort((a, b) => a - b);
  validation.sort((a, b) => a - b);
  return { train, validation };
}

function gather(table: Table, rows: number[]): Split {
  const f = table.features;
  const x = new Float32Array(rows.length * f);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(table.x.subarray(r * f, (r + 1) * f), i * f);
    y[i] = table.y[r];
  });
  return { x, y, rows: rows.length };
}

/** Standardizes features in place with the training split's mean and std (std 0 counts as 1). */
export function standardize(train: Split, others: Split[], features: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(features);
  const std = new Float64Array(features);
  for (let r = 0; r < train.rows; r++) for (let f = 0; f < features; f++) mean[f] += train.x[r * features + f];
  for (let f = 0; f < features; f++) mean[f] /= Math.max(1, train.rows);
  for (let r = 0; r < train.rows; r++) {
    for (let f = 0; f < features; f++) std[f] += (train.x[r * features + f] - mean[f]) ** 2;
  }
  for (let f = 0; f < features; f++) {
    const s = Math.sqrt(std[f] / Math.max(1, train.rows));
    // Constant pixels (digits' corners) would otherwise divide by zero.
    std[f] = s > 1e-12 ? s : 1;
  }
  for (const split of [train, ...others]) {
    for (let r = 0; r < split.rows; r++) {
      for (let f = 0; f < features; f++) split.x[r * features + f] = (split.x[r * features + f] - mean[f]) / std[f];
    }
  }
  return { mean, std };
}

/** Default share of each class held out for validation. */
export const VALIDATION_SHARE = 0.3;

/** The split seed of a dataset: fixed by its id, so every trial and every worker sees the same split. */
export function splitSeed(id: string): number {
  return labelId(`dataset:${id}`);
}

/** Splits and standardizes a parsed table. */
export function prepareDataset(id: string, table: Table, validationShare = VALIDATION_SHARE): Dataset {
  const { train, validation } = stratifiedSplit(table.y, table.classes, validationShare, splitSeed(id));
  const trainSplit = gather(table, train);
  const validationSplit = gather(table, validation);
  standardize(trainSplit, [validationSplit], table.features);
  return { id, features: table.features, classes: table.classes, train: trainSplit, validation: validationSplit };
}

/** The folder of the shipped CSV files; the app runs from the repository root, as registry.ts assumes. */
export const DATASETS_DIR = path.join(process.cwd(), "lib", "objectives", "datasets");

const cacheKey = Symbol.for("hypersieve.mlp-datasets");
const cache = globalThis as unknown as { [cacheKey]?: Map<string, Dataset> };

/** Reads, splits and standardizes a shipped dataset once per process (or worker). */
export function loadDataset(id: DatasetId): Dataset {
  const datasets = (cache[cacheKey] ??= new Map());
  let dataset = datasets.get(id);
  if (!dataset) {
    if (!DATASET_IDS.includes(id)) throw new Error(`unknown dataset '${id}', expected one of ${DATASET_IDS.join(", ")}`);
    dataset = prepareDataset(id, parseCsv(fs.readFileSync(path.join(DATASETS_DIR, `${id}.csv`), "utf8")));
    datasets.set(id, dataset);
  }
  return dataset;
}
