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
    // Two jobs on one process (worker protocol): epochs 1–3, then 4–6.
    await job(0, 3, "pause");
    await job(3, 6, "pause");
    await objective.release!();
    // A checkpoint only where a job ends, saved before its line: none for epochs 1, 2, 4, 5.
    expect(seen).toEqual([[], [], ["epoch-3.pt"], ["epoch-3.pt"], ["epoch-3.pt"], ["epoch-3.pt", "epoch-6.pt"]]);
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
    expect(seen).toEqual([["epoch-1.pt"], ["epoch-1.pt", "epoch-2.pt"], ["epoch-2.pt", "epoch-3.pt"], ["epoch-3.pt", "epoch-4.pt"]]);
  });
});
