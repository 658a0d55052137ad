/**
 * Runs the effect tests of one job in a worker thread, so the server's
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

/** Runs the tests in a worker thread; where no worker can start, on this thread (the same result, only blocking). */
export function runInWorker(job: EffectsJob): Promise<Effect[]> {
  return inWorker("dashboard", job, runEffectsJob);
}

/** Runs a sieve round's tests in a worker thread, or on this thread where none can start. */
export function runRoundInWorker(job: RoundJob): Promise<RoundResult> {
  return inWorker("rounds", job, runRoundJob);
}

/** Starts the rounds' thread now, if it is not running (it compiles the analysis once, about half a second, off this thread). */
export function warmRoundThread(): void {
  threadFor("rounds");
}

type Waiting = { job: unknown; here: (job: never) => unknown; resolve: (result: unknown) => void };
type Thread = { worker: Worker; waiting: Map<number, Waiting> };

/**
 * One long-lived thread per kind of work (the sieve's rounds; the dashboard's
 * tests), started on first use: starting a thread compiles the analysis
 * anew (about half a second of CPU), once per job before. Jobs of a kind run
 * one after the other. The thread keeps the process alive only while it has
 * work; if it dies, its jobs run on this thread and the next job starts a
 * new one.
 */
const threads = new Map<string, Thread>();
let nextId = 1;

function threadFor(kind: string): Thread {
  const existing = threads.get(kind);
  if (existing) return existing;
  const entry = path.join(process.cwd(), "lib", "workers", "effects-worker-entry.mjs");
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { entry, warmUp: kind === "rounds" } });
  const thread: Thread = { worker, waiting: new Map() };
  threads.set(kind, thread);
  worker.unref();
  const fail = () => {
    if (threads.get(kind) === thread) threads.delete(kind);
    for (const [id, w] of thread.waiting) {
      thread.waiting.delete(id);
      w.resolve(w.here(w.job as never));
    }
    void worker.terminate();
  };
  worker.on("message", (m: { type: string; id?: number; result?: unknown }) => {
    if (m.type === "boot-error") return fail();
    const w = m.id === undefined ? undefined : thread.waiting.get(m.id);
    if (!w) return;
    thread.waiting.delete(m.id!);
    if (thread.waiting.size === 0) worker.unref();
    w.resolve(m.type === "result" ? m.result : w.here(w.job as never));
  });
  worker.on("error", fail);
  worker.on("exit", fail);
  return thread;
}

function inWorker<J, R>(kind: string, job: J, here: (job: J) => R): Promise<R> {
  return new Promise((resolve) => {
    const thread = threadFor(kind);
    const id = nextId++;
    thread.waiting.set(id, { job, here: here as (job: never) => unknown, resolve: resolve as (result: unknown) => void });
    thread.worker.ref();
    thread.worker.postMessage({ id, job });
  });
}
