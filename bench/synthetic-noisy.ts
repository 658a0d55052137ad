/**
 * A bench-only synthetic classification task in the regime where SGD's noise,
 * not overfitting, limits the validation loss: many rows (nothing to overfit
 * for a linear model), labels *sampled* from a linear teacher's softmax (the
 * Bayes error is well above 0, so per-sample gradients stay noisy at the
 * optimum), and correlated features with an ill-conditioned covariance (a
 * geometric spectrum, randomly rotated), so a small learning rate underfits the
 * low-variance directions within the budget while a large one sits on a noise
 * floor. Generated from a fixed seed; not one of the app's datasets.
 */
import { prepareDataset, type Dataset, type Table } from "../lib/objectives/mlp/dataset";
import { deriveRng, type Rng } from "../lib/optimizer/rng";

/** The generator's design; `SYNTHETIC_NOISY` is the one the benches use. */
export type SyntheticDesign = {
  trainRows: number;
  validationRows: number;
  features: number;
  classes: number;
  /** Ratio of the largest to the smallest variance of the latent directions. */
  condition: number;
  /** Standard deviation of each teacher logit (before sampling); smaller means noisier labels. */
  logitScale: number;
  seed: number;
};

/** The design behind `--dataset synthetic-noisy`. */
export const SYNTHETIC_NOISY: SyntheticDesign = {
  trainRows: 20000,
  validationRows: 5000,
  features: 20,
  classes: 3,
  condition: 1e4,
  logitScale: 2,
  seed: 13,
};

/** A random orthogonal matrix (Gram–Schmidt on Gaussian columns), row-major d × d. */
function rotation(d: number, rng: Rng): Float64Array {
  const q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[i] * q[i * d + k];
      for (let i = 0; i < d; i++) v[i] -= dot * q[i * d + k];
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    for (let i = 0; i < d; i++) q[i * d + j] = v[i] / norm;
  }
  return q;
}

/**
 * The rows of a design: latent z with variances geometric from 1 down to
 * 1/condition, features x = Q z, and a teacher whose weight on latent
 * direction i is N(0, 1)/σ_i, so every direction carries the same share of
 * the signal (the low-variance ones, which SGD learns slowest, matter as much
 * as the rest). The label is drawn from softmax(teacher logits).
 */
export function syntheticTable(design: SyntheticDesign): { table: Table; bayesLoss: number } {
  const { features: d, classes: k } = design;
  const rows = design.trainRows + design.validationRows;
  const sigma = Array.from({ length: d }, (_, i) => design.condition ** (-i / (2 * (d - 1))));
  const q = rotation(d, deriveRng(design.seed, "synthetic-rotation"));
  const teacherRng = deriveRng(design.seed, "synthetic-teacher");
  // Scaled so each logit's standard deviation is logitScale.
  const teacher = Array.from({ length: k }, () => sigma.map((s) => (teacherRng.normal() / s) * (design.logitScale / Math.sqrt(d))));
  const rng = deriveRng(design.seed, "synthetic-rows");
  const x = new Float32Array(rows * d);
  const y = new Int32Array(rows);
  const z = new Float64Array(d);
  const logits = new Float64Array(k);
  let bayes = 0;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < d; i++) z[i] = sigma[i] * rng.normal();
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += q[i * d + j] * z[j];
      x[r * d + i] = v;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += teacher[c][j] * z[j];
      logits[c] = v;
      max = Math.max(max, v);
    }
    let total = 0;
    for (let c = 0; c < k; c++) total += (logits[c] = Math.exp(logits[c] - max));
    let u = rng.next() * total;
    let label = 0;
    for (u -= logits[0]; u >= 0 && label < k - 1; u -= logits[label]) label++;
    y[r] = label;
    bayes -= Math.log(logits[label] / total);
  }
  const table = { x, y, rows, features: d, classes: k, featureNames: Array.from({ length: d }, (_, i) => `x${i}`) };
  return { table, bayesLoss: bayes / rows };
}

/** A synthetic dataset with its design and the teacher's own cross-entropy on its rows (the loss no model can beat on average). */
export type SyntheticDataset = Dataset & { design: SyntheticDesign; bayesLoss: number };

/** Builds, splits and standardizes a design (stratified split, as the shipped datasets). */
export function syntheticDataset(id: string, design: SyntheticDesign): SyntheticDataset {
  const { table, bayesLoss } = syntheticTable(design);
  return { ...prepareDataset(id, table, design.validationRows / table.rows), design, bayesLoss };
}
