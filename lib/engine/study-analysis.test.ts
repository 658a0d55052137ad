import { describe, expect, it } from "vitest";
import { deriveRng } from "../optimizer/rng";
import { runEffectsJob, type EffectsJob } from "../workers/effects-worker";
import { runInWorker } from "../workers/effects-thread";
import { evenSample } from "./study-analysis";

function job(n: number): EffectsJob {
  const rng = deriveRng(9, "fixture");
  const observations = Array.from({ length: n }, () => {
    const z = [rng.next(), rng.next(), rng.next(), rng.next()];
    return { z, loss: (z[0] - 0.3) ** 2 + 0.5 * z[1] * z[2] + 0.05 * rng.next() };
  });
  const params = ["a", "b", "c", "d"].map((name) => ({ name, categorical: false, levels: 0 }));
  return { observations, params, seed: 4, label: "dashboard-analysis", indices: [3, n], options: { permutations: 999, bootstrap: 60 } };
}

describe("the effect tests in a worker thread", () => {
  it("give the same effects as on this thread, and leave this thread free meanwhile", async () => {
    const input = job(300);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const effects = await runInWorker(input);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(effects).toEqual(runEffectsJob(input));
    // A blocked event loop fires the interval once at the end, not every few milliseconds throughout.
    expect(ticks).toBeGreaterThan(Math.min(20, elapsed / 50));
  });
});

describe("evenSample", () => {
  it("keeps every row up to the bound, and an even spread in order beyond it", () => {
    const rows = Array.from({ length: 10 }, (_, i) => i);
    expect(evenSample(rows, 20)).toEqual(rows);
    expect(evenSample(rows, 5)).toEqual([0, 2, 4, 6, 8]);
  });
});
