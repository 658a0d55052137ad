/**
 * Seeded pseudo-random numbers. The optimizer core never reads Math.random:
 * every random draw comes from an Rng that was passed in, so a run is a pure
 * function of its seed and its history.
 */

/** A deterministic random stream (sfc32, seeded through splitmix32). */
export interface Rng {
  /** A float uniform on [0, 1). */
  next(): number;
  /** An integer uniform on [0, n). */
  int(n: number): number;
  /** A standard normal draw (Box–Muller). */
  normal(): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Mixes any number of integers (seed, stream labels, trial numbers) into one 32-bit seed. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const words = [part >>> 0, Math.floor(part / 0x100000000) >>> 0];
    for (const w of words) {
      h = Math.imul(h ^ w, 0x01000193) >>> 0;
      h = splitmix32(h)();
    }
  }
  return h >>> 0;
}

/** Hashes a label such as "sample" into an integer stream id. */
export function labelId(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Creates a seeded stream; the same seed always gives the same sequence. */
export function createRng(seed: number): Rng {
  const init = splitmix32(mixSeed(seed));
  let a = init(), b = init(), c = init(), d = init();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  let spare: number | null = null;
  const next = (): number => {
    // 53 bits of randomness from two 32-bit words.
    const hi = u32() >>> 5;
    const lo = u32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  };
  return {
    next,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rng.int: n must be a positive integer, got ${n}`);
      return Math.floor(next() * n);
    },
    normal(): number {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** A stream derived from a seed and labels, independent of every other (seed, labels) pair. */
export function deriveRng(seed: number, label: string, ...indices: number[]): Rng {
  return createRng(mixSeed(seed, labelId(label), ...indices));
}
