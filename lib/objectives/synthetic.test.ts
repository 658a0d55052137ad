import { describe, expect, it } from "vitest";
import { createRng } from "../optimizer/rng";
import { decode, SpaceError, spaceProblems, type Params } from "../optimizer/space";
import { branin, curveShape, hartmann6, lrLike, SYNTHETIC_FUNCTIONS, syntheticFunction, type SyntheticFunction } from "./synthetic";

function randomPoints(f: SyntheticFunction, n: number, seed: number): Params[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => decode(f.space, f.space.map(() => rng.next())));
}

function curve(f: SyntheticFunction, params: Params): number[] {
  return Array.from({ length: f.maxEpochs }, (_, e) => f.valueAt(params, e + 1));
}

const cases = SYNTHETIC_FUNCTIONS.map((f) => [f.id, f] as const);

describe("synthetic functions", () => {
  it("have unique ids, valid spaces and the documented optima", () => {
    expect(new Set(SYNTHETIC_FUNCTIONS.map((f) => f.id)).size).toBe(SYNTHETIC_FUNCTIONS.length);
    for (const f of SYNTHETIC_FUNCTIONS) expect(spaceProblems(f.space), f.id).toEqual([]);
    expect(branin.optimum).toBeCloseTo(0.397887, 6);
    expect(hartmann6.optimum).toBeCloseTo(-3.32237, 5);
    expect(branin.argmins).toHaveLength(3);
    expect(hartmann6.space).toHaveLength(6);
  });

  it("finds each function by id and nothing for an unknown id", () => {
    for (const f of SYNTHETIC_FUNCTIONS) expect(syntheticFunction(f.id)).toBe(f);
    expect(syntheticFunction("synthetic:nope")).toBeUndefined();
  });

  it.each(cases)("%s reaches its optimum at every known argmin", (_, f) => {
    for (const a of f.argmins) {
      expect(Math.abs(f.finalValue(a) - f.optimum)).toBeLessThan(1e-4);
      expect(Math.abs(f.valueAt(a, f.maxEpochs) - f.optimum)).toBeLessThan(1e-4);
    }
  });

  it.each(cases)("%s: no point of 10k seeded random ones beats the optimum", (_, f) => {
    let best = Infinity;
    for (const p of randomPoints(f, 10_000, 1)) best = Math.min(best, f.finalValue(p));
    expect(best).toBeGreaterThanOrEqual(f.optimum);
    // The sample must come near the optimum, or the bound above proves nothing.
    expect(best - f.optimum).toBeLessThan(0.5);
  });

  it.each(cases)("%s: no epoch of any curve beats the optimum or its own final value", (_, f) => {
    let belowFinal = 0;
    let lowest = Infinity;
    for (const p of [...f.argmins, ...randomPoints(f, 500, 2)]) {
      const final = f.finalValue(p);
      for (const v of curve(f, p)) {
        if (v < final) belowFinal++;
        lowest = Math.min(lowest, v);
      }
    }
    expect(belowFinal).toBe(0);
    expect(lowest).toBeGreaterThanOrEqual(f.optimum - 1e-12);
  });

  it.each(cases)("%s: curves end exactly at f(x) and start near f(x) + gap", (_, f) => {
    for (const p of randomPoints(f, 500, 3)) {
      const final = f.finalValue(p);
      expect(Math.abs(f.valueAt(p, f.maxEpochs) - final)).toBeLessThan(1e-9);
      const first = f.valueAt(p, 1) - final;
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(f.gap + f.noise);
    }
  });

  it.each(cases)("%s: curves follow the documented formula, noise within [0, σ(1 − e/T))", (_, f) => {
    let noisy = 0;
    for (const p of randomPoints(f, 200, 4)) {
      const k = 0.5 * 50 ** f.speed(p);
      for (let e = 1; e <= f.maxEpochs; e++) {
        const u = e / f.maxEpochs;
        const noise = f.valueAt(p, e) - f.finalValue(p) - f.gap * curveShape(k, u);
        expect(noise).toBeGreaterThanOrEqual(-1e-9);
        expect(noise).toBeLessThanOrEqual(f.noise * (1 - u) + 1e-9);
        if (noise > 1e-3 * f.noise) noisy++;
      }
    }
    // Most epochs before the last carry some noise: curves are not perfectly smooth.
    expect(noisy).toBeGreaterThan(200 * (f.maxEpochs - 1) * 0.9);
  });

  it.each(cases)("%s: curves are deterministic and ignore the order of the params' keys", (_, f) => {
    for (const p of randomPoints(f, 50, 5)) {
      const reversed = Object.fromEntries(Object.entries(p).reverse());
      expect(curve(f, p)).toEqual(curve(f, p));
      expect(curve(f, reversed)).toEqual(curve(f, p));
    }
  });

  it.each(cases)("%s: configurations learn at different speeds, and early leaders do not always finish first", (_, f) => {
    const points = randomPoints(f, 400, 6);
    const speeds = points.map((p) => f.speed(p));
    expect(Math.max(...speeds) - Math.min(...speeds)).toBeGreaterThan(0.5);
    let swapped = 0;
    for (let i = 0; i + 1 < points.length; i += 2) {
      const [a, b] = [points[i], points[i + 1]];
      const early = f.valueAt(a, 3) < f.valueAt(b, 3);
      const late = f.finalValue(a) < f.finalValue(b);
      if (early !== late) swapped++;
    }
    // Some pairs swap ranks between epoch 3 and the end, but early ranks still carry information.
    expect(swapped).toBeGreaterThan(5);
    expect(swapped).toBeLessThan(100);
  });

  it("lr-like: a too-large learning rate leads early and ends worse than the best one", () => {
    const fast = { lr: 0.1, optimizer: "adam", irrelevant: 0.3 };
    const best = { lr: 0.002, optimizer: "adam", irrelevant: 0.3 };
    expect(lrLike.valueAt(fast, 3)).toBeLessThan(lrLike.valueAt(best, 3));
    expect(lrLike.valueAt(fast, lrLike.maxEpochs)).toBeGreaterThan(lrLike.valueAt(best, lrLike.maxEpochs));
  });

  it("lr-like: the optimum is interior in lr and depends on the optimizer", () => {
    const at = (lr: number, optimizer: string) => lrLike.finalValue({ lr, optimizer, irrelevant: 0.5 });
    for (const [optimizer, bestLr] of [["sgd", 0.05], ["adam", 0.002], ["rmsprop", 0.001]] as const) {
      expect(at(bestLr, optimizer)).toBeLessThan(at(bestLr * 3, optimizer));
      expect(at(bestLr, optimizer)).toBeLessThan(at(bestLr / 3, optimizer));
    }
    expect(at(0.002, "adam")).toBeLessThan(at(0.05, "sgd"));
  });

  it("lr-like: `irrelevant` changes neither f nor the speed", () => {
    for (const p of randomPoints(lrLike, 200, 7)) {
      const other = { ...p, irrelevant: 1 - (p.irrelevant as number) };
      expect(lrLike.finalValue(other)).toBe(lrLike.finalValue(p));
      expect(lrLike.speed(other)).toBe(lrLike.speed(p));
    }
  });

  it.each([
    ["epoch 0", 0],
    ["an epoch past maxEpochs", 31],
    ["a fractional epoch", 1.5],
  ])("rejects %s", (_, epoch) => {
    expect(() => branin.valueAt({ x1: 0, x2: 0 }, epoch)).toThrow(/epoch must be an integer in 1\.\.30/);
  });

  it.each([
    ["a value out of range", { x1: 11, x2: 0 }, /x1: 11 is outside \[-5, 10\]/],
    ["a missing parameter", { x1: 0 }, /x2 is missing/],
    ["an unknown parameter", { x1: 0, x2: 0, x3: 1 }, /x3 is not a parameter/],
  ])("rejects %s, naming the parameter", (_, params, message) => {
    expect(() => branin.valueAt(params, 1)).toThrow(SpaceError);
    expect(() => branin.valueAt(params, 1)).toThrow(message);
  });
});
