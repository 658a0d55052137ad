/**
 * The built-in MLP objective: trains a real multilayer perceptron on one of
 * the shipped datasets and reports the validation loss per epoch. Training
 * runs in a worker thread; when workers cannot start (no tsx installed), it
 * runs in-process and hands the event loop back between mini-batches.
 */
import "server-only";
import type { ObjectiveInfo } from "../../api/schemas";
import { labelId, mixSeed } from "../../optimizer/rng";
import type { Params } from "../../optimizer/space";
import { sleep, type Objective, type TrainRequest } from "../types";
import { loadDataset, type DatasetId } from "./dataset";
import { mlpConfig, trainJob, type EpochMetrics } from "./trainer";
import { prepareWarmStart } from "./warm-start";
import { acquireWorker, runJobOnWorker } from "./worker-pool";
import type { WorkerJob } from "./worker";

const titles: Record<DatasetId, string> = {
  digits: "Digits MLP (trained live)",
  "breast-cancer": "Breast cancer MLP (trained live)",
  wine: "Wine MLP (trained live)",
};

const descriptions: Record<DatasetId, string> = {
  digits: "A multilayer perceptron trained on the UCI handwritten digits (1797 8×8 images, 10 classes); minimizes validation cross-entropy on a fixed stratified 30% split.",
  "breast-cancer": "A multilayer perceptron trained on UCI Breast Cancer Wisconsin (569 samples, 30 features, 2 classes); minimizes validation cross-entropy on a fixed stratified 30% split.",
  wine: "A multilayer perceptron trained on UCI Wine (178 samples, 13 features, 3 classes); minimizes validation cross-entropy on a fixed stratified 30% split.",
};

const maxEpochs: Record<DatasetId, number> = { digits: 30, "breast-cancer": 50, wine: 50 };

/** The default search space of the MLP objectives (names match the params trainJob reads). */
export const MLP_SPACE: ObjectiveInfo["space"] = [
  { type: "float", name: "lr", low: 1e-4, high: 1, log: true },
  { type: "float", name: "momentum", low: 0, high: 0.99 },
  { type: "categorical", name: "optimizer", choices: ["sgd", "adam"] },
  { type: "int", name: "batch_size", low: 16, high: 256, log: true },
  { type: "int", name: "width", low: 8, high: 256, log: true },
  { type: "int", name: "depth", low: 1, high: 3 },
  { type: "float", name: "weight_decay", low: 1e-6, high: 1e-2, log: true },
  { type: "float", name: "dropout", low: 0, high: 0.5 },
  { type: "categorical", name: "activation", choices: ["relu", "tanh"] },
];

/** A seed that depends on the params alone, for requests that carry none: equal configurations then train identically. */
export function paramsSeed(params: Params): number {
  const canonical = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
  return mixSeed(labelId(canonical));
}

/** Whether worker threads are used; HYPERSIEVE_MLP_WORKERS=0 forces in-process training. */
function workersWanted(): boolean {
  return process.env.HYPERSIEVE_MLP_WORKERS !== "0";
}

let warned = false;

/** Trains a job in this thread, yielding to the event loop every few milliseconds. */
async function trainInProcess(job: WorkerJob, onEpoch: (epoch: number, m: EpochMetrics) => Promise<boolean>, signal: AbortSignal): Promise<void> {
  await trainJob({
    dataset: loadDataset(job.datasetId),
    params: job.params,
    seed: job.seed,
    fromEpoch: job.fromEpoch,
    toEpoch: job.toEpoch,
    checkpointDir: job.checkpointDir,
    onEpoch,
    signal,
    yieldEveryMs: 10,
  });
}

/** The MLP objective on one shipped dataset, id "mlp:<dataset>". */
export function createMlpObjective(datasetId: DatasetId): Objective {
  const info: ObjectiveInfo = {
    id: `mlp:${datasetId}`,
    title: titles[datasetId],
    description: descriptions[datasetId],
    metric: "val_loss",
    direction: "minimize",
    maxEpochs: maxEpochs[datasetId],
    space: MLP_SPACE,
    defaultEpochDelayMs: 0,
    optimum: null,
    warmStart: true,
    // A checkpoint's weights fit only a network of the same shape.
    warmStartKeeps: ["width", "depth"],
  };
  return {
    info,
    async train(request: TrainRequest) {
      if (request.signal.aborted) return;
      const seed = request.seed ?? paramsSeed(request.params);
      // Prepared before the first await: the parent is not training now, but may be as soon as this tick ends, and its pruning could remove the checkpoint.
      if (request.warmStart) {
        if (!request.checkpointDir) throw new Error("a warm start needs the trial's checkpoint folder");
        prepareWarmStart(request.warmStart, request.checkpointDir, mlpConfig(request.params), request.params, seed);
      }
      const job: WorkerJob = {
        datasetId,
        params: request.params,
        seed,
        fromEpoch: request.fromEpoch,
        toEpoch: request.toEpoch,
        checkpointDir: request.checkpointDir,
      };
      const onEpoch = async (epoch: number, m: EpochMetrics): Promise<boolean> => {
        if (request.signal.aborted) return false;
        const decision = await request.report(epoch, m.val_loss, { val_accuracy: m.val_accuracy, train_loss: m.train_loss });
        if (decision !== "continue" || request.signal.aborted) return false;
        await sleep(request.epochDelayMs, request.signal);
        return !request.signal.aborted;
      };
      if (workersWanted()) {
        let worker;
        try {
          worker = await acquireWorker();
        } catch (error) {
          if (!warned) console.warn(`${(error as Error).message}; training MLP trials in-process instead`);
          warned = true;
        }
        if (worker) return runJobOnWorker(worker, job, { onEpoch, signal: request.signal });
      }
      return trainInProcess(job, onEpoch, request.signal);
    },
  };
}
