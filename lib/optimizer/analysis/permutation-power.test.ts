/**
 * Size and power of partialPermutationTest, the test behind every effect
 * the sieve declares. Size: on independent uniform data the rejection rate
 * at α = 0.05 must lie in the central 99% binomial interval of 1,000 tests
 * at rate 0.05, [33, 69] rejections (scipy.stats.binom.ppf(0.005 / 0.995,
 * 1000, 0.05)). Power: on planted effects of stated size, at least the
 * power SciPy's classical test reaches there (simulated with 4,000 draws)
 * minus 0.1, which is five standard errors of a rate over 400 seeds.
 * n = 30 trials and 199 permutations keep the whole file near a second.
 */
import { describe, expect, it } from "vitest";
import { deriveRng } from "../rng";
import { partialPermutationTest, ranks } from "./stats";

const ALPHA = 0.05;
const N = 30;
const PERMUTATIONS = 199;

type Draw = { y: number[]; reduced: number[][]; extra: number[][] };

function rejections(seeds: number, draw: (seed: number) => Draw): number {
  let count = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const { y, reduced, extra } = draw(seed);
    if (partialPermutationTest(ranks(y), reduced, extra, deriveRng(seed, "permutations"), PERMUTATIONS).p <= ALPHA) count++;
  }
  console.info(`${count} rejections in ${seeds} seeds`);
  return count;
}

function uniforms(seed: number, label: string): number[] {
  const rng = deriveRng(seed, label);
  return Array.from({ length: N }, () => rng.next());
}

function normals(seed: number, label: string, sd: number): number[] {
  const rng = deriveRng(seed, label);
  return Array.from({ length: N }, () => sd * rng.normal());
}

const centred = (xs: readonly number[]) => xs.map((x) => x - 0.5);
const squared = (xs: readonly number[]) => xs.map((x) => (x - 0.5) ** 2);

describe("partialPermutationTest under the null", () => {
  it.each([
    ["a linear term, y independent of x", (seed: number): Draw => ({ y: uniforms(seed, "y"), reduced: [], extra: [centred(uniforms(seed, "x"))] })],
    ["a linear and a quadratic term (the sieve's main-effect basis)", (seed: number): Draw => {
      const x = uniforms(seed, "x");
      return { y: uniforms(seed, "y"), reduced: [], extra: [centred(x), squared(x)] };
    }],
    ["b beyond a real effect of a (Freedman–Lane)", (seed: number): Draw => {
      const a = uniforms(seed, "a");
      const noise = normals(seed, "noise", 0.3);
      return { y: a.map((v, i) => v + noise[i]), reduced: [centred(a), squared(a)], extra: [centred(uniforms(seed, "b"))] };
    }],
  ])("rejects at α = 0.05 in 33 to 69 of 1,000 seeds: %s", (_name, draw) => {
    const count = rejections(1000, draw);
    expect(count).toBeGreaterThanOrEqual(33);
    expect(count).toBeLessThanOrEqual(69);
  });
});

describe("partialPermutationTest under a planted effect", () => {
  it("finds y = x + N(0, 0.5²) (Spearman ρ ≈ 0.5) in at least 70% of 400 seeds (SciPy's spearmanr: 80%)", () => {
    const count = rejections(400, (seed) => {
      const x = uniforms(seed, "x");
      const noise = normals(seed, "noise", 0.5);
      return { y: x.map((v, i) => v + noise[i]), reduced: [], extra: [centred(x)] };
    });
    expect(count / 400).toBeGreaterThanOrEqual(0.7);
  });

  it("finds a U shape y = 4(x − ½)² + N(0, 0.35²) with {x, x²} in at least 85% of 400 seeds (F test on ranks: 95%)", () => {
    const count = rejections(400, (seed) => {
      const x = uniforms(seed, "x");
      const noise = normals(seed, "noise", 0.35);
      return { y: squared(x).map((v, i) => 4 * v + noise[i]), reduced: [], extra: [centred(x), squared(x)] };
    });
    expect(count / 400).toBeGreaterThanOrEqual(0.85);
  });

  it("misses the U shape with a linear term alone in most seeds: why the basis has x²", () => {
    const count = rejections(400, (seed) => {
      const x = uniforms(seed, "x");
      const noise = normals(seed, "noise", 0.35);
      return { y: squared(x).map((v, i) => 4 * v + noise[i]), reduced: [], extra: [centred(x)] };
    });
    expect(count / 400).toBeLessThan(0.3);
  });
});
