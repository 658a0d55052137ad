/**
 * The rank statistics against SciPy and NumPy: reference values in
 * fixtures/stats-reference.json, made by fixtures/make-fixtures.py (not run
 * here; CI has no Python). Deterministic values must agree to 1e-9 relative;
 * Monte Carlo values (permutation p-values, bootstrap ends) within the stated
 * sampling error of both sides.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { erf } from "../samplers/parzen";
import reference from "./fixtures/stats-reference.json";
import {
  benjaminiHochberg,
  bootstrapInterval,
  hypergeometricCdf,
  mean,
  orthonormalize,
  partialPermutationTest,
  pearson,
  quantile,
  ranks,
  residualize,
  shuffled,
  spearman,
} from "./stats";

/** Agreement for closed-form values: 1e-9 relative, 1e-12 absolute. */
function close(actual: number, expected: number, relative = 1e-9, absolute = 1e-12) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(absolute + relative * Math.abs(expected));
}

/**
 * How far a sequential permutation p-value (stats.ts stops after 20
 * exceedances) may lie from the true one: 4 binomial standard deviations
 * of a proportion over the permutations it actually draws, about
 * min(permutations, 20 / p).
 */
function permutationTolerance(p: number, permutations: number): number {
  const drawn = Math.min(permutations, 20 / Math.max(p, 1e-9));
  return 4 * Math.sqrt((p * (1 - p)) / drawn) + 1 / (permutations + 1);
}

function indicators(labels: readonly number[], levels: number): number[][] {
  return Array.from({ length: levels - 1 }, (_, level) => labels.map((l) => (l === level ? 1 : 0)));
}

describe("ranks", () => {
  it.each(reference.ranks.map((c) => [c.values.length, c] as const))("gives tied values their mean rank, as scipy.stats.rankdata does (%i values)", (_n, c) => {
    expect(ranks(c.values)).toEqual(c.ranks);
  });
});

describe("correlations", () => {
  it.each(reference.correlations.map((c, k) => [k, c] as const))("match scipy's spearmanr and pearsonr, ties included (case %i)", (_k, c) => {
    close(spearman(c.x, c.y), c.spearman);
    close(pearson(c.x, c.y), c.pearson);
  });

  it("are 0 when one side is constant", () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
    expect(spearman([1, 2, 3], [4, 4, 4])).toBe(0);
  });
});

describe("quantile", () => {
  it.each(reference.quantiles.cases.map((c) => [c.q, c] as const))("interpolates linearly like numpy.quantile (q = %f)", (_q, c) => {
    close(quantile(reference.quantiles.values, c.q), c.value);
  });

  it("is NaN for no values and mean is NaN too", () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(mean([])).toBeNaN();
  });
});

describe("hypergeometricCdf", () => {
  it.each(reference.hypergeometric.map((c) => [c.x, c.total, c.marked, c.draws, c] as const))(
    "matches scipy.stats.hypergeom.cdf (x = %i, total %i, marked %i, draws %i)",
    (_x, _t, _m, _d, c) => {
      close(hypergeometricCdf(c.x, c.total, c.marked, c.draws), c.cdf, 1e-9, 1e-14);
    },
  );

  it("is 0 below the support and 1 at its top", () => {
    // 10 of 20 marked, 15 drawn: at least 5 marked ones are always drawn.
    expect(hypergeometricCdf(4, 20, 10, 15)).toBe(0);
    close(hypergeometricCdf(10, 20, 10, 15), 1);
  });
});

describe("benjaminiHochberg", () => {
  it.each(reference.benjaminiHochberg.map((c) => [c.p.length, c] as const))("adjusts like the 1995 step-up rule, and q ≤ α rejects the same hypotheses (%i p-values)", (_m, c) => {
    const q = benjaminiHochberg(c.p);
    q.forEach((v, i) => close(v, c.q[i]));
    expect(q.map((v) => v <= 0.05)).toEqual(c.reject05);
    expect(q.map((v) => v <= 0.1)).toEqual(c.reject10);
  });

  it("rejects 4 of the 15 hypotheses of the paper's example at 0.05", () => {
    const example = reference.benjaminiHochberg.find((c) => c.p.length === 15)!;
    expect(benjaminiHochberg(example.p).filter((v) => v <= 0.05)).toHaveLength(4);
  });
});

describe("Kruskal–Wallis through partialPermutationTest", () => {
  // The loss ranks' partial R² on category indicators is the share of rank variance between groups, and
  // (n − 1) times that is the tie-corrected H; its permutation p-value estimates the exact one.
  it.each(reference.kruskalWallis.map((c, k) => [k, c.H, c] as const))("gives (n − 1)·R² = scipy's H and a permutation p near the exact one (case %i, H = %f)", (_k, _h, c) => {
    const permutations = 1999;
    const test = partialPermutationTest(ranks(c.values), [], indicators(c.labels, c.levels), createRng(5), permutations);
    close((c.values.length - 1) * test.partialR2, c.H);
    expect(test.df).toBe(c.levels - 1);
    expect(Math.abs(test.p - c.pPermutation)).toBeLessThanOrEqual(permutationTolerance(c.pPermutation, permutations));
  });
});

describe("partialPermutationTest", () => {
  it.each(reference.partial.map((c, k) => [k, c.partialR2, c] as const))("matches NumPy least squares' partial R² and df, and the F test's p (case %i, R² = %f)", (_k, _r2, c) => {
    const permutations = 1999;
    const test = partialPermutationTest(c.y, c.reduced, c.extra, createRng(9), permutations);
    close(test.partialR2, c.partialR2, 1e-8);
    expect(test.df).toBe(c.df);
    // The F test is exact for normal errors, the permutation test only asymptotically equal to it: allow 0.03 more.
    expect(Math.abs(test.p - c.pF)).toBeLessThanOrEqual(permutationTolerance(c.pF, permutations) + 0.03);
  });

  it("returns p = 1 and df = 0 when the extra columns add nothing to the span", () => {
    const x = [0.1, 0.5, 0.2, 0.9, 0.4];
    const test = partialPermutationTest([1, 3, 2, 5, 4], [x], [x.map((v) => 3 * v + 1)], createRng(1), 99);
    expect(test).toEqual({ partialR2: 0, p: 1, df: 0 });
  });
});

describe("orthonormalize and residualize", () => {
  it.each(reference.partial.map((c, k) => [k, c] as const))("give NumPy's least-squares residuals and a basis of the reduced model's rank (case %i)", (_k, c) => {
    const basis = orthonormalize(c.reduced);
    expect(basis).toHaveLength(c.rankReduced);
    for (const [i, q] of basis.entries()) {
      close(mean(q), 0, 0, 1e-12);
      for (const [j, r] of basis.entries()) close(q.reduce((s, v, k) => s + v * r[k], 0), i === j ? 1 : 0, 0, 1e-10);
    }
    residualize(c.y, basis).forEach((v, i) => close(v, c.residuals[i], 0, 1e-9));
  });

  it("drops a column in the span of the others", () => {
    const a = [1, 2, 3, 4, 6], b = [0, 1, 0, 1, 0];
    expect(orthonormalize([a, b, a.map((v, i) => 2 * v - b[i] + 7)])).toHaveLength(2);
  });
});

describe("bootstrapInterval", () => {
  it("gives scipy.stats.bootstrap's percentile interval of a mean within a tenth of a standard error", () => {
    const { values, level, low, high, standardError } = reference.bootstrap;
    // 20,000 resamples put each end within about 0.02 standard errors of its limit; SciPy used 200,000.
    const [l, h] = bootstrapInterval(values.length, (idx) => mean(idx.map((i) => values[i])), createRng(2), 20_000, level);
    expect(Math.abs(l - low)).toBeLessThanOrEqual(0.1 * standardError);
    expect(Math.abs(h - high)).toBeLessThanOrEqual(0.1 * standardError);
  });

  it("is [NaN, NaN] with no resamples", () => {
    expect(bootstrapInterval(3, () => 1, createRng(1), 0)).toEqual([NaN, NaN]);
  });
});

describe("shuffled", () => {
  it("returns a permutation of a copy, each position uniform over the values (χ² over 6,000 shuffles)", () => {
    const xs = [0, 1, 2, 3, 4, 5];
    const rng = createRng(3);
    const counts = xs.map(() => new Array<number>(xs.length).fill(0));
    const rounds = 6000;
    for (let r = 0; r < rounds; r++) {
      const s = shuffled(xs, rng);
      expect([...s].sort()).toEqual(xs);
      s.forEach((v, position) => counts[position][v]++);
    }
    expect(xs).toEqual([0, 1, 2, 3, 4, 5]);
    const expected = rounds / xs.length;
    const chi2 = counts.flat().reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 25 degrees of freedom; the 0.999 quantile of χ²(25) is 52.6.
    expect(chi2).toBeLessThan(52.6);
  });
});

describe("erf", () => {
  it.each(reference.erf.map((c) => [c.x, c] as const))("matches scipy.special.erf to its stated 1.2e-7 (x = %f)", (_x, c) => {
    close(erf(c.x), c.erf, 0, 1.2e-7);
  });
});
