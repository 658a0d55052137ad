/**
 * The worker-thread side of MLP training: receives jobs from the pool, trains
 * them with trainJob, and asks the main thread for a decision after every epoch.
 */
import type { MessagePort } from "node:worker_threads";
import type { Params } from "../../optimizer/space";
import { loadDataset, type DatasetId } from "./dataset";
import { trainJob, type EpochMetrics, type TrainJobResult } from "./trainer";

/** One job as it crosses the thread boundary (plain data only). */
export type WorkerJob = {
  datasetId: DatasetId;
  params: Params;
  seed: number;
  fromEpoch: number;
  toEpoch: number;
  checkpointDir?: string;
};

/** Messages from the main thread to a worker. */
export type ToWorker = { type: "job"; job: WorkerJob } | { type: "decision"; goOn: boolean };

/** Messages from a worker to the main thread. */
export type FromWorker =
  | { type: "ready" }
  | { type: "epoch"; epoch: number; metrics: EpochMetrics }
  | { type: "done"; result: TrainJobResult }
  | { type: "error"; message: string; stack?: string };

/** Runs a job in the current thread, forwarding each epoch to `port` and waiting for its decision. */
async function runJob(port: MessagePort, job: WorkerJob, decisions: AsyncQueue<boolean>): Promise<void> {
  const post = (message: FromWorker) => port.postMessage(message);
  try {
    const result = await trainJob({
      dataset: loadDataset(job.datasetId),
      params: job.params,
      seed: job.seed,
      fromEpoch: job.fromEpoch,
      toEpoch: job.toEpoch,
      checkpointDir: job.checkpointDir,
      onEpoch: (epoch, metrics) => {
        post({ type: "epoch", epoch, metrics });
        return decisions.take();
      },
    });
    post({ type: "done", result });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: "error", message: e.message, stack: e.stack });
  }
}

/** A queue whose take() waits for the next put(). */
class AsyncQueue<T> {
  private items: T[] = [];
  private waiting: ((item: T) => void)[] = [];

  put(item: T): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  take(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** Serves jobs on `port` one at a time until the thread is terminated; announces itself with "ready". */
export function serveJobs(port: MessagePort): void {
  const decisions = new AsyncQueue<boolean>();
  let running = Promise.resolve();
  port.on("message", (message: ToWorker) => {
    if (message.type === "decision") decisions.put(message.goOn);
    // Jobs are chained so a second job can never interleave with the first.
    else running = running.then(() => runJob(port, message.job, decisions));
  });
  port.postMessage({ type: "ready" } satisfies FromWorker);
}
