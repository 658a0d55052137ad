/**
 * The fitted surface of the contour view: a Nadaraya–Watson kernel-weighted
 * average of the trials' values over two parameters' unit coordinates (the
 * other parameters averaged over), with how much data backs each cell.
 * Values are winsorised to the best-to-95th-percentile range first, so one
 * diverged trial does not paint its whole neighbourhood. Pure; browser-safe.
 * @see Nadaraya 1964, Watson 1964; Scott 1992 (bandwidth rule)
 */

export type SurfacePoint = { x: number; y: number; value: number };

export type Surface = {
  /** Cells per side; cell (i, j) is centred at ((i + ½)/n, (j + ½)/n), i along x, j along y. */
  n: number;
  /** Fitted value per cell, row-major by y then x: values[j * n + i]. */
  values: number[];
  /** Effective number of trials behind each cell (the sum of kernel weights). */
  support: number[];
  bandwidth: number;
  /** The range of the fitted values. */
  low: number;
  high: number;
};

/** Scott's rule in two dimensions, for points spread over the unit square: σ·n^(−1/6), bounded below so a cell is never one trial. */
export function bandwidthFor(count: number): number {
  return Math.max(0.04, 0.29 * Math.max(1, count) ** (-1 / 6) * 0.75);
}

/** The kernel-weighted average on an n × n grid; null without a finite point. */
export function fitSurface(points: readonly SurfacePoint[], direction: "minimize" | "maximize", n = 40): Surface | null {
  const finite = points.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.x) && Number.isFinite(p.y));
  if (finite.length === 0) return null;
  const sorted = finite.map((p) => p.value).sort((a, b) => a - b);
  const q = (f: number) => sorted[Math.round(f * (sorted.length - 1))];
  const [lo, hi] = direction === "minimize" ? [sorted[0], q(0.95)] : [q(0.05), sorted[sorted.length - 1]];
  const h = bandwidthFor(finite.length);
  const inv = 1 / (2 * h * h);
  const values = new Array<number>(n * n).fill(0);
  const support = new Array<number>(n * n).fill(0);
  // Separable kernel: the weights along x and along y are computed once per (cell column, point).
  const wx = finite.map((p) => Array.from({ length: n }, (_, i) => Math.exp(-(((i + 0.5) / n - p.x) ** 2) * inv)));
  const wy = finite.map((p) => Array.from({ length: n }, (_, j) => Math.exp(-(((j + 0.5) / n - p.y) ** 2) * inv)));
  const clipped = finite.map((p) => Math.min(hi, Math.max(lo, p.value)));
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let sw = 0;
      let sv = 0;
      for (let k = 0; k < finite.length; k++) {
        const w = wx[k][i] * wy[k][j];
        sw += w;
        sv += w * clipped[k];
      }
      values[j * n + i] = sw > 1e-12 ? sv / sw : Number.NaN;
      support[j * n + i] = sw;
    }
  }
  const fitted = values.filter(Number.isFinite);
  return { n, values, support, bandwidth: h, low: Math.min(...fitted), high: Math.max(...fitted) };
}
