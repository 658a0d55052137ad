/**
 * Scrambled Sobol sampling: a low-discrepancy sequence whose first 2^m points
 * fill the unit cube far more evenly than independent uniform draws.
 * Scrambling is Matoušek's random linear matrix scramble plus a digital
 * shift, seeded once per study, so point n of a study is a pure function of
 * the study's seed and n.
 */
import { createRng, mixSeed, labelId, type Rng } from "../rng";
import { decode } from "../space";
import type { Sampler } from "../types";

/**
 * Joe–Kuo direction numbers (new-joe-kuo-6.21201) for dimensions 2–32: the
 * degree s of the primitive polynomial, its coefficient a, then m_1..m_s.
 * @see https://web.maths.unsw.edu.au/~fkuo/sobol/ (Joe and Kuo 2008, SIAM J. Sci. Comput. 30)
 */
const JOE_KUO =
  "1 0 1|2 1 1 3|3 1 1 3 1|3 2 1 1 1|4 1 1 1 3 3|4 4 1 3 5 13|5 2 1 1 5 5 17|5 4 1 1 5 5 5|5 7 1 1 7 11 19|" +
  "5 11 1 1 5 1 1|5 13 1 1 1 3 11|5 14 1 3 5 5 31|6 1 1 3 3 9 7 49|6 13 1 1 1 15 21 21|6 16 1 3 1 13 27 49|" +
  "6 19 1 1 1 15 7 5|6 22 1 3 1 15 13 25|6 25 1 1 5 5 19 61|7 1 1 3 7 11 23 15 103|7 4 1 3 7 13 13 15 69|" +
  "7 7 1 1 3 13 7 35 63|7 8 1 3 5 9 1 25 53|7 14 1 3 1 13 9 35 107|7 19 1 3 1 5 27 61 31|7 21 1 1 5 11 19 41 61|" +
  "7 28 1 3 5 3 3 13 69|7 31 1 1 7 13 1 19 1|7 32 1 3 7 5 13 19 59|7 37 1 1 3 9 25 29 41|7 41 1 3 5 13 23 1 55|" +
  "7 42 1 3 7 3 13 59 17";

const BITS = 32;

/** The largest dimension with Joe–Kuo direction numbers here; beyond it the sampler draws uniformly. */
export const SOBOL_MAX_DIMENSIONS = 32;

/** Unscrambled direction numbers of one dimension (0-based), as 32-bit columns v_1..v_32. */
function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let j = 0; j < BITS; j++) v[j] = (1 << (BITS - 1 - j)) >>> 0;
    return v;
  }
  const [s, a, ...m] = JOE_KUO.split("|")[dim - 1].split(" ").map(Number);
  for (let j = 0; j < s; j++) v[j] = (m[j] << (BITS - 1 - j)) >>> 0;
  for (let j = s; j < BITS; j++) {
    let x = (v[j - s] ^ (v[j - s] >>> s)) >>> 0;
    for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x = (x ^ v[j - k]) >>> 0;
    v[j] = x;
  }
  return v;
}

/** Left-multiplies every column by a random unit lower-triangular bit matrix (bit 0 is the most significant). */
function scrambleColumns(v: Uint32Array, rng: Rng): Uint32Array {
  // Row i of L, as a mask over source bits k ≤ i, MSB-first.
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    let mask = (1 << (BITS - 1 - i)) >>> 0;
    for (let k = 0; k < i; k++) if (rng.next() < 0.5) mask = (mask | (1 << (BITS - 1 - k))) >>> 0;
    rows[i] = mask;
  }
  return v.map((col) => {
    let out = 0;
    for (let i = 0; i < BITS; i++) if (popcount(col & rows[i]) & 1) out |= 1 << (BITS - 1 - i);
    return out >>> 0;
  });
}

function popcount(x: number): number {
  let n = x >>> 0;
  n = n - ((n >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** A scrambled Sobol sequence in `dimensions` dimensions; `point(n)` is its n-th point (n ≥ 0). */
export function sobolSequence(dimensions: number, seed: number, options: { scramble?: boolean } = {}): { point(n: number): number[] } {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > SOBOL_MAX_DIMENSIONS) {
    throw new RangeError(`sobol: dimensions must be an integer in 1..${SOBOL_MAX_DIMENSIONS}, got ${dimensions}`);
  }
  const scramble = options.scramble ?? true;
  const rng = createRng(mixSeed(seed, labelId("sobol-scramble")));
  const columns: Uint32Array[] = [];
  const shifts: number[] = [];
  for (let d = 0; d < dimensions; d++) {
    const v = directionNumbers(d);
    columns.push(scramble ? scrambleColumns(v, rng) : v);
    shifts.push(scramble ? Math.floor(rng.next() * 2 ** BITS) >>> 0 : 0);
  }
  return {
    point(n: number): number[] {
      if (!Number.isInteger(n) || n < 0 || n >= 2 ** BITS) throw new RangeError(`sobol: index must be in 0..2^32-1, got ${n}`);
      return columns.map((v, d) => {
        let x = shifts[d];
        let rest = n;
        for (let j = 0; rest > 0; j++, rest = Math.floor(rest / 2)) if (rest % 2 === 1) x = (x ^ v[j]) >>> 0;
        // Half a cell of 2^-32 keeps every coordinate strictly inside (0, 1).
        return (x + 0.5) / 2 ** BITS;
      });
    },
  };
}

/**
 * Scrambled Sobol sampling: trial n takes point n of a sequence scrambled
 * once from the study's seed (Owen 1998; Matoušek 1998, J. Complexity 14).
 * Coordinates past the 32nd dimension are drawn uniformly from the trial's Rng.
 * @see arXiv:2008.08051 (Owen, "On dropping the first Sobol' point")
 */
export function sobolSampler(options: { seed?: number } = {}): Sampler {
  const seed = options.seed ?? 0;
  let cached: { dimensions: number; sequence: { point(n: number): number[] } } | null = null;
  return {
    name: "sobol",
    sample(view, rng, trialNumber) {
      const d = Math.min(view.space.length, SOBOL_MAX_DIMENSIONS);
      if (cached === null || cached.dimensions !== d) cached = { dimensions: d, sequence: sobolSequence(d, seed) };
      const z = cached.sequence.point(trialNumber);
      while (z.length < view.space.length) z.push(rng.next());
      return decode(view.space, z);
    },
  };
}
