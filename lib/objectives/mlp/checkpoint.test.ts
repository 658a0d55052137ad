import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkpointEpochs, checkpointPath, decodeCheckpoint, encodeCheckpoint, loadCheckpoint, pruneCheckpoints, saveCheckpoint, type TrainingState } from "./checkpoint";
import { createModel } from "./epoch";
import type { NetworkSpec } from "./network";

const spec: NetworkSpec = { inputs: 5, classes: 3, width: 7, depth: 2, activation: "tanh", dropout: 0.1 };

function state(kind: "sgd" | "adam", epoch: number): TrainingState {
  const model = createModel(spec, kind, 4);
  model.optimizer.step = 123;
  model.optimizer.buffers.forEach((b, k) => b.forEach((_, i) => (b[i] = Math.fround((k + 1) * Math.sin(i + epoch)))));
  return { epoch, model, best: { epoch: 2, valLoss: 0.25 }, meta: { params: { lr: 0.1 } } };
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-ckpt-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("checkpoint encoding", () => {
  it.each([["sgd"], ["adam"]] as const)("round-trips every bit of a %s state", (kind) => {
    const s = state(kind, 5);
    const back = decodeCheckpoint(encodeCheckpoint(s));
    expect(back.epoch).toBe(5);
    expect(back.model.spec).toEqual(spec);
    expect(back.model.weights).toEqual(s.model.weights);
    expect(back.model.optimizer).toEqual(s.model.optimizer);
    expect(back.best).toEqual({ epoch: 2, valLoss: 0.25 });
    expect(back.meta).toEqual({ params: { lr: 0.1 } });
  });

  it("is compact: a 4-byte float per value plus a small header", () => {
    const s = state("adam", 1);
    const bytes = encodeCheckpoint(s);
    const floats = s.model.weights.length * 3;
    expect(bytes.length - floats * 4).toBeLessThan(600);
  });

  it.each([
    ["a torn file", (b: Uint8Array) => b.subarray(0, b.length - 4), /payload has/],
    ["a foreign file", (b: Uint8Array) => Uint8Array.from([0x50, 0x4b, ...b.subarray(2)]), /bad magic/],
    ["a cut header", (b: Uint8Array) => b.subarray(0, 20), /truncated/],
  ])("rejects %s", (_, damage, message) => {
    expect(() => decodeCheckpoint(damage(encodeCheckpoint(state("sgd", 1))))).toThrow(message);
  });

  it("stores a diverged best loss as NaN", () => {
    const s = { ...state("sgd", 1), best: { epoch: 1, valLoss: Infinity } };
    expect(decodeCheckpoint(encodeCheckpoint(s)).best!.valLoss).toBeNaN();
  });
});

describe("checkpoint files", () => {
  it("saves, lists, loads and prunes per epoch, leaving no temporary files", () => {
    const dir = path.join(tempDir(), "trial-3");
    for (const epoch of [1, 2, 3, 4]) saveCheckpoint(dir, state("adam", epoch));
    fs.writeFileSync(checkpointPath(dir, 9) + ".1.abc.tmp", "torn");
    expect(checkpointEpochs(dir)).toEqual([1, 2, 3, 4]);
    expect(loadCheckpoint(dir, 3)!.model.optimizer.buffers[0]).toEqual(state("adam", 3).model.optimizer.buffers[0]);
    expect(loadCheckpoint(dir, 7)).toBeNull();
    pruneCheckpoints(dir, [2, 4]);
    expect(fs.readdirSync(dir).sort()).toEqual(["epoch-000002.ckpt", "epoch-000004.ckpt"]);
    expect(checkpointEpochs(path.join(dir, "missing"))).toEqual([]);
  });

  it("overwrites an epoch's checkpoint atomically", () => {
    const dir = tempDir();
    saveCheckpoint(dir, state("sgd", 1));
    const next = state("sgd", 1);
    next.model.weights[0] = 42;
    saveCheckpoint(dir, next);
    expect(loadCheckpoint(dir, 1)!.model.weights[0]).toBe(42);
    expect(fs.readdirSync(dir)).toEqual(["epoch-000001.ckpt"]);
  });
});
