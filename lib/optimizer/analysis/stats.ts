/**
 * Rank statistics for the correlation sieve: ranks with ties, Spearman's ρ,
 * orthonormal bases, permutation tests of partial R², Benjamini–Hochberg,
 * the hypergeometric tail and percentile bootstrap intervals. Pure and
 * deterministic: every random draw comes from the Rng passed in.
 */
import type { Rng } from "../rng";

/** Average ranks (1..n) with ties sharing their mean rank. */
export function ranks(values: readonly number[]): number[] {
  // Indices sorted by value (no pair per value: the sieve ranks tens of thousands of values per round).
  const order = Uint32Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const out = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) out[order[k]] = rank;
    start = end + 1;
  }
  return out;
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : NaN;
}

/** Pearson correlation; 0 when either side is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** Spearman's rank correlation. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(ranks(x), ranks(y));
}

/** The q-quantile (0..1) by linear interpolation of the sorted values. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/**
 * Orthonormalizes columns (each of length n) against the constant vector and
 * against `against` (already orthonormal), by modified Gram–Schmidt; columns
 * that become numerically zero are dropped.
 */
export function orthonormalize(columns: readonly (readonly number[])[], against: readonly number[][] = []): number[][] {
  const basis: number[][] = [];
  for (const column of columns) {
    const v = [...column];
    const m = mean(v);
    for (let i = 0; i < v.length; i++) v[i] -= m;
    const norm0 = Math.hypot(...v);
    for (const q of [...against, ...basis]) {
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i] * q[i];
      for (let i = 0; i < v.length; i++) v[i] -= dot * q[i];
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-9 * Math.max(1, norm0)) basis.push(v.map((x) => x / norm));
  }
  return basis;
}

function projectedShare(basis: readonly number[][], y: readonly number[]): number {
  let total = 0;
  const my = mean(y);
  let ss = 0;
  for (const v of y) ss += (v - my) * (v - my);
  if (ss === 0) return 0;
  for (const q of basis) {
    let dot = 0;
    for (let i = 0; i < y.length; i++) dot += q[i] * y[i];
    total += dot * dot;
  }
  return total / ss;
}

/** Residuals of y after projecting out the constant and an orthonormal basis. */
export function residualize(y: readonly number[], basis: readonly number[][]): number[] {
  const my = mean(y);
  const r = y.map((v) => v - my);
  for (const q of basis) {
    let dot = 0;
    for (let i = 0; i < r.length; i++) dot += q[i] * r[i];
    for (let i = 0; i < r.length; i++) r[i] -= dot * q[i];
  }
  return r;
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(xs: readonly T[], rng: Rng): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export type PartialTest = { partialR2: number; p: number; df: number };

/**
 * How much of y the `extra` columns explain beyond the `reduced` ones
 * (partial R²), with a Freedman–Lane permutation p-value: residuals of the
 * reduced model are permuted, so the lower-order effects are held fixed.
 * @see Freedman and Lane 1983, J. Business & Economic Statistics 1(4)
 */
export function partialPermutationTest(
  y: readonly number[],
  reduced: readonly (readonly number[])[],
  extra: readonly (readonly number[])[],
  rng: Rng,
  permutations: number,
): PartialTest {
  const qReduced = orthonormalize(reduced);
  const qExtra = orthonormalize(extra, qReduced);
  if (qExtra.length === 0) return { partialR2: 0, p: 1, df: 0 };
  const e = residualize(y, qReduced);
  const observed = projectedShare(qExtra, e);
  let atLeast = 0;
  for (let k = 1; k <= permutations; k++) {
    // Permuted residuals are no longer orthogonal to the reduced basis; project them out again.
    const ep = residualize(shuffled(e, rng), qReduced);
    if (projectedShare(qExtra, ep) >= observed - 1e-12) atLeast++;
    // Sequential stopping (Besag and Clifford 1991, Biometrika 78(2)): once h exceedances are seen the
    // p-value is clearly large, and the remaining permutations are only spent on small p-values.
    if (atLeast >= SEQUENTIAL_H) return { partialR2: observed, p: atLeast / k, df: qExtra.length };
  }
  return { partialR2: observed, p: (atLeast + 1) / (permutations + 1), df: qExtra.length };
}

/** Exceedances after which a sequential permutation test stops. */
const SEQUENTIAL_H = 20;

/** Benjamini–Hochberg adjusted p-values (q-values), in the input order. */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const q = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const [p, i] = order[k];
    running = Math.min(running, (p * m) / (k + 1));
    q[i] = running;
  }
  return q;
}

function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/**
 * P(X ≤ x) for X hypergeometric: drawing `draws` of `total` items of which
 * `marked` are marked, the chance of at most x marked ones.
 */
export function hypergeometricCdf(x: number, total: number, marked: number, draws: number): number {
  let p = 0;
  const denominator = logChoose(total, draws);
  for (let k = Math.max(0, draws - (total - marked)); k <= Math.min(x, marked, draws); k++) {
    p += Math.exp(logChoose(marked, k) + logChoose(total - marked, draws - k) - denominator);
  }
  return Math.min(1, p);
}

/** Percentile bootstrap interval of a statistic over resampled row indices. */
export function bootstrapInterval(
  n: number,
  statistic: (indices: number[]) => number,
  rng: Rng,
  resamples: number,
  level = 0.9,
): [number, number] {
  const values: number[] = [];
  if (resamples <= 0) return [NaN, NaN];
  for (let b = 0; b < resamples; b++) {
    const idx = Array.from({ length: n }, () => rng.int(n));
    const v = statistic(idx);
    if (Number.isFinite(v)) values.push(v);
  }
  const tail = (1 - level) / 2;
  return [quantile(values, tail), quantile(values, 1 - tail)];
}
