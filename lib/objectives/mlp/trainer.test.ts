import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Params } from "../../optimizer/space";
import { checkpointEpochs, loadCheckpoint } from "./checkpoint";
import { loadDataset, type DatasetId } from "./dataset";
import { mlpConfig, trainJob, type EpochMetrics } from "./trainer";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-trainer-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

type Curve = [number, EpochMetrics][];

async function run(dataset: DatasetId, params: Params, fromEpoch: number, toEpoch: number, options: { checkpointDir?: string; stopAfter?: number; seed?: number } = {}) {
  const curve: Curve = [];
  const result = await trainJob({
    dataset: loadDataset(dataset),
    params,
    seed: options.seed ?? 7,
    fromEpoch,
    toEpoch,
    checkpointDir: options.checkpointDir,
    onEpoch: (epoch, metrics) => {
      curve.push([epoch, metrics]);
      return options.stopAfter === undefined || epoch < options.stopAfter;
    },
  });
  return { curve, result };
}

const SGD: Params = { optimizer: "sgd", lr: 0.05, momentum: 0.9, weight_decay: 1e-4, width: 24, depth: 2, batch_size: 50, dropout: 0.2, activation: "tanh" };
const ADAM: Params = { optimizer: "adam", lr: 0.003, weight_decay: 1e-2, width: 24, depth: 1, batch_size: 64, dropout: 0.3, activation: "relu" };

describe("mlpConfig", () => {
  it("fills defaults and names a bad value", () => {
    expect(mlpConfig({}).optimizer).toEqual({ kind: "sgd", lr: 0.01, momentum: 0.9, weightDecay: 0 });
    expect(() => mlpConfig({ batch_size: 0 })).toThrow(/param batch_size must be a positive integer, got 0/);
    expect(() => mlpConfig({ optimizer: "rmsprop" })).toThrow(/param optimizer must be one of sgd, adam/);
  });
});

describe("trainJob", () => {
  it("gives bit-identical curves for the same seed, and different ones for another seed", async () => {
    const a = await run("digits", SGD, 0, 3);
    const b = await run("digits", SGD, 0, 3);
    expect(b.curve).toEqual(a.curve);
    expect(a.curve.map(([e]) => e)).toEqual([1, 2, 3]);
    const c = await run("digits", SGD, 0, 3, { seed: 8 });
    expect(c.curve[0][1].val_loss).not.toBe(a.curve[0][1].val_loss);
  });

  it.each([["sgd with momentum", SGD], ["adam", ADAM]] as const)("%s: stop, checkpoint, resume gives exactly the uninterrupted curve and state", async (_, params) => {
    const whole = tempDir();
    const split = tempDir();
    const straight = await run("digits", params, 0, 5, { checkpointDir: whole });
    // The first job is stopped by its decision after epoch 2, like a paused trial; the second resumes from epoch 2.
    const first = await run("digits", params, 0, 5, { checkpointDir: split, stopAfter: 2 });
    expect(first.result).toEqual({ lastEpoch: 2, reason: "stopped" });
    const second = await run("digits", params, 2, 5, { checkpointDir: split });
    expect([...first.curve, ...second.curve]).toEqual(straight.curve);
    const a = loadCheckpoint(whole, 5)!;
    const b = loadCheckpoint(split, 5)!;
    expect(b.model.weights).toEqual(a.model.weights);
    expect(b.model.optimizer).toEqual(a.model.optimizer);
    expect(a.model.optimizer.step).toBe(5 * Math.ceil(loadDataset("digits").train.rows / (params.batch_size as number)));
  });

  it("resumes without a checkpoint folder by retraining silently, with the same curve", async () => {
    const straight = await run("wine", ADAM, 0, 6);
    const resumed = await run("wine", ADAM, 4, 6);
    expect(resumed.curve).toEqual(straight.curve.slice(4));
  });

  it("keeps the latest two checkpoints and the best one", async () => {
    const dir = tempDir();
    const { curve } = await run("wine", { ...ADAM, lr: 0.3 }, 0, 12, { checkpointDir: dir });
    const best = curve.reduce((b, c) => (c[1].val_loss < b[1].val_loss ? c : b))[0];
    expect(checkpointEpochs(dir)).toEqual([...new Set([best, 11, 12])].sort((x, y) => x - y));
    expect(loadCheckpoint(dir, 12)!.best!.epoch).toBe(best);
  });

  it("learns digits: validation accuracy above 0.9 within 3 epochs", async () => {
    const { curve } = await run("digits", { optimizer: "sgd", lr: 0.02, momentum: 0.9, width: 64, depth: 2, batch_size: 32, activation: "relu" }, 0, 3);
    expect(curve[2][1].val_accuracy).toBeGreaterThan(0.9);
    expect(curve[2][1].val_loss).toBeLessThan(curve[0][1].val_loss);
  });

  it("learns wine: validation accuracy above 0.9 within 10 epochs", async () => {
    const { curve } = await run("wine", { optimizer: "adam", lr: 0.01, width: 32, depth: 1, batch_size: 16 }, 0, 10);
    expect(curve[9][1].val_accuracy).toBeGreaterThan(0.9);
  });

  it("reports a diverged loss as it is and stops", async () => {
    const { curve, result } = await run("wine", { optimizer: "sgd", lr: 1e6, momentum: 0.99, width: 16, depth: 2, batch_size: 16 }, 0, 10);
    expect(result.reason).toBe("diverged");
    expect(curve).toHaveLength(result.lastEpoch);
    expect(Number.isFinite(curve[curve.length - 1][1].val_loss)).toBe(false);
    expect(curve.slice(0, -1).every(([, m]) => Number.isFinite(m.val_loss))).toBe(true);
  });

  it("refuses to resume a checkpoint into a different architecture", async () => {
    const dir = tempDir();
    await run("wine", ADAM, 0, 2, { checkpointDir: dir });
    await expect(run("wine", { ...ADAM, width: 25 }, 2, 3, { checkpointDir: dir })).rejects.toThrow(/holds a 1×24 network, the params ask for 1×25/);
  });
});
