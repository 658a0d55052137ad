// The PyTorch example's checkpoint policy, through the command objective: checkpoints at a job's last epoch (and
// every checkpoint_seconds), and a job that resumes from a checkpoint older than its from_epoch trains the epochs
// since again, whose lines are dropped as repeats, on exactly the uninterrupted curve. Needs /usr/bin/python3 with
// torch and scikit-learn (Debian: python3-torch python3-sklearn); skipped without them.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCommandObjective, type CommandJobSummary, type CommandSpec } from "../lib/objectives/command";
import type { Decision } from "../lib/optimizer/types";

const PYTHON = "/usr/bin/python3";
const hasTorch = fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import torch, sklearn"], { stdio: "ignore" }).status === 0;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-pytorch-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function spec(protocol: CommandSpec["protocol"], flags: string[] = []): CommandSpec {
  return {
    argv: [PYTHON, path.resolve("examples/pytorch/train.py"), "--width", "16", "--batch-size", "64", ...flags],
    cwd: root,
    direction: "minimize",
    maxEpochs: 10,
    space: [{ type: "float", name: "lr", low: 0.001, high: 0.1, log: true }],
    protocol,
    graceMs: 5000,
  };
}

const checkpoints = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => /^epoch-\d+\.pt$/.test(f))
    .sort((a, b) => Number(a.slice(6, -3)) - Number(b.slice(6, -3)));

describe.skipIf(!hasTorch)("the PyTorch example's checkpoints", () => {
  it("saves at each job's last epoch, and a resume from an older checkpoint gives the same curve, its replayed epochs dropped", async () => {
    const dir = fs.mkdtempSync(path.join(root, "trial-"));
    const summaries: CommandJobSummary[] = [];
    const objective = createCommandObjective(spec("worker"), { onJobEnd: (s) => summaries.push(s) });
    const points: [number, number][] = [];
    const seen: string[][] = [];
    const job = (fromEpoch: number, toEpoch: number, last: Decision) =>
      objective.train({
        params: { lr: 0.01 },
        fromEpoch,
        toEpoch,
        epochDelayMs: 0,
        seed: 3,
        trial: { studyId: 1, number: 0 },
        checkpointDir: dir,
        signal: new AbortController().signal,
        report(epoch, value) {
          points.push([epoch, value]);
          seen.push(checkpoints(dir));
          return epoch === toEpoch ? last : "continue";
        },
      });
    // Two jobs on one process (worker protocol): epochs 1–3, then 4–6. The program runs ahead of the reports it
    // prints, so the folder is read when each job has ended: it keeps the newest two, so a save at epoch 2 (or 5)
    // would show beside epoch 3's (or 6's).
    await job(0, 3, "pause");
    expect(checkpoints(dir)).toEqual(["epoch-3.pt"]);
    await job(3, 6, "pause");
    await objective.release!();
    expect(checkpoints(dir)).toEqual(["epoch-3.pt", "epoch-6.pt"]);
    // A job's last checkpoint is saved before its line.
    expect(seen[2]).toContain("epoch-3.pt");
    expect(seen[5]).toContain("epoch-6.pt");
    expect(summaries.map((s) => s.reusedProcess)).toEqual([false, true]);

    // A crash after epoch 5 was recorded: the newest checkpoint (epoch 3) is older than from_epoch 5.
    fs.rmSync(path.join(dir, "epoch-6.pt"));
    const resumed: [number, number][] = [];
    const perJob = createCommandObjective(spec("per-job"), { onJobEnd: (s) => summaries.push(s) });
    await perJob.train({
      params: { lr: 0.01 },
      fromEpoch: 5,
      toEpoch: 6,
      epochDelayMs: 0,
      seed: 3,
      trial: { studyId: 1, number: 0 },
      checkpointDir: dir,
      signal: new AbortController().signal,
      report(epoch, value) {
        resumed.push([epoch, value]);
        return "continue";
      },
    });
    // Epochs 4 and 5 were trained again from epoch 3's checkpoint and dropped; epoch 6 is the uninterrupted one's.
    expect(summaries[2]).toMatchObject({ outcome: "completed", repeatedEpochs: 2, error: null });
    expect(resumed).toEqual([points[5]]);
  });

  it("saves every epoch with --checkpoint-seconds 0, keeping the newest two", async () => {
    const dir = fs.mkdtempSync(path.join(root, "trial-"));
    const seen: string[][] = [];
    await createCommandObjective(spec("per-job", ["--checkpoint-seconds", "0"])).train({
      params: { lr: 0.01 },
      fromEpoch: 0,
      toEpoch: 4,
      epochDelayMs: 0,
      seed: 3,
      trial: { studyId: 1, number: 0 },
      checkpointDir: dir,
      signal: new AbortController().signal,
      report() {
        seen.push(checkpoints(dir));
        return "continue";
      },
    });
    // Epoch 3 was saved too (the default policy saves only at the job's last epoch, epoch 4); the newest two are kept.
    expect(checkpoints(dir)).toEqual(["epoch-3.pt", "epoch-4.pt"]);
    expect(seen[3]).toContain("epoch-4.pt");
  });

  it("starts a branch from its parent's weights with its own learning rate, not the one the parent's optimizer state holds", async () => {
    const parentDir = fs.mkdtempSync(path.join(root, "parent-"));
    const parentPoints: number[] = [];
    const run = (params: { lr: number }, dir: string, fromEpoch: number, toEpoch: number, into: number[], warmStart?: { checkpointDir: string; epoch: number; shrinkPerturb: boolean }) =>
      createCommandObjective(spec("per-job")).train({
        params,
        fromEpoch,
        toEpoch,
        epochDelayMs: 0,
        seed: 3,
        trial: { studyId: 1, number: into === parentPoints ? 0 : 1 },
        checkpointDir: dir,
        signal: new AbortController().signal,
        ...(warmStart ? { warmStart } : {}),
        report(epoch, value) {
          into.push(value);
          return "continue";
        },
      });
    await run({ lr: 0.1 }, parentDir, 0, 3, parentPoints);
    expect(checkpoints(parentDir)).toContain("epoch-3.pt");
    // The branch's lr is so small that its weights do not move: its first epoch must score as the parent's last.
    // Resuming the parent's optimizer state as it was saved would train at the parent's lr 0.1 and move them.
    const branchDir = fs.mkdtempSync(path.join(root, "branch-"));
    const branch: number[] = [];
    await run({ lr: 1e-12 }, branchDir, 3, 5, branch, { checkpointDir: parentDir, epoch: 3, shrinkPerturb: false });
    expect(branch).toHaveLength(2);
    expect(Math.abs(branch[0] - parentPoints[2])).toBeLessThan(1e-6);
    expect(Math.abs(branch[1] - parentPoints[2])).toBeLessThan(1e-6);
    // Shrink and perturb halves the weights: the same branch then starts from a different model.
    const shrunkDir = fs.mkdtempSync(path.join(root, "shrunk-"));
    const shrunk: number[] = [];
    await run({ lr: 1e-12 }, shrunkDir, 3, 4, shrunk, { checkpointDir: parentDir, epoch: 3, shrinkPerturb: true });
    expect(Math.abs(shrunk[0] - parentPoints[2])).toBeGreaterThan(1e-3);
  });
});
