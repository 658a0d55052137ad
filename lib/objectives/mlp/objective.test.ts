import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Decision } from "../../optimizer/types";
import { spaceProblems, type Params, type Space } from "../../optimizer/space";
import type { TrainRequest } from "../types";
import { createMlpObjective } from "./objective";
import { loadDataset } from "./dataset";
import { trainJob } from "./trainer";
import { closeIdleWorkers, workerPoolStatus } from "./worker-pool";

type Report = [number, number, Record<string, number> | undefined];

/** Trains through the objective; `decide` answers each report. */
async function train(datasetId: "digits" | "wine", params: Params, fromEpoch: number, toEpoch: number, decide: (epoch: number) => Decision = () => "continue", extra: Partial<TrainRequest> = {}) {
  const reports: Report[] = [];
  const controller = new AbortController();
  const done = createMlpObjective(datasetId).train({
    params,
    fromEpoch,
    toEpoch,
    epochDelayMs: 0,
    seed: 5,
    signal: controller.signal,
    report: (epoch, value, more) => {
      reports.push([epoch, value, more]);
      return decide(epoch);
    },
    ...extra,
  });
  return { reports, controller, done };
}

const SMALL: Params = { optimizer: "adam", lr: 0.01, width: 16, depth: 1, batch_size: 32, dropout: 0.1, activation: "relu" };
const BIG: Params = { optimizer: "sgd", lr: 0.01, width: 256, depth: 3, batch_size: 16, activation: "tanh" };

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

/** Polls `condition` every 5 ms; fails after `timeoutMs`. */
async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const dirs: string[] = [];
afterEach(() => {
  delete process.env.HYPERSIEVE_MLP_WORKERS;
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});
afterAll(() => closeIdleWorkers());

describe("createMlpObjective", () => {
  it.each([["digits", 30], ["breast-cancer", 50], ["wine", 50]] as const)("describes mlp:%s with a valid space", (id, maxEpochs) => {
    const { info } = createMlpObjective(id);
    expect(info).toMatchObject({ id: `mlp:${id}`, metric: "val_loss", direction: "minimize", maxEpochs, defaultEpochDelayMs: 0, optimum: null });
    expect(spaceProblems(info.space as Space)).toEqual([]);
    expect(info.space.map((p) => p.name)).toEqual(["lr", "momentum", "optimizer", "batch_size", "width", "depth", "weight_decay", "dropout", "activation"]);
  });
});

describe.each([["a worker thread", "1"], ["in-process", "0"]])("training in %s", (_, workers) => {
  it("reports val_loss with val_accuracy and train_loss, and no epoch after a stop", async () => {
    process.env.HYPERSIEVE_MLP_WORKERS = workers;
    const { reports, done } = await train("wine", SMALL, 0, 10, (epoch) => (epoch === 3 ? "stop" : "continue"));
    await done;
    await settle();
    expect(reports.map(([e]) => e)).toEqual([1, 2, 3]);
    expect(Object.keys(reports[0][2]!).sort()).toEqual(["train_loss", "val_accuracy"]);
    expect(reports[2][1]).toBeLessThan(reports[0][1]);
    // The worker case must really have run in a worker, not fallen back.
    if (workers === "1") expect(workerPoolStatus()).toEqual({ idle: 1, broken: null });
  });

  it("rejects with the error that names a bad param", async () => {
    process.env.HYPERSIEVE_MLP_WORKERS = workers;
    const { reports, done } = await train("wine", { ...SMALL, batch_size: 0 }, 0, 3);
    await expect(done).rejects.toThrow(/param batch_size must be a positive integer, got 0/);
    expect(reports).toEqual([]);
  });

  it("ends on a pause like on a stop", async () => {
    process.env.HYPERSIEVE_MLP_WORKERS = workers;
    const { reports, done } = await train("wine", SMALL, 0, 10, () => "pause");
    await done;
    await settle();
    expect(reports).toHaveLength(1);
  });

  it("returns promptly on abort, mid-epoch, and reports nothing after it", async () => {
    process.env.HYPERSIEVE_MLP_WORKERS = workers;
    // One whole first epoch (slow: width 256, batch 16), timed on this machine as it is loaded now; it also warms the worker.
    const timed = await train("digits", BIG, 0, 1);
    const started = performance.now();
    await waitUntil(() => timed.reports.length === 1, 60_000);
    const epochMs = performance.now() - started;
    await timed.done;
    const { reports, controller, done } = await train("digits", BIG, 0, 30);
    // Mid-epoch: the job holds the worker (or runs in-process) and a third of an epoch's time has passed. On a busy
    // machine an epoch may already have ended by then; the abort then falls in a later epoch, which is as good.
    const t = performance.now();
    await waitUntil(() => (workers === "0" || workerPoolStatus().idle === 0) && performance.now() - t >= epochMs / 3, 60_000);
    const count = reports.length;
    const t0 = performance.now();
    controller.abort();
    await done;
    // Promptly: in well under the rest of an epoch; training in-process notices the abort within one 10 ms slice.
    expect(performance.now() - t0).toBeLessThan(epochMs / 3);
    await settle();
    expect(reports).toHaveLength(count);
  });

  it("resumes from its checkpoint folder onto exactly the curve of one uninterrupted job", async () => {
    process.env.HYPERSIEVE_MLP_WORKERS = workers;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-objective-"));
    dirs.push(dir);
    const first = await train("wine", SMALL, 0, 3, () => "continue", { checkpointDir: dir });
    await first.done;
    const second = await train("wine", SMALL, 3, 5, () => "continue", { checkpointDir: dir });
    await second.done;
    const straight: [number, number][] = [];
    await trainJob({ dataset: loadDataset("wine"), params: SMALL, seed: 5, fromEpoch: 0, toEpoch: 5, onEpoch: (e, m) => straight.push([e, m.val_loss]) > 0 });
    expect([...first.reports, ...second.reports].map(([e, v]) => [e, v])).toEqual(straight);
  });
});

