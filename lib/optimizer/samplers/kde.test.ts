import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import type { Space } from "../space";
import { Kde, normalReferenceBandwidths } from "./kde";

const line: Space = [{ type: "float", name: "x", low: 0, high: 1 }];
const colour: Space = [{ type: "categorical", name: "c", choices: ["r", "g", "b", "y"] }];

describe("normalReferenceBandwidths", () => {
  it.each([
    // 1.06 · σ · n^(−1/5) with σ the population standard deviation: points 0.2, 0.4 have σ = 0.1.
    { space: line, points: [[0.2], [0.4]], expected: 1.06 * 0.1 * 2 ** -0.2 },
    { space: line, points: [[0.5], [0.5], [0.5]], expected: 1e-3 },
    // Codes 0 and 3: σ = 1.5, so λ is capped at (k − 1)/k = 0.75.
    { space: colour, points: [[0.1], [0.9]], expected: 0.75 },
  ])("gives $expected for $points", ({ space, points, expected }) => {
    expect(normalReferenceBandwidths(space, points, 1e-3)[0]).toBeCloseTo(expected, 12);
  });
});

describe("Kde", () => {
  it("has a numeric density that integrates to 1 away from the edges", () => {
    const kde = new Kde(line, [[0.45], [0.5], [0.55]], 1e-3);
    let mass = 0;
    for (let i = 0; i < 10_000; i++) mass += Math.exp(kde.logPdf([(i + 0.5) / 10_000])) / 10_000;
    expect(mass).toBeCloseTo(1, 4);
  });

  it("gives every choice of a categorical parameter a probability, 1 − λ to the observed one, summing to 1", () => {
    const kde = new Kde(colour, [[0.1], [0.1], [0.1], [0.4]], 1e-3);
    const lambda = kde.bandwidths[0];
    const p = [0.1, 0.4, 0.6, 0.9].map((z) => Math.exp(kde.logPdf([z])));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]).toBeCloseTo(0.75 * (1 - lambda) + 0.25 * (lambda / 3), 12);
    expect(p[3]).toBeGreaterThan(0);
  });

  it.each([1, 3])("draws numeric coordinates inside [0, 1] around the observations, with the bandwidth widened %i times", (widen) => {
    const kde = new Kde(line, [[0.3], [0.32], [0.34]], 1e-3);
    const rng = createRng(9);
    const xs = Array.from({ length: 4000 }, () => kde.sample(rng, widen)[0]);
    expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
    // A uniform pick among the centres (variance 0.02² · 2/3) plus a Gaussian of the widened bandwidth; threshold 5 %.
    const expected = Math.sqrt((widen * kde.bandwidths[0]) ** 2 + (0.02 ** 2 * 2) / 3);
    expect(mean).toBeCloseTo(0.32, 2);
    expect(Math.abs(sd / expected - 1)).toBeLessThan(0.05);
  });
});
