import { describe, expect, it } from "vitest";
import { createRng, deriveRng, labelId, mixSeed, type Rng } from "./rng";

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe("createRng", () => {
  it.each([0, 1, 42, 2 ** 31 - 1, 2 ** 40 + 3])("gives the same sequence for the same seed (%d)", (seed) => {
    const a = createRng(seed);
    const b = createRng(seed);
    expect([...draws(a, 50), a.int(7), a.normal(), a.normal(), a.normal()]).toEqual([...draws(b, 50), b.int(7), b.normal(), b.normal(), b.normal()]);
  });

  it.each([
    [0, 1],
    [1, 2],
    [7, 2 ** 32 + 7],
    [-1, 2 ** 32 - 1],
  ])("gives different sequences for seeds %d and %d", (s, t) => {
    expect(draws(createRng(s), 8)).not.toEqual(draws(createRng(t), 8));
  });

  it("draws next() in [0, 1) with mean 0.5 ± 0.005 and variance 1/12 ± 0.002 over 100k draws", () => {
    // The mean of 100k uniforms has sd 1/sqrt(12·1e5) ≈ 0.0009, so ±0.005 is more than 5 sd.
    const xs = draws(createRng(3), 100_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it.each([2, 10, 37])("covers 0..n−1 uniformly by int(%d) (chi-square below the 0.1% critical value)", (n) => {
    // Critical values of chi-square at p = 0.001 for n − 1 degrees of freedom.
    const critical: Record<number, number> = { 2: 10.83, 10: 27.88, 37: 67.99 };
    const rng = createRng(11);
    const counts = new Array<number>(n).fill(0);
    const total = 1000 * n;
    let invalid = 0;
    for (let i = 0; i < total; i++) {
      const k = rng.int(n);
      if (Number.isInteger(k) && k >= 0 && k < n) counts[k]++;
      else invalid++;
    }
    expect(invalid).toBe(0);
    const expected = total / n;
    const chi2 = counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(chi2).toBeLessThan(critical[n]);
  });

  it("draws normal() with mean 0 ± 0.02 and sd 1 ± 0.02 over 100k draws, with tails of the right weight", () => {
    const rng = createRng(5);
    const xs = Array.from({ length: 100_000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
    // P(|X| > 1.96) = 0.05 for a standard normal; the binomial sd at 100k draws is 0.0007.
    const tail = xs.filter((x) => Math.abs(x) > 1.96).length / xs.length;
    expect(Math.abs(tail - 0.05)).toBeLessThan(0.004);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it.each([0, -3, 2.5, NaN, Infinity])("rejects int(%d)", (n) => {
    expect(() => createRng(1).int(n)).toThrow(/rng\.int: n must be a positive integer/);
  });

  it("returns 0 for int(1)", () => {
    const rng = createRng(9);
    expect(Array.from({ length: 20 }, () => rng.int(1))).toEqual(new Array(20).fill(0));
  });
});

describe("deriveRng", () => {
  it("gives the same stream for the same seed, label and indices", () => {
    expect(draws(deriveRng(4, "sample", 3), 10)).toEqual(draws(deriveRng(4, "sample", 3), 10));
  });

  it.each<[string, () => Rng]>([
    ["another seed", () => deriveRng(5, "sample", 3)],
    ["another label", () => deriveRng(4, "promote", 3)],
    ["another index", () => deriveRng(4, "sample", 4)],
    ["an extra index", () => deriveRng(4, "sample", 3, 0)],
    ["no index", () => deriveRng(4, "sample")],
  ])("gives a different stream for %s", (_, other) => {
    expect(draws(other(), 10)).not.toEqual(draws(deriveRng(4, "sample", 3), 10));
  });

  it("gives streams that do not correlate across consecutive trial numbers", () => {
    // Pearson correlation of the first draw of streams i and i + 1; |r| ≈ 1/sqrt(n) ≈ 0.01 if independent.
    const first = Array.from({ length: 10_000 }, (_, i) => deriveRng(0, "sample", i).next());
    const x = first.slice(0, -1);
    const y = first.slice(1);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const [mx, my] = [mean(x), mean(y)];
    const cov = mean(x.map((xi, i) => (xi - mx) * (y[i] - my)));
    const r = cov / Math.sqrt(mean(x.map((v) => (v - mx) ** 2)) * mean(y.map((v) => (v - my) ** 2)));
    expect(Math.abs(r)).toBeLessThan(0.05);
  });
});

describe("mixSeed and labelId", () => {
  it("depends on the order of the parts and on the high word of large numbers", () => {
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(mixSeed(1)).not.toBe(mixSeed(1 + 2 ** 32));
    expect(mixSeed(1, 2)).toBe(mixSeed(1, 2));
  });

  it("returns unsigned 32-bit integers", () => {
    for (const parts of [[0], [1, 2, 3], [-5], [2 ** 53 - 1]]) {
      const h = mixSeed(...parts);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });

  it("hashes distinct labels to distinct ids", () => {
    const labels = ["sample", "samples", "promote", "", "a", "b"];
    expect(new Set(labels.map(labelId)).size).toBe(labels.length);
    expect(labelId("sample")).toBe(labelId("sample"));
  });
});
