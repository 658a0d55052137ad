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
