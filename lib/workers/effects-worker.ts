/**
 * The effect tests in a worker thread, so a dashboard request never blocks the
 * server's event loop for the second or more they take. Loaded through tsx
 * without the react-server condition (effects-worker-entry.mjs), so it imports
 * only the pure analysis and is not marked server-only.
 */
import { runEffectsJob, type EffectsJob } from "../optimizer/analysis/effects";

export { runEffectsJob, type EffectsJob };

/** The worker's side: run the job it was started with, post the effects back. */
export function serveEffects(port: { postMessage(message: unknown): void }, job: EffectsJob): void {
  try {
    port.postMessage({ type: "result", effects: runEffectsJob(job) });
  } catch (error) {
    port.postMessage({ type: "error", message: String((error as Error)?.stack ?? error) });
  }
}
