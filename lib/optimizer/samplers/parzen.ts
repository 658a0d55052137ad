/**
 * Multivariate Parzen estimators in unit coordinates, as TPE uses them: one
 * product kernel per observation plus a prior kernel, truncated Gaussians on
 * [0, 1] for numeric parameters and smoothed counts for categorical ones.
 */
import type { Rng } from "../rng";
import type { Space } from "../space";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** The error function, to 1.2e-7 (Numerical Recipes' erfc by Chebyshev fitting). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/** Optuna's default weights: flat for the newest 25 observations, a linear ramp from 1/n for older ones. */
export function rampWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const w: number[] = [];
  for (let i = 0; i < ramp; i++) w.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) w.push(1);
  return w;
}

export type ParzenOptions = { priorWeight: number; magicClip: boolean };

/** A mixture of product kernels over the space in unit coordinates, built from observations in trial order. */
export class ParzenEstimator {
  private readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  /** Per numeric dimension: kernel centres, widths and log normalisers (−log σ − log √2π − log Z). */
  private readonly mus: Float64Array[] = [];
  private readonly sigmas: Float64Array[] = [];
  private readonly logNorms: Float64Array[] = [];
  /** Per categorical dimension: kernel-by-choice log probabilities, row-major. */
  private readonly catLogP: Float64Array[] = [];
  private readonly kernels: number;

  constructor(
    private readonly space: Space,
    points: readonly (readonly number[])[],
    options: ParzenOptions,
  ) {
    const n = points.length;
    this.kernels = n + 1;
    const raw = [...rampWeights(n), options.priorWeight];
    const total = raw.reduce((a, b) => a + b, 0);
    this.weights = Float64Array.from(raw, (w) => w / total);
    this.logWeights = this.weights.map(Math.log);
    // Scott-like bandwidth of Optuna's multivariate TPE, then the prior kernel over the whole range.
    const sigma0 = 0.2 * Math.max(n, 1) ** (-1 / (space.length + 4));
    const minSigma = options.magicClip ? 1 / Math.min(100, 1 + this.kernels) : 0;
    space.forEach((p, d) => {
      if (p.type === "categorical") {
        const k = p.choices.length;
        const table = new Float64Array(this.kernels * k);
        const base = options.priorWeight / this.kernels;
        for (let i = 0; i < this.kernels; i++) {
          const observed = i < n ? categoryOf(points[i][d], k) : -1;
          const rowTotal = base * k + (observed >= 0 ? 1 : 0);
          for (let c = 0; c < k; c++) table[i * k + c] = Math.log((base + (c === observed ? 1 : 0)) / rowTotal);
        }
        this.catLogP[d] = table;
        return;
      }
      const mu = new Float64Array(this.kernels);
      const sg = new Float64Array(this.kernels);
      const ln = new Float64Array(this.kernels);
      for (let i = 0; i < this.kernels; i++) {
        mu[i] = i < n ? points[i][d] : 0.5;
        sg[i] = Math.min(1, Math.max(minSigma, i < n ? sigma0 : 1));
        const z = normalCdf((1 - mu[i]) / sg[i]) - normalCdf(-mu[i] / sg[i]);
        ln[i] = -Math.log(sg[i]) - LOG_SQRT_2PI - Math.log(Math.max(z, 1e-300));
      }
      this.mus[d] = mu;
      this.sigmas[d] = sg;
      this.logNorms[d] = ln;
    });
  }

  /** Draws one point: a kernel by weight, then each coordinate from that kernel. */
  sample(rng: Rng): number[] {
    let u = rng.next();
    let i = 0;
    while (i < this.kernels - 1 && u >= this.weights[i]) u -= this.weights[i++];
    return this.space.map((p, d) => {
      if (p.type === "categorical") {
        const k = p.choices.length;
        let v = rng.next();
        for (let c = 0; c < k; c++) {
          v -= Math.exp(this.catLogP[d][i * k + c]);
          if (v < 0) return (c + 0.5) / k;
        }
        return (k - 0.5) / k;
      }
      const mu = this.mus[d][i];
      const sigma = this.sigmas[d][i];
      // Rejection is cheap: σ ≤ 1 and μ ∈ [0, 1] keep the acceptance above 1/3.
      for (let attempt = 0; attempt < 100; attempt++) {
        const x = mu + sigma * rng.normal();
        if (x >= 0 && x <= 1) return x;
      }
      return Math.min(1, Math.max(0, mu));
    });
  }

  /** The log density of a point under the mixture. */
  logPdf(z: readonly number[]): number {
    const terms = new Float64Array(this.kernels);
    terms.set(this.logWeights);
    this.space.forEach((p, d) => {
      if (p.type === "categorical") {
        const k = p.choices.length;
        const c = categoryOf(z[d], k);
        const table = this.catLogP[d];
        for (let i = 0; i < this.kernels; i++) terms[i] += table[i * k + c];
        return;
      }
      const x = z[d];
      const mu = this.mus[d];
      const sg = this.sigmas[d];
      const ln = this.logNorms[d];
      for (let i = 0; i < this.kernels; i++) {
        const t = (x - mu[i]) / sg[i];
        terms[i] += ln[i] - 0.5 * t * t;
      }
    });
    let max = -Infinity;
    for (const t of terms) if (t > max) max = t;
    if (max === -Infinity) return -Infinity;
    let sum = 0;
    for (const t of terms) sum += Math.exp(t - max);
    return max + Math.log(sum);
  }
}

function categoryOf(z: number, k: number): number {
  return Math.min(k - 1, Math.max(0, Math.floor(z * k)));
}
