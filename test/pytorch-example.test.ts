// The PyTorch example's checkpoint policy, through the command objective: checkpoints at a job's last epoch (and
// every checkpoint_seconds), and a job that resumes from a checkpoint older than its from_epoch trains the epochs
// since again, whose lines are dropped as repeats, on exactly the uninterrupted curve. Needs /usr/bin/python3 with
// torch and scikit-learn (Debian: python3-torch python3-sklearn); skipped without them.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bestCheckpointOf } from "../lib/objectives/checkpoint-cleanup";
import { createCommandObjective, type CommandJobSummary, type CommandSpec } from "../lib/objectives/command";
import type { Objective, TrainRequest } from "../lib/objectives/types";
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

type Job = {
  lr?: number;
  fromEpoch: number;
  toEpoch: number;
  dir: string;
  report: (epoch: number, value: number) => Decision;
  warmStart?: TrainRequest["warmStart"];
};

/** One job of the example through the command objective: seed 3, trial 0 of study 1, no delay. */
const train = (objective: Objective, { lr = 0.01, fromEpoch, toEpoch, dir, report, warmStart }: Job) =>
  objective.train({
    params: { lr },
    fromEpoch,
    toEpoch,
    epochDelayMs: 0,
    seed: 3,
    trial: { studyId: 1, number: 0 },
    checkpointDir: dir,
    signal: new AbortController().signal,
    ...(warmStart ? { warmStart } : {}),
    report,
  });

describe.skipIf(!hasTorch)("the PyTorch example's checkpoints", () => {
  it("saves at each job's last epoch, and a resume from an older checkpoint gives the same curve, its replayed epochs dropped", async () => {
    const dir = fs.mkdtempSync(path.join(root, "trial-"));
    const summaries: CommandJobSummary[] = [];
    const objective = createCommandObjective(spec("worker"), { onJobEnd: (s) => summaries.push(s) });
    const points: [number, number][] = [];
    const seen: string[][] = [];
    const job = (fromEpoch: number, toEpoch: number, last: Decision) =>
      train(objective, {
        fromEpoch,
        toEpoch,
        dir,
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
    await train(perJob, {
      fromEpoch: 5,
      toEpoch: 6,
      dir,
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
    await train(createCommandObjective(spec("per-job", ["--checkpoint-seconds", "0"])), {
      fromEpoch: 0,
      toEpoch: 4,
      dir,
      report() {
        seen.push(checkpoints(dir));
        return "continue";
      },
    });
    // Epoch 3 was saved too (the default policy saves only at the job's last epoch, epoch 4); the newest two are kept.
    expect(checkpoints(dir)).toEqual(["epoch-3.pt", "epoch-4.pt"]);
    expect(seen[3]).toContain("epoch-4.pt");
  });

  it("keeps the best epoch's weights in best.pt across jobs, which is the trial's best checkpoint once that epoch's file is gone", async () => {
    const dir = fs.mkdtempSync(path.join(root, "trial-"));
    // SGD at lr 0.3 on this seed: the validation loss is lowest at epoch 4 of the first five, and at epoch 7 of nine.
    const objective = createCommandObjective(spec("per-job", ["--optimizer", "sgd", "--lr", "0.3"]));
    const values: number[] = [];
    const report = (_: number, value: number): Decision => (values.push(value), "continue");
    const bestSoFar = () => values.indexOf(Math.min(...values)) + 1;
    /** best.pt's epoch and value, and the loss its weights give when evaluated again. */
    const bestFile = () => {
      const check = [
        "import json, sys, torch",
        `sys.path.insert(0, ${JSON.stringify(path.resolve("examples/pytorch"))})`,
        "import train",
        `best = torch.load(${JSON.stringify(path.join(dir, "best.pt"))})`,
        'model = train.build_model({**train.DEFAULTS, "width": 16})',
        'model.load_state_dict(best["model"])',
        "_, _, x_val, y_val = train.load_data()",
        'print(json.dumps({"epoch": best["epoch"], "value": best["value"], "again": train.evaluate(model, x_val, y_val)[0]}))',
      ].join("\n");
      const out = spawnSync(PYTHON, ["-c", check], { encoding: "utf8" });
      expect(out.stderr).toBe("");
      return JSON.parse(out.stdout) as { epoch: number; value: number; again: number };
    };
    await train(objective, { fromEpoch: 0, toEpoch: 5, dir, report });
    // Epoch 6 alone, in a new process, is worse than the best before it: best.pt must still hold that one.
    await train(objective, { fromEpoch: 5, toEpoch: 6, dir, report });
    expect(values[5]).toBeGreaterThan(Math.min(...values.slice(0, 5)));
    expect(bestFile().epoch).toBe(bestSoFar());
    await train(objective, { fromEpoch: 6, toEpoch: 9, dir, report });
    const bestEpoch = bestSoFar();
    // The example saves at each job's last epoch and keeps the newest two, so the best epoch has no file of its own.
    expect(checkpoints(dir)).toEqual(["epoch-6.pt", "epoch-9.pt"]);
    expect([5, 6, 9]).not.toContain(bestEpoch);
    expect(bestCheckpointOf(dir, bestEpoch)).toBe(path.join(dir, "best.pt"));
    const best = bestFile();
    expect(best.epoch).toBe(bestEpoch);
    expect(best.value).toBeCloseTo(values[bestEpoch - 1], 6);
    expect(best.again).toBeCloseTo(values[bestEpoch - 1], 6);
  });

  it("starts a branch from its parent's weights with its own learning rate, not the one the parent's optimizer state holds", async () => {
    const values = async (lr: number, dir: string, fromEpoch: number, toEpoch: number, warmStart?: Job["warmStart"]) => {
      const out: number[] = [];
      await train(createCommandObjective(spec("per-job")), { lr, fromEpoch, toEpoch, dir, warmStart, report: (_, v) => (out.push(v), "continue") });
      return out;
    };
    const parentDir = fs.mkdtempSync(path.join(root, "parent-"));
    const parent = await values(0.1, parentDir, 0, 3);
    expect(checkpoints(parentDir)).toContain("epoch-3.pt");
    // The branch's lr is so small that its weights do not move: its epochs must score as the parent's last.
    // Resuming the parent's optimizer state as it was saved would train at the parent's lr 0.1 and move them.
    const branch = await values(1e-12, fs.mkdtempSync(path.join(root, "branch-")), 3, 5, { checkpointDir: parentDir, epoch: 3, shrinkPerturb: false });
    expect(branch).toHaveLength(2);
    for (const v of branch) expect(Math.abs(v - parent[2])).toBeLessThan(1e-6);
    // Shrink and perturb halves the weights: the same branch then starts from a different model.
    const shrunk = await values(1e-12, fs.mkdtempSync(path.join(root, "shrunk-")), 3, 4, { checkpointDir: parentDir, epoch: 3, shrinkPerturb: true });
    expect(Math.abs(shrunk[0] - parent[2])).toBeGreaterThan(1e-3);
  });
});
