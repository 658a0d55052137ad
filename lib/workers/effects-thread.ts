/**
 * Runs the effect tests of one job in a new worker thread, so the server's
 * event loop never waits for the second or more they take: the dashboard's
 * analysis of stored trials and the sieve's own rounds (lib/engine).
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import { runEffectsJob, type Effect, type EffectsJob } from "../optimizer/analysis/effects";
import { runRoundJob, type RoundJob, type RoundResult } from "../optimizer/analysis/round";

// Evaluated in the new thread; a computed path keeps bundlers from compiling the worker (as the MLP pool does).
const BOOTSTRAP = `
const { parentPort, workerData } = require("node:worker_threads");
import(require("node:url").pathToFileURL(workerData.entry).href).catch((error) =>
  parentPort.postMessage({ type: "boot-error", message: String((error && error.stack) || error) }));
`;

/** Runs the tests in a new worker thread; where no worker can start, on this thread (the same result, only blocking). */
export function runInWorker(job: EffectsJob): Promise<Effect[]> {
  return inWorker(job, runEffectsJob);
}

/** Runs a sieve round's tests in a new worker thread, or on this thread where none can start. */
export function runRoundInWorker(job: RoundJob): Promise<RoundResult> {
  return inWorker(job, runRoundJob);
}

function inWorker<J, R>(job: J, here: (job: J) => R): Promise<R> {
  return new Promise((resolve) => {
    const entry = path.join(process.cwd(), "lib", "workers", "effects-worker-entry.mjs");
    let done = false;
    const finish = (result: R | null) => {
      if (done) return;
      done = true;
      void worker.terminate();
      resolve(result ?? here(job));
    };
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { entry, job } });
    worker.on("message", (m: { type: string; result?: R }) => finish(m.type === "result" ? m.result! : null));
    worker.on("error", () => finish(null));
    worker.on("exit", () => finish(null));
  });
}
