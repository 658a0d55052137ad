import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Params } from "../../optimizer/space";
import { loadCheckpoint } from "./checkpoint";
import { loadDataset } from "./dataset";
import { trainJob, type EpochMetrics } from "./trainer";
import { PERTURB, SHRINK } from "./warm-start";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-warm-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const PARAMS: Params = { optimizer: "adam", lr: 0.003, weight_decay: 1e-3, width: 24, depth: 2, batch_size: 64, dropout: 0.1, activation: "relu" };

async function run(params: Params, fromEpoch: number, toEpoch: number, checkpointDir: string, warmStart?: { checkpointDir: string; epoch: number; shrinkPerturb: boolean }) {
  const curve: [number, EpochMetrics][] = [];
  await trainJob({
    dataset: loadDataset("digits"),
    params,
    seed: 7,
    fromEpoch,
    toEpoch,
    checkpointDir,
    warmStart,
    onEpoch: (epoch, m) => (curve.push([epoch, m]), true),
  });
  return curve;
}

describe("warm start of an MLP branch", () => {
  it("continues the parent's curve bit for bit with identical params and no shrink-perturb, and costs only its own epochs", async () => {
    const whole = await run(PARAMS, 0, 6, tempDir());
    const parent = tempDir();
    await run(PARAMS, 0, 3, parent);
    const child = await run(PARAMS, 3, 6, tempDir(), { checkpointDir: parent, epoch: 3, shrinkPerturb: false });
    expect(child.map(([e]) => e)).toEqual([4, 5, 6]);
    expect(child).toEqual(whole.slice(3));
  });

  it("shrinks and perturbs the copied weights: λ·w plus small seeded noise, fresh optimizer state, a different first epoch", async () => {
    const whole = await run(PARAMS, 0, 4, tempDir());
    const parent = tempDir();
    await run(PARAMS, 0, 3, parent);
    const childDir = tempDir();
    const child = await run(PARAMS, 3, 4, childDir, { checkpointDir: parent, epoch: 3, shrinkPerturb: true });
    expect(child[0][0]).toBe(4);
    expect(child[0][1].val_loss).not.toBe(whole[3][1].val_loss);
    const before = loadCheckpoint(parent, 3)!;
    const after = loadCheckpoint(childDir, 3)!;
    expect(after.model.optimizer.step).toBe(0);
    expect(after.model.optimizer.buffers.every((b) => b.every((x) => x === 0))).toBe(true);
    // The first layer's weights: the residual w' − λ·w is noise of about PERTURB × the layer's std, not zero.
    const { weightOffsets, biasOffsets } = before.model.layout;
    const w = before.model.weights.subarray(weightOffsets[0], biasOffsets[0]);
    const w2 = after.model.weights.subarray(weightOffsets[0], biasOffsets[0]);
    const rms = (xs: ArrayLike<number>, f: (i: number) => number) => Math.sqrt(Array.from({ length: xs.length }, (_, i) => f(i) ** 2).reduce((a, b) => a + b, 0) / xs.length);
    const layerStd = rms(w, (i) => w[i]);
    const noise = rms(w, (i) => w2[i] - SHRINK * w[i]);
    expect(noise).toBeGreaterThan(0.5 * PERTURB * layerStd);
    expect(noise).toBeLessThan(2 * PERTURB * layerStd);
    // Seeded: a second branch prepared the same way holds the same weights.
    const again = tempDir();
    await run(PARAMS, 3, 3, again, { checkpointDir: parent, epoch: 3, shrinkPerturb: true });
    expect(loadCheckpoint(again, 3)!.model.weights).toEqual(after.model.weights);
  });

  it("starts a branch with new params from the parent's weights, and refuses a different network shape", async () => {
    const parent = tempDir();
    await run(PARAMS, 0, 3, parent);
    const slower = await run({ ...PARAMS, lr: 0.001 }, 3, 4, tempDir(), { checkpointDir: parent, epoch: 3, shrinkPerturb: false });
    const scratch = await run({ ...PARAMS, lr: 0.001 }, 0, 1, tempDir());
    // Started from trained weights, its first epoch beats a network trained one epoch from scratch.
    expect(slower[0][1].val_loss).toBeLessThan(scratch[0][1].val_loss);
    await expect(run({ ...PARAMS, width: 32 }, 3, 4, tempDir(), { checkpointDir: parent, epoch: 3, shrinkPerturb: false })).rejects.toThrow(/2×24 network, the params ask for 2×32/);
    await expect(run(PARAMS, 2, 4, tempDir(), { checkpointDir: parent, epoch: 1, shrinkPerturb: false })).rejects.toThrow(/equal to fromEpoch/);
  });
});
