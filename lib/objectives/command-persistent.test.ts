import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Decision } from "../optimizer/types";
import { createCommandObjective, type CommandJobSummary, type CommandSpec } from "./command";
import type { Objective } from "./types";
import { processRuns } from "./process-group";

const EXAMPLE = path.resolve("examples/node/train.mjs");
const FIXTURE = path.join(__dirname, "test-fixtures", "train-fixture.mjs");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-persistent-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => fs.mkdtempSync(path.join(root, `trial-${dirs++}-`));

/** The Node example under the persistent protocol; every process start is a line "pid from_epoch" in `starts`. */
function exampleSpec(starts: string, overrides: Partial<CommandSpec> = {}): CommandSpec {
  return {
    argv: [process.execPath, EXAMPLE, "--lr", "{lr}", "--hidden", "8", "--epochs", "{epochs}"],
    cwd: root,
    direction: "minimize",
    maxEpochs: 10,
    space: [{ type: "float", name: "lr", low: 0.01, high: 0.5 }],
    env: { TRAIN_STARTS_FILE: starts },
    protocol: "persistent",
    graceMs: 2000,
    ...overrides,
  };
}

const startsOf = (file: string) =>
  fs.existsSync(file)
    ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => ({ pid: Number(l.split(" ")[0]), from: Number(l.split(" ")[1]) }))
    : [];


async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Job = { fromEpoch: number; toEpoch: number; lr?: number; number?: number; decide?: (epoch: number) => Decision };

/** Runs jobs of trials on one objective, as the engine does: at a job's last epoch the strategy pauses the trial. */
async function jobs(objective: Objective, checkpointDirs: Map<number, string>, list: Job[]) {
  const points: [number, number, number][] = [];
  for (const job of list) {
    const number = job.number ?? 0;
    if (!checkpointDirs.has(number)) checkpointDirs.set(number, freshDir());
    await objective.train({
      params: { lr: job.lr ?? 0.1 },
      fromEpoch: job.fromEpoch,
      toEpoch: job.toEpoch,
      epochDelayMs: 0,
      seed: 1,
      trial: { studyId: 1, number },
      checkpointDir: checkpointDirs.get(number),
      signal: new AbortController().signal,
      report(epoch, value) {
        points.push([number, epoch, value]);
        return job.decide?.(epoch) ?? (epoch === job.toEpoch ? (epoch === 10 ? "stop" : "pause") : "continue");
      },
    });
  }
  return points;
}

describe("the persistent protocol", () => {
  it("trains one trial's rungs in one process, on the same curve as a process per job", async () => {
    const starts = path.join(root, "starts-one");
    const summaries: CommandJobSummary[] = [];
    const objective = createCommandObjective(exampleSpec(starts), { onJobEnd: (s) => summaries.push(s) });
    const points = await jobs(objective, new Map(), [
      { fromEpoch: 0, toEpoch: 1 },
      { fromEpoch: 1, toEpoch: 3 },
      { fromEpoch: 3, toEpoch: 10 },
    ]);
    expect(startsOf(starts)).toHaveLength(1);
    expect(summaries.map((s) => [s.reusedProcess, s.keptProcess, s.outcome])).toEqual([
      [false, true, "stopped"],
      [true, true, "stopped"],
      [true, false, "stopped"],
    ]);
    // The program was told to stop at epoch 10 and exited on its own, without a signal.
    expect(summaries[2]).toMatchObject({ exitCode: 0, signal: null });
    expect(processRuns(startsOf(starts)[0].pid)).toBe(false);

    const perJob = createCommandObjective(exampleSpec(path.join(root, "starts-per-job"), { protocol: "per-job" }));
    const reference = await jobs(perJob, new Map(), [
      { fromEpoch: 0, toEpoch: 1 },
      { fromEpoch: 1, toEpoch: 3 },
      { fromEpoch: 3, toEpoch: 10 },
    ]);
    expect(points).toEqual(reference);
    expect(startsOf(path.join(root, "starts-per-job")).map((s) => s.from)).toEqual([0, 1, 3]);
  });

  it("ends a program that waits longer than keepAliveMs; the trial's next job resumes from its checkpoint", async () => {
    const starts = path.join(root, "starts-keepalive");
    const objective = createCommandObjective(exampleSpec(starts, { keepAliveMs: 300 }));
    const dirsByTrial = new Map<number, string>();
    const first = await jobs(objective, dirsByTrial, [{ fromEpoch: 0, toEpoch: 2 }]);
    const [{ pid }] = startsOf(starts);
    await until(() => !processRuns(pid), "the waiting program to be ended");
    const rest = await jobs(objective, dirsByTrial, [{ fromEpoch: 2, toEpoch: 5 }]);
    expect(startsOf(starts).map((s) => s.from)).toEqual([0, 2]);
    const reference = await jobs(createCommandObjective(exampleSpec(path.join(root, "unused-1"))), new Map(), [{ fromEpoch: 0, toEpoch: 5 }]);
    expect([...first, ...rest]).toEqual(reference);
  });

  it("keeps at most maxWaiting programs, ending the one with the worst value at the lowest epoch", async () => {
    const starts = path.join(root, "starts-max");
    const objective = createCommandObjective(exampleSpec(starts, { maxWaiting: 1 }));
    const dirsByTrial = new Map<number, string>();
    // lr 0.001 learns far slower than lr 0.1: after one epoch its loss is the worse.
    await jobs(objective, dirsByTrial, [
      { number: 0, lr: 0.1, fromEpoch: 0, toEpoch: 1 },
      { number: 1, lr: 0.001, fromEpoch: 0, toEpoch: 1 },
    ]);
    const [good, bad] = startsOf(starts);
    await until(() => !processRuns(bad.pid), "the worse program to be ended");
    expect(processRuns(good.pid)).toBe(true);
    await jobs(objective, dirsByTrial, [
      { number: 0, lr: 0.1, fromEpoch: 1, toEpoch: 3 },
      { number: 1, lr: 0.001, fromEpoch: 1, toEpoch: 3 },
    ]);
    expect(startsOf(starts).map((s) => s.from)).toEqual([0, 0, 1]);
    await objective.release!();
    for (const s of startsOf(starts)) expect(processRuns(s.pid)).toBe(false);
  });

  it("ends a waiting program on release, leaving its checkpoints", async () => {
    const starts = path.join(root, "starts-release");
    const dir = freshDir();
    const objective = createCommandObjective(exampleSpec(starts));
    await jobs(objective, new Map([[0, dir]]), [{ fromEpoch: 0, toEpoch: 2 }]);
    const [{ pid }] = startsOf(starts);
    expect(processRuns(pid)).toBe(true);
    await objective.release!({ studyId: 1, number: 0 });
    expect(processRuns(pid)).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(["epoch-1.json", "epoch-2.json"]);
  });

  it("hands a worker's program the jobs of other trials, on the curves they get in processes of their own", async () => {
    const starts = path.join(root, "starts-worker");
    const summaries: CommandJobSummary[] = [];
    const objective = createCommandObjective(exampleSpec(starts, { protocol: "worker" }), { onJobEnd: (s) => summaries.push(s) });
    const plan: Job[] = [
      { number: 0, lr: 0.1, fromEpoch: 0, toEpoch: 1 },
      { number: 1, lr: 0.3, fromEpoch: 0, toEpoch: 1 },
      { number: 0, lr: 0.1, fromEpoch: 1, toEpoch: 3 },
      { number: 2, lr: 0.05, fromEpoch: 0, toEpoch: 10 },
      { number: 1, lr: 0.3, fromEpoch: 1, toEpoch: 10 },
    ];
    const points = await jobs(objective, new Map(), plan);
    // One process served every job: trial 1's second job resumed from its checkpoint in it.
    expect(startsOf(starts)).toHaveLength(1);
    expect(summaries.map((s) => s.reusedProcess)).toEqual([false, true, true, true, true]);
    const reference = await jobs(createCommandObjective(exampleSpec(path.join(root, "starts-worker-ref"), { protocol: "per-job" })), new Map(), plan);
    expect(points).toEqual(reference);
    await objective.release!();
    expect(processRuns(startsOf(starts)[0].pid)).toBe(false);
  });

  it("still runs a program that does not speak the protocol, in a new process per job", async () => {
    const dir = freshDir();
    const summaries: CommandJobSummary[] = [];
    const objective = createCommandObjective(
      {
        argv: [process.execPath, FIXTURE, "--lr", "{lr}", "--epochs", "{epochs}", "--delay", "0"],
        cwd: root,
        direction: "minimize",
        maxEpochs: 10,
        space: [{ type: "float", name: "lr", low: 0.01, high: 0.5 }],
        protocol: "persistent",
      },
      { onJobEnd: (s) => summaries.push(s) },
    );
    const points = await jobs(objective, new Map([[0, dir]]), [
      { fromEpoch: 0, toEpoch: 1 },
      { fromEpoch: 1, toEpoch: 3 },
      { fromEpoch: 3, toEpoch: 10 },
    ]);
    let x = 1;
    const expected = Array.from({ length: 10 }, (_, i) => [0, i + 1, (x = x * 0.9 + 0.05 / (i + 1))]);
    expect(points).toEqual(expected);
    // It resumed from its own checkpoints: each job after the first received from_epoch > 0 in a new process.
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("received-")).sort()).toEqual(["received-0.json", "received-1.json", "received-3.json"]);
  });
});
