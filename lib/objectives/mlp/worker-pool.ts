/**
 * Worker threads for MLP training, so a training epoch never blocks the
 * server's event loop. Workers load the TypeScript sources through tsx at run
 * time (worker-entry.mjs), the same way under `next start`, `next dev`, vitest
 * and tsx.
 */
import "server-only";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker, WorkerJob } from "./worker";

/** Warm idle workers, and why workers cannot be used in this process once a start has failed (null while they work). */
type PoolState = { idle: Worker[]; broken: string | null };

const poolKey = Symbol.for("hypersieve.mlp-workers");
// On globalThis, because Next's dev server may load this module more than once.
const holder = globalThis as unknown as { [poolKey]?: PoolState };
const pool = (): PoolState => (holder[poolKey] ??= { idle: [], broken: null });

/** Idle workers kept warm; more are terminated when they finish. */
const MAX_IDLE = 4;

/** A cold start compiles the sources with tsx (about 1 s); far longer means the worker is stuck. */
const BOOT_TIMEOUT_MS = 60_000;

/** The worker's plain-JavaScript entry; the app and its tests run from the repository root, as registry.ts assumes. */
export function workerEntryPath(): string {
  return path.join(process.cwd(), "lib", "objectives", "mlp", "worker-entry.mjs");
}

// Evaluated in the new thread. A computed path inside an eval'd string keeps bundlers
// (Turbopack bundles `new Worker(path)` entries) from trying to compile the worker.
const BOOTSTRAP = `
const { parentPort, workerData } = require("node:worker_threads");
import(require("node:url").pathToFileURL(workerData.entry).href).catch((error) =>
  parentPort.postMessage({ type: "boot-error", message: String((error && error.stack) || error) }));
`;

/** Starts a worker and resolves once it is ready to take a job; rejects when it cannot start. */
function spawn(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { entry: workerEntryPath() } });
    const timer = setTimeout(() => fail(`no answer within ${BOOT_TIMEOUT_MS / 1000} s`), BOOT_TIMEOUT_MS);
    timer.unref();
    const fail = (reason: string) => {
      cleanup();
      void worker.terminate();
      reject(new Error(`the MLP training worker did not start: ${reason}`));
    };
    const onMessage = (message: FromWorker | { type: "boot-error"; message: string }) => {
      if (message.type === "ready") {
        cleanup();
        resolve(worker);
      } else if (message.type === "boot-error") fail(message.message);
    };
    const onError = (error: Error) => fail(error.message);
    const onExit = (code: number) => fail(`it exited with code ${code}`);
    function cleanup() {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    }
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

/** A ready worker (a warm idle one when there is one), or a rejection saying why workers are unavailable. */
export async function acquireWorker(): Promise<Worker> {
  const state = pool();
  if (state.broken) throw new Error(state.broken);
  const warm = state.idle.pop();
  if (warm) {
    warm.ref();
    return warm;
  }
  try {
    return await spawn();
  } catch (error) {
    state.broken = (error as Error).message;
    throw error;
  }
}

/** Returns a worker that finished its job cleanly to the pool. */
export function releaseWorker(worker: Worker): void {
  const state = pool();
  worker.removeAllListeners("message").removeAllListeners("error").removeAllListeners("exit");
  if (state.idle.length >= MAX_IDLE) {
    void worker.terminate();
    return;
  }
  // An idle worker must not keep the process (a test run, a CLI) alive.
  worker.unref();
  worker.once("exit", () => {
    const i = state.idle.indexOf(worker);
    if (i >= 0) state.idle.splice(i, 1);
  });
  state.idle.push(worker);
}

/** How the pool stands: warm idle workers, and why workers are off in this process (null while they work). */
export function workerPoolStatus(): { idle: number; broken: string | null } {
  const state = pool();
  return { idle: state.idle.length, broken: state.broken };
}

/** Terminates every idle worker (tests, shutdown). */
export async function closeIdleWorkers(): Promise<void> {
  const state = pool();
  const idle = state.idle.splice(0);
  await Promise.all(idle.map((w) => w.terminate()));
}

/** Handlers for one job's life in a worker. */
export type JobHandlers = {
  /** Called per epoch; resolves whether training goes on. */
  onEpoch: (epoch: number, metrics: Extract<FromWorker, { type: "epoch" }>["metrics"]) => boolean | Promise<boolean>;
  signal: AbortSignal;
};

/**
 * Runs one job on `worker`. Resolves when the job ends; on abort, terminates
 * the worker at once (a checkpoint write is atomic, so nothing is torn) and
 * resolves. Rejects with the worker's error when training throws.
 */
export function runJobOnWorker(worker: Worker, job: WorkerJob, handlers: JobHandlers): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, reusable: boolean) => {
      if (settled) return;
      settled = true;
      handlers.signal.removeEventListener("abort", onAbort);
      if (reusable) releaseWorker(worker);
      else {
        worker.removeAllListeners();
        void worker.terminate();
      }
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(null, false);
    const send = (message: ToWorker) => worker.postMessage(message);
    worker.on("message", (message: FromWorker) => {
      if (settled) return;
      if (message.type === "epoch") {
        Promise.resolve()
          .then(() => (handlers.signal.aborted ? false : handlers.onEpoch(message.epoch, message.metrics)))
          .then(
            (goOn) => {
              if (!settled) send({ type: "decision", goOn: goOn && !handlers.signal.aborted });
            },
            (error: unknown) => finish(error instanceof Error ? error : new Error(String(error)), false),
          );
      } else if (message.type === "done") finish(null, true);
      else if (message.type === "error") {
        const error = new Error(message.message);
        if (message.stack) error.stack = message.stack;
        finish(error, true);
      }
    });
    worker.on("error", (error) => finish(error, false));
    worker.on("exit", (code) => finish(new Error(`the MLP training worker exited with code ${code}`), false));
    if (handlers.signal.aborted) return finish(null, true);
    handlers.signal.addEventListener("abort", onAbort, { once: true });
    send({ type: "job", job });
  });
}
