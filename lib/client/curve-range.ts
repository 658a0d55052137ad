/**
 * The value range a learning-curve chart shows: the good end whole, the far
 * tail clipped, so a few diverging curves do not squash the rest. The tail is
 * cut at the tighter of two limits: the 98% quantile of all points, and the
 * worst value of the best 90% of curves (each curve judged by its worst
 * point). The second matters when a diverged curve is long: a table's
 * diverged runs sit at its cap for every epoch and can be far more than 2% of
 * the points (the history chart clips the worst 10% of trials the same way).
 */
export type CurveRange = { lo: number; hi: number; /** Curves whose median point lies past the cut: mostly off the chart. */ beyond: number };

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))));
  return sorted[i];
}

/** Each curve's finite values; curves without any are left out. */
export function curveRange(curves: readonly (readonly number[])[], direction: "minimize" | "maximize"): CurveRange {
  const sign = direction === "minimize" ? 1 : -1;
  // Work in "higher is worse" units, then map back.
  const worst: number[] = [];
  const medians: number[] = [];
  const all: number[] = [];
  for (const curve of curves) {
    const own = curve.filter(Number.isFinite).map((v) => sign * v);
    if (own.length === 0) continue;
    own.sort((a, b) => a - b);
    all.push(...own);
    worst.push(own[own.length - 1]);
    medians.push(own[Math.floor((own.length - 1) / 2)]);
  }
  if (all.length === 0) return { lo: 0, hi: 1, beyond: 0 };
  all.sort((a, b) => a - b);
  worst.sort((a, b) => a - b);
  const best = all[0];
  const top = all[all.length - 1];
  let cut = Math.min(quantile(all, 0.98), quantile(worst, 0.9));
  if (!(cut > best)) cut = top > best ? top : best + Math.max(1, Math.abs(best)) * 0.1;
  const beyond = medians.filter((m) => m > cut).length;
  return direction === "minimize" ? { lo: best, hi: cut, beyond } : { lo: -cut, hi: -best, beyond };
}
