/**
 * From a finding to a slab rule low ≤ w·z ≤ high: where along the finding's
 * direction the good trials lie. The slab is drawn on one half of the trials
 * (discovery) and confirmed on the other (confirmation) with an exact
 * hypergeometric test, so no finding is confirmed on the trials that
 * suggested it.
 */
import type { Effect, Observation } from "./effects";
import { hypergeometricCdf } from "./stats";

export type SlabProposal = {
  group: number[];
  weights: number[];
  low: number;
  high: number;
  /** Share of the discovery trials the slab leaves out. */
  excludedShare: number;
  /** Confirmation: trials, trials outside, good trials, good trials outside, and the p-value. */
  confirmation: { n: number; outside: number; good: number; goodOutside: number; p: number };
};

export type SlabOptions = {
  /** Share of trials counted as good (the top of the loss ranking). */
  goodShare?: number;
  /** Margin added on both sides of the good trials' range, as a share of the direction's full range. */
  slack?: number;
  /** A slab must leave out at least this share of the discovery trials to be worth proposing. */
  minExcluded?: number;
};

/** The directions tried for a group: all sign patterns up to a global sign, each of unit length. */
export function directions(k: number): number[][] {
  if (k === 1) return [[1]];
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << (k - 1); mask++) {
    const w = [1, ...Array.from({ length: k - 1 }, (_, b) => ((mask >> b) & 1 ? -1 : 1))];
    out.push(w.map((x) => x / Math.sqrt(k)));
  }
  return out;
}

/** The range of w·z over the unit cube. */
export function directionRange(weights: readonly number[]): [number, number] {
  return [weights.reduce((s, w) => s + Math.min(0, w), 0), weights.reduce((s, w) => s + Math.max(0, w), 0)];
}

function goodSet(rows: readonly number[], observations: readonly Observation[], share: number): Set<number> {
  const sorted = [...rows].sort((a, b) => observations[a].loss - observations[b].loss);
  return new Set(sorted.slice(0, Math.max(1, Math.round(rows.length * share))));
}

/**
 * Proposes the slab of a finding on the discovery rows and confirms it on
 * the confirmation rows; null when no direction leaves out enough.
 */
export function proposeSlab(
  observations: readonly Observation[],
  effect: Pick<Effect, "group">,
  discovery: readonly number[],
  confirmation: readonly number[],
  options: SlabOptions = {},
): SlabProposal | null {
  const { goodShare = 0.25, slack = 0.05, minExcluded = 0.15 } = options;
  const t = (r: number, w: readonly number[]) => effect.group.reduce((s, i, k) => s + w[k] * observations[r].z[i], 0);
  let best: SlabProposal | null = null;
  for (const w of directions(effect.group.length)) {
    const [lo, hi] = directionRange(w);
    const good = goodSet(discovery, observations, goodShare);
    const ts = [...good].map((r) => t(r, w));
    const [gMin, gMax] = [Math.min(...ts), Math.max(...ts)];
    // G good points underestimate the range they come from by about (max − min)/(G − 1) on each side
    // (the minimum-variance unbiased estimate of a uniform's endpoints); add that, and a fixed slack.
    const margin = slack * (hi - lo) + (ts.length > 1 ? (gMax - gMin) / (ts.length - 1) : hi - lo);
    const low = Math.max(lo, gMin - margin);
    const high = Math.min(hi, gMax + margin);
    const outside = (r: number) => {
      const v = t(r, w);
      return v < low || v > high;
    };
    const excludedShare = discovery.filter(outside).length / discovery.length;
    if (excludedShare < minExcluded || (best && excludedShare <= best.excludedShare)) continue;
    const goodC = goodSet(confirmation, observations, goodShare);
    const outsideC = confirmation.filter(outside);
    const goodOutside = outsideC.filter((r) => goodC.has(r)).length;
    const p = hypergeometricCdf(goodOutside, confirmation.length, goodC.size, outsideC.length);
    best = {
      group: effect.group,
      weights: w,
      low,
      high,
      excludedShare,
      confirmation: { n: confirmation.length, outside: outsideC.length, good: goodC.size, goodOutside, p },
    };
  }
  return best;
}

/** Re-checks a slab on new trials: how many good ones lie outside, and the p-value of that. */
export function checkSlab(
  observations: readonly Observation[],
  slab: { group: readonly number[]; weights: readonly number[]; low: number; high: number },
  rows: readonly number[],
  goodShare = 0.25,
): SlabProposal["confirmation"] {
  const good = goodSet(rows, observations, goodShare);
  const out = rows.filter((r) => {
    const v = slab.group.reduce((s, i, k) => s + slab.weights[k] * observations[r].z[i], 0);
    return v < slab.low - 1e-12 || v > slab.high + 1e-12;
  });
  const goodOutside = out.filter((r) => good.has(r)).length;
  return { n: rows.length, outside: out.length, good: good.size, goodOutside, p: hypergeometricCdf(goodOutside, rows.length, good.size, out.length) };
}
