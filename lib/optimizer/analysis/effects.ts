/**
 * Which hyperparameters, alone and in groups, correlate with the loss
 * (DESIGN.md, "The method", idea 1). Everything is tested on ranks of the
 * loss, in unit coordinates, with permutation p-values and one
 * Benjamini–Hochberg control over every test of a round.
 *
 * - k = 1: a parameter's effect is the share of the loss ranks explained by
 *   {z, z²} (so an interior optimum, a U shape, counts as much as a trend),
 *   or by its categories' indicators for a categorical parameter.
 * - k = 2: a pair's interaction is what the product (z_i − ½)(z_j − ½)
 *   explains beyond both parameters' own effects. Its sign tells the
 *   direction: loss falling along (1, 1)/√2 ("raise both") is `+`, along
 *   (1, −1)/√2 ("raise one, lower the other") is `−`.
 * - k ≥ 3: only groups all of whose (k−1)-subsets showed signal are tested,
 *   on trials the lower order did not see, and the loop stops at the first
 *   order that adds no explanatory power on held-out trials.
 * @see Benjamini and Hochberg 1995, JRSS B 57(1); Hutter et al. 2014 (fANOVA), ICML
 */
import { deriveRng, type Rng } from "../rng";
import { benjaminiHochberg, bootstrapInterval, mean, orthonormalize, partialPermutationTest, ranks, residualize, spearman } from "./stats";

/** One trial as the analysis sees it: unit coordinates and a loss at the tested fidelity. */
export type Observation = { z: readonly number[]; loss: number };

/** What the analysis needs to know of each parameter. */
export type AnalysisParam = { name: string; categorical: boolean; levels: number };

export type EffectShape = "monotone" | "interior" | "categorical" | "interaction";

/** One tested group of parameters and what was found. */
export type Effect = {
  /** Parameter indices, ascending. */
  group: number[];
  /** Names joined by "×". */
  label: string;
  order: number;
  shape: EffectShape;
  /** +1 or −1: for k = 1, + means raising the parameter raises the loss; for k ≥ 2, see the module doc. */
  sign: 1 | -1;
  /** Signed strength in [−1, 1]: the sign times √(partial R²). */
  strength: number;
  /** Bootstrap interval (90%) of the strength. */
  interval: [number, number];
  partialR2: number;
  p: number;
  /** Benjamini–Hochberg adjusted p over every test of the round. */
  q: number;
  significant: boolean;
  /** For an interior optimum, where the fitted quadratic has its minimum, in unit coordinates. */
  vertex?: number;
  n: number;
};

export type EffectsOptions = {
  /** False discovery rate of the round. */
  alpha?: number;
  permutations?: number;
  bootstrap?: number;
  /** Highest order tested. */
  maxOrder?: number;
};

const centred = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.map((x) => x - m);
};

function mainBasis(column: readonly number[], param: AnalysisParam): number[][] {
  if (param.categorical) {
    return Array.from({ length: param.levels - 1 }, (_, level) => column.map((z) => (Math.min(param.levels - 1, Math.floor(z * param.levels)) === level ? 1 : 0)));
  }
  const c = column.map((z) => z - 0.5);
  return [c, c.map((x) => x * x)];
}

function productColumn(columns: readonly (readonly number[])[]): number[] {
  return columns[0].map((_, r) => columns.reduce((prod, col) => prod * (col[r] - 0.5), 1));
}

/** Least-squares coefficients of y on the columns (normal equations; the columns are few). */
function fit(y: readonly number[], columns: readonly (readonly number[])[]): number[] {
  const p = columns.length;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  const yc = centred(y);
  const cc = columns.map(centred);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) for (let r = 0; r < y.length; r++) a[i][j] += cc[i][r] * cc[j][r];
    for (let r = 0; r < y.length; r++) a[i][p] += cc[i][r] * yc[r];
    a[i][i] += 1e-9;
  }
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < p; r++) {
      if (r === col || a[col][col] === 0) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= p; c++) a[r][c] -= f * a[col][c];
    }
  }
  return a.map((row, i) => (row[i] === 0 ? 0 : row[p] / row[i]));
}

function columnOf(observations: readonly Observation[], i: number, rows?: readonly number[]): number[] {
  return (rows ?? observations.map((_, r) => r)).map((r) => observations[r].z[i]);
}

function label(params: readonly AnalysisParam[], group: readonly number[]): string {
  return group.map((i) => params[i].name).join("×");
}

/** Tests one group on the given rows; returns everything but q and significance. */
function testGroup(
  observations: readonly Observation[],
  params: readonly AnalysisParam[],
  group: number[],
  rows: readonly number[],
  rng: Rng,
  options: Required<EffectsOptions>,
): Omit<Effect, "q" | "significant"> {
  const y = ranks(rows.map((r) => observations[r].loss));
  const cols = group.map((i) => columnOf(observations, i, rows));
  const base = { group, label: label(params, group), order: group.length, n: rows.length };
  if (group.length === 1) {
    const param = params[group[0]];
    const basis = mainBasis(cols[0], param);
    const test = partialPermutationTest(y, [], basis, rng, options.permutations);
    const rho = param.categorical ? 0 : spearman(cols[0], y);
    const sign: 1 | -1 = rho >= 0 ? 1 : -1;
    let shape: EffectShape = param.categorical ? "categorical" : "monotone";
    let vertex: number | undefined;
    if (!param.categorical) {
      const [b1, b2] = fit(y, basis);
      const v = 0.5 - b1 / (2 * b2);
      if (b2 > 0 && v > 0.1 && v < 0.9) {
        shape = "interior";
        vertex = v;
      }
    }
    const strengthOf = (idx: number[]) => {
      const yy = ranks(idx.map((k) => y[k]));
      const b = mainBasis(idx.map((k) => cols[0][k]), param);
      const q = orthonormalize(b);
      const r = residualize(yy, q);
      const total = yy.reduce((s, v) => s + (v - mean(yy)) ** 2, 0);
      const explained = total > 0 ? 1 - r.reduce((s, v) => s + v * v, 0) / total : 0;
      return sign * Math.sqrt(Math.max(0, explained));
    };
    const interval = bootstrapInterval(rows.length, strengthOf, rng, options.bootstrap);
    return { ...base, shape, sign, strength: sign * Math.sqrt(test.partialR2), interval, partialR2: test.partialR2, p: test.p, vertex };
  }
  // Interactions: the product of the centred coordinates beyond every lower-order term of the group.
  const reduced: number[][] = [];
  for (let k = 0; k < group.length; k++) reduced.push(...mainBasis(cols[k], params[group[k]]));
  if (group.length >= 3) {
    for (let a = 0; a < group.length; a++) for (let b = a + 1; b < group.length; b++) reduced.push(productColumn([cols[a], cols[b]]));
  }
  const extra = [productColumn(cols)];
  const test = partialPermutationTest(y, reduced, extra, rng, options.permutations);
  const beta = fit(y, [...reduced, ...extra]).at(-1)!;
  // A negative product coefficient: the loss is low where the coordinates move together.
  const sign: 1 | -1 = beta <= 0 ? 1 : -1;
  const strengthOf = (idx: number[]) => {
    const yy = ranks(idx.map((k) => y[k]));
    const qRed = orthonormalize(reduced.map((c) => idx.map((k) => c[k])));
    const qExtra = orthonormalize([idx.map((k) => extra[0][k])], qRed);
    if (qExtra.length === 0) return NaN;
    const e = residualize(yy, qRed);
    const ss = e.reduce((s, v) => s + v * v, 0);
    let dot = 0;
    for (let r = 0; r < e.length; r++) dot += qExtra[0][r] * e[r];
    return ss > 0 ? -Math.sign(dot) * Math.sqrt((dot * dot) / ss) * 1 : 0;
  };
  const interval = bootstrapInterval(rows.length, strengthOf, rng, options.bootstrap);
  return { ...base, shape: "interaction", sign, strength: sign * Math.sqrt(test.partialR2), interval, partialR2: test.partialR2, p: test.p };
}

/** Cross-validated share of loss ranks explained by a set of columns (5 folds, in row order). */
function heldOutR2(y: readonly number[], columns: readonly number[][]): number {
  const folds = 5;
  let sse = 0, sst = 0;
  for (let f = 0; f < folds; f++) {
    const train = y.map((_, r) => r).filter((r) => r % folds !== f);
    const test = y.map((_, r) => r).filter((r) => r % folds === f);
    const beta = columns.length > 0 ? fit(train.map((r) => y[r]), columns.map((c) => train.map((r) => c[r]))) : [];
    const ym = mean(train.map((r) => y[r]));
    const cm = columns.map((c) => mean(train.map((r) => c[r])));
    for (const r of test) {
      const pred = ym + columns.reduce((s, c, k) => s + beta[k] * (c[r] - cm[k]), 0);
      sse += (y[r] - pred) ** 2;
      sst += (y[r] - ym) ** 2;
    }
  }
  return sst > 0 ? 1 - sse / sst : 0;
}

function* subsets(group: readonly number[]): Generator<number[]> {
  for (let skip = 0; skip < group.length; skip++) yield group.filter((_, k) => k !== skip);
}

/**
 * Tests every parameter, every pair, and larger groups while they add
 * held-out explanatory power; returns the effects with BH-adjusted p-values.
 */
export function analyzeEffects(
  observations: readonly Observation[],
  params: readonly AnalysisParam[],
  rng: Rng,
  options: EffectsOptions = {},
): Effect[] {
  const opts: Required<EffectsOptions> = { alpha: 0.05, permutations: 1999, bootstrap: 100, maxOrder: params.length, ...options };
  const all = observations.map((_, r) => r);
  const d = params.length;
  const raw: Omit<Effect, "q" | "significant">[] = [];
  for (let i = 0; i < d; i++) raw.push(testGroup(observations, params, [i], all, rng, opts));
  if (opts.maxOrder >= 2) {
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) raw.push(testGroup(observations, params, [i, j], all, rng, opts));
  }
  let effects = withFdr(raw, opts.alpha);
  // Higher orders: the candidates were chosen by looking at these trials, so they are tested on the held-out half only.
  const heldOut = all.filter((r) => r % 2 === 1);
  const y = ranks(all.map((r) => observations[r].loss));
  let signalled = effects.filter((e) => e.order === 2 && e.significant).map((e) => e.group);
  for (let order = 3; order <= Math.min(opts.maxOrder, d) && signalled.length > 0; order++) {
    const known = new Set(signalled.map((g) => g.join(",")));
    const candidates: number[][] = [];
    for (const g of signalled) {
      for (let extra = g[g.length - 1] + 1; extra < d; extra++) {
        const group = [...g, extra];
        if ([...subsets(group)].every((s) => known.has(s.join(",")))) candidates.push(group);
      }
    }
    if (candidates.length === 0 || heldOut.length < 16) break;
    const tested = candidates.map((g) => testGroup(observations, params, g, heldOut, rng, opts));
    // Stop at the first order whose terms add no held-out explanatory power.
    const lower = effects.filter((e) => e.significant).flatMap((e) => termColumns(observations, params, e.group));
    const higher = [...lower, ...candidates.flatMap((g) => [productColumn(g.map((i) => columnOf(observations, i)))])];
    if (heldOutR2(y, higher) <= heldOutR2(y, lower)) break;
    effects = withFdr([...effects, ...tested], opts.alpha);
    signalled = effects.filter((e) => e.order === order && e.significant).map((e) => e.group);
  }
  return effects;
}

function termColumns(observations: readonly Observation[], params: readonly AnalysisParam[], group: readonly number[]): number[][] {
  const cols = group.map((i) => columnOf(observations, i));
  return group.length === 1 ? mainBasis(cols[0], params[group[0]]) : [productColumn(cols)];
}

function withFdr(raw: readonly Omit<Effect, "q" | "significant">[], alpha: number): Effect[] {
  const q = benjaminiHochberg(raw.map((e) => e.p));
  return raw.map((e, k) => ({ ...e, q: q[k], significant: q[k] <= alpha }));
}

/** One run of the tests as plain data, with the seed and indices of its random stream: the same job gives the same effects in any thread (lib/workers). */
export type EffectsJob = { observations: Observation[]; params: AnalysisParam[]; seed: number; label: string; indices: number[]; options: EffectsOptions };

/** Runs the tests of one job. */
export function runEffectsJob(job: EffectsJob): Effect[] {
  return analyzeEffects(job.observations, job.params, deriveRng(job.seed, job.label, ...job.indices), job.options);
}
