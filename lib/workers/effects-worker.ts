/**
 * The effect tests in a worker thread, so a dashboard request never blocks the
 * server's event loop for the second or more they take. Loaded through tsx
 * without the react-server condition (effects-worker-entry.mjs), so it imports
 * only the pure analysis and is not marked server-only.
 */
import { runEffectsJob, type EffectsJob } from "../optimizer/analysis/effects";
import { runRoundJob, type RoundJob } from "../optimizer/analysis/round";

export { runEffectsJob, type EffectsJob };

/** The worker's side: run the job it was started with (effect tests for the dashboard, or a sieve round), post the result back. */
export function serveEffects(port: { postMessage(message: unknown): void }, job: EffectsJob | RoundJob): void {
  try {
    port.postMessage({ type: "result", result: "fidelity" in job ? runRoundJob(job) : runEffectsJob(job) });
  } catch (error) {
    port.postMessage({ type: "error", message: String((error as Error)?.stack ?? error) });
  }
}

/**
 * A round of the size a sieve's first one has (24 trials, six numeric params
 * and a categorical one, one planted effect), made up and thrown away. Run a
 * few times when a long-lived thread starts, it lets V8 compile the tests'
 * hot loops before the study's first round needs them. That round of a
 * PyTorch study took 104 ms on its first run in a fresh process and 26–55 ms
 * on the next five; in the thread, 105–156 ms cold and 57–76 ms after the
 * warm-up. New trials wait for it.
 */
export function warmUpRound(): RoundJob {
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const observations = Array.from({ length: 24 }, () => {
    const z = [next(), next(), next(), next(), next(), next(), next() < 0.5 ? 0.25 : 0.75];
    return { z, loss: z[0] + 0.3 * next() };
  });
  const params = [...["a", "b", "c", "d", "e", "f"].map((name) => ({ name, categorical: false, levels: 0 })), { name: "g", categorical: true, levels: 2 }];
  return { effects: { observations, params, seed: 0, label: "warm-up", indices: [0], options: { alpha: 0.05, permutations: 1999, bootstrap: 60 } }, fidelity: null };
}
