/**
 * The multivariate kernel density estimator BOHB fits at a budget, as
 * statsmodels' KDEMultivariate with the normal-reference bandwidth does it in
 * hpbandster: a product of untruncated Gaussian kernels for numeric parameters
 * (in unit coordinates) and Aitchison–Aitken kernels for categorical ones, one
 * kernel per observation with equal weights and no prior kernel. TPE's Parzen
 * estimators (parzen.ts) differ in all three respects, so they are not reused
 * here. A categorical kernel spreads λ over the parameter's k − 1 other
 * choices, not over the other choices observed as statsmodels counts them, so
 * a model that never saw a choice still gives it a finite density.
 */
import type { Rng } from "../rng";
import type { Space } from "../space";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** The category a unit coordinate falls in, among k. */
export function categoryOf(z: number, k: number): number {
  return Math.min(k - 1, Math.max(0, Math.floor(z * k)));
}

/**
 * Scott's normal-reference bandwidth per dimension, 1.06·σ·n^(−1/(d+4)) with
 * σ the population standard deviation (statsmodels' `normal_reference`, which
 * applies it to categorical codes too), floored at `minBandwidth`. For a
 * categorical parameter with k choices the result is the Aitchison–Aitken λ,
 * capped at (k−1)/k, where the kernel is uniform: statsmodels leaves it
 * uncapped, and above that cap the kernel would favour every other category
 * over the observed one.
 */
export function normalReferenceBandwidths(space: Space, points: readonly (readonly number[])[], minBandwidth: number): number[] {
  const n = points.length;
  const factor = 1.06 * n ** (-1 / (space.length + 4));
  return space.map((p, d) => {
    const k = p.type === "categorical" ? p.choices.length : 0;
    const xs = points.map((z) => (k > 0 ? categoryOf(z[d], k) : z[d]));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n);
    const bw = Math.max(minBandwidth, factor * sd);
    return k > 0 ? Math.min(bw, (k - 1) / k) : bw;
  });
}

/** A product-kernel density over the space in unit coordinates, with one kernel per observation. */
export class Kde {
  readonly bandwidths: readonly number[];
  /** Per dimension, the observations' coordinates, or their category codes for a categorical one: columns keep the density loop cheap. */
  private readonly columns: Float64Array[];

  constructor(
    private readonly space: Space,
    readonly points: readonly (readonly number[])[],
    minBandwidth: number,
  ) {
    if (points.length === 0) throw new RangeError("kde: needs at least one observation");
    this.bandwidths = normalReferenceBandwidths(space, points, minBandwidth);
    this.columns = space.map((p, d) => Float64Array.from(points, (z) => (p.type === "categorical" ? categoryOf(z[d], p.choices.length) : z[d])));
  }

  /** The log density of a point: log of the mean over observations of the product of kernels. */
  logPdf(z: readonly number[]): number {
    const n = this.points.length;
    const terms = new Float64Array(n);
    this.space.forEach((p, d) => {
      const h = this.bandwidths[d];
      const column = this.columns[d];
      if (p.type === "categorical") {
        const k = p.choices.length;
        const c = categoryOf(z[d], k);
        // Aitchison–Aitken: 1 − λ on the observed category, λ/(k − 1) on each other; a single choice has mass 1.
        const same = k > 1 ? Math.log(1 - h) : 0;
        const other = k > 1 ? Math.log(h / (k - 1)) : -Infinity;
        for (let i = 0; i < n; i++) terms[i] += column[i] === c ? same : other;
        return;
      }
      const norm = -Math.log(h) - LOG_SQRT_2PI;
      const x = z[d];
      const inv = 1 / h;
      for (let i = 0; i < n; i++) {
        const t = (x - column[i]) * inv;
        terms[i] += norm - 0.5 * t * t;
      }
    });
    let max = -Infinity;
    for (const t of terms) if (t > max) max = t;
    if (max === -Infinity) return -Infinity;
    let sum = 0;
    for (const t of terms) sum += Math.exp(t - max);
    return max + Math.log(sum) - Math.log(n);
  }

  /**
   * Draws one point as hpbandster's BOHB does: an observation uniformly, then
   * each numeric coordinate from a Gaussian around it with the bandwidth
   * times `widen`, truncated to [0, 1], and each categorical one kept with
   * probability 1 − λ and otherwise drawn uniformly among the choices.
   */
  sample(rng: Rng, widen: number): number[] {
    const centre = this.points[rng.int(this.points.length)];
    return this.space.map((p, d) => {
      const m = centre[d];
      if (p.type === "categorical") {
        const k = p.choices.length;
        if (rng.next() < 1 - this.bandwidths[d]) return (categoryOf(m, k) + 0.5) / k;
        return (rng.int(k) + 0.5) / k;
      }
      const sigma = this.bandwidths[d] * widen;
      // Numeric bandwidths are at most 1.06 · 0.5 in unit coordinates, so with BOHB's widening of 3 a centre in [0, 1] keeps at least a fifth of the draws.
      for (let attempt = 0; attempt < 100; attempt++) {
        const x = m + sigma * rng.normal();
        if (x >= 0 && x <= 1) return x;
      }
      return Math.min(1, Math.max(0, m));
    });
  }
}
