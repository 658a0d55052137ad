// Over 400 lines: one table of behaviours of the command objective (placeholders, metric keys, checkpoints, signals), each case against a real child process.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Decision } from "../optimizer/types";
import { judgeEpoch, parseMeasurementLine } from "./command-lines";
import { checkpointEpoch, newestCheckpoint } from "./checkpoint-file";
import { createCommandObjective, openMpThreads, type CommandJobSummary, type CommandSpec } from "./command";
import { processRuns } from "./process-group";

const FIXTURE = path.join(__dirname, "test-fixtures", "train-fixture.mjs");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-command-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let dirs = 0;
const freshDir = () => fs.mkdtempSync(path.join(root, `job-${dirs++}-`));

function spec(flags: string[] = [], overrides: Partial<CommandSpec> = {}): CommandSpec {
  return {
    argv: [process.execPath, FIXTURE, "--lr", "{lr}", "--epochs", "{epochs}", "--name", "{name}", "--tag=run-{name}", ...flags],
    cwd: root,
    direction: "minimize",
    maxEpochs: 10,
    space: [
      { type: "float", name: "lr", low: 0.01, high: 0.5 },
      { type: "categorical", name: "name", choices: ["a"] },
    ],
    ...overrides,
  };
}

/** The fixture's curve, computed here independently. */
function expectedCurve(lr: number, epochs: number): number[] {
  const values: number[] = [];
  let x = 1;
  for (let e = 1; e <= epochs; e++) values.push((x = x * (1 - lr) + 0.05 / e));
  return values;
}

type Run = { points: [number, number][]; extras: Record<string, number>[]; error: Error | null; summary: CommandJobSummary; ms: number };

async function run(
  s: CommandSpec,
  job: { params?: Record<string, string | number>; fromEpoch?: number; toEpoch?: number; checkpointDir?: string; signal?: AbortSignal; jobsAtOnce?: number; warmStart?: { checkpointDir: string; epoch: number; shrinkPerturb: boolean } },
  decide: (epoch: number) => Decision = () => "continue",
): Promise<Run> {
  let summary: CommandJobSummary | undefined;
  const objective = createCommandObjective(s, { onJobEnd: (x) => (summary = x) });
  const points: [number, number][] = [];
  const extras: Record<string, number>[] = [];
  const started = Date.now();
  let error: Error | null = null;
  try {
    await objective.train({
      params: job.params ?? { lr: 0.2, name: "a" },
      fromEpoch: job.fromEpoch ?? 0,
      toEpoch: job.toEpoch ?? 5,
      epochDelayMs: 0,
      seed: 7,
      checkpointDir: "checkpointDir" in job ? job.checkpointDir : freshDir(),
      ...(job.warmStart ? { warmStart: job.warmStart } : {}),
      ...(job.jobsAtOnce ? { jobsAtOnce: job.jobsAtOnce } : {}),
      signal: job.signal ?? new AbortController().signal,
      report(epoch, value, extra) {
        points.push([epoch, value]);
        extras.push(extra ?? {});
        return decide(epoch);
      },
    });
  } catch (e) {
    error = e as Error;
  }
  return { points, extras, error, summary: summary!, ms: Date.now() - started };
}

describe("command objective", () => {
  it("reads the curve, keeps the extra metrics and passes the params through argv and HYPERSIEVE_PARAMS", async () => {
    const dir = freshDir();
    const r = await run(spec(), { params: { lr: 0.2, name: "a" }, toEpoch: 5, checkpointDir: dir });
    expect(r.error).toBeNull();
    expect(r.points).toEqual(expectedCurve(0.2, 5).map((v, i) => [i + 1, v]));
    for (const extra of r.extras) {
      expect(extra.argv_lr).toBe(0.2);
      expect(extra.echo_lr).toBe(0.2);
      expect(extra).not.toHaveProperty("note");
      expect(extra).not.toHaveProperty("epoch");
    }
    const received = JSON.parse(fs.readFileSync(path.join(dir, "received-0.json"), "utf8"));
    expect(received.env).toMatchObject({
      HYPERSIEVE_EPOCHS: "5",
      HYPERSIEVE_FROM_EPOCH: "0",
      HYPERSIEVE_CHECKPOINT_DIR: dir,
      HYPERSIEVE_RESUME_FROM: "",
      HYPERSIEVE_RESUME_FILE: "",
      HYPERSIEVE_SEED: "7",
    });
    expect(r.summary).toMatchObject({ outcome: "completed", exitCode: 0, lastEpoch: 5, ignoredLines: 0 });
  });

  it("gives the program its share of the cores but one as OMP_NUM_THREADS, unless the user's environment or the study sets it", async () => {
    expect([openMpThreads(1, 2), openMpThreads(1, 8), openMpThreads(3, 8), openMpThreads(16, 8), openMpThreads(0, 1)]).toEqual(["1", "7", "2", "1", "1"]);
    const received = async (s: CommandSpec, jobsAtOnce?: number) => {
      const dir = freshDir();
      const r = await run(s, { toEpoch: 1, checkpointDir: dir, jobsAtOnce });
      expect(r.error).toBeNull();
      return JSON.parse(fs.readFileSync(path.join(dir, "received-0.json"), "utf8")).env.OMP_NUM_THREADS;
    };
    const outer = process.env.OMP_NUM_THREADS;
    try {
      delete process.env.OMP_NUM_THREADS;
      expect(await received(spec())).toBe(openMpThreads(1));
      expect(await received(spec(), 2)).toBe(openMpThreads(2));
      expect(await received(spec([], { env: { OMP_NUM_THREADS: "5" } }))).toBe("5");
      process.env.OMP_NUM_THREADS = "3";
      expect(await received(spec(), 2)).toBe("3");
    } finally {
      if (outer === undefined) delete process.env.OMP_NUM_THREADS;
      else process.env.OMP_NUM_THREADS = outer;
    }
  });

  it("passes shell metacharacters verbatim and never runs a shell", async () => {
    const dir = freshDir();
    fs.writeFileSync(path.join(root, "keep"), "");
    const evil = `$(touch ${root}/pwned); rm -rf ${root}/keep; \`touch ${root}/pwned2\` | tee ${root}/pwned3 && echo "q" 'sq' > ${root}/pwned4 {lr} *`;
    const s = spec([], { space: [{ type: "float", name: "lr", low: 0.01, high: 0.5 }, { type: "categorical", name: "name", choices: [evil] }] });
    const r = await run(s, { params: { lr: 0.2, name: evil }, toEpoch: 2, checkpointDir: dir });
    expect(r.error).toBeNull();
    const received = JSON.parse(fs.readFileSync(path.join(dir, "received-0.json"), "utf8"));
    expect(received.argv.slice(4, 7)).toEqual(["--name", evil, `--tag=run-${evil}`]);
    expect(JSON.parse(received.env.HYPERSIEVE_PARAMS)).toEqual({ lr: 0.2, name: evil });
    for (const f of ["pwned", "pwned2", "pwned3", "pwned4"]) expect(fs.existsSync(path.join(root, f))).toBe(false);
    expect(fs.existsSync(path.join(root, "keep"))).toBe(true);
  });

  it("sends SIGTERM to the whole process group on a stop decision, grandchild included", async () => {
    const dir = freshDir();
    const r = await run(spec(["--grandchild", "--delay", "30"]), { toEpoch: 8, checkpointDir: dir }, (e) => (e === 2 ? "stop" : "continue"));
    expect(r.error).toBeNull();
    expect(r.points.map(([e]) => e)).toEqual([1, 2]);
    expect(fs.readFileSync(path.join(dir, "sigterm"), "utf8")).toBe(String(r.extras[0].pid));
    expect(processRuns(r.extras[0].pid)).toBe(false);
    expect(processRuns(r.extras[0].grandchild_pid)).toBe(false);
    expect(r.summary.outcome).toBe("stopped");
  });

  it("kills with SIGKILL after the grace period a program that ignores SIGTERM, when the signal aborts", async () => {
    const controller = new AbortController();
    const r = await run(spec(["--grandchild", "--ignore-term", "--delay", "30"], { graceMs: 300 }), { toEpoch: 50, signal: controller.signal }, (e) => {
      if (e === 2) controller.abort();
      return "continue";
    });
    expect(r.error).toBeNull();
    expect(r.points.map(([e]) => e)).toEqual([1, 2]);
    expect(r.ms).toBeLessThan(5000);
    expect(r.summary.signal).toBe("SIGKILL");
    expect(processRuns(r.extras[0].pid)).toBe(false);
    expect(processRuns(r.extras[0].grandchild_pid)).toBe(false);
  });

  it("sweeps a grandchild left behind by a program that completes", async () => {
    const r = await run(spec(["--grandchild"]), { toEpoch: 3 });
    expect(r.error).toBeNull();
    expect(r.points).toHaveLength(3);
    expect(processRuns(r.extras[0].grandchild_pid)).toBe(false);
  });

  it("fails a crash with its exit code and the tail of stderr", async () => {
    const r = await run(spec(["--crash-at", "3"]), { toEpoch: 5 });
    expect(r.points.map(([e]) => e)).toEqual([1, 2]);
    expect(r.error?.message).toMatch(/exited with code 3 after epoch 2 of 5/);
    expect(r.error?.message).toContain("RuntimeError: boom at epoch 3");
    expect(r.error?.message).toContain("trace line 24");
    expect(r.error?.message).not.toContain("trace line 5\n");
    expect(r.summary).toMatchObject({ outcome: "failed", exitCode: 3 });
  });

  it("ignores and counts log lines and broken JSON, never taking them as values", async () => {
    const r = await run(spec(["--garbage"]), { toEpoch: 4 });
    expect(r.error).toBeNull();
    expect(r.points).toEqual(expectedCurve(0.2, 4).map((v, i) => [i + 1, v]));
    expect(r.summary.ignoredLines).toBe(4 * 9);
    expect(r.summary.malformedLines).toBe(4 * 6);
    expect(r.summary.stdoutTail).toContain("loading data...");
  });

  it("fails a program that goes silent for longer than the timeout, and kills it", async () => {
    const r = await run(spec(["--grandchild", "--hang-after", "2"], { timeoutMs: 1500, graceMs: 500 }), { toEpoch: 5 });
    expect(r.points.map(([e]) => e)).toEqual([1, 2]);
    expect(r.error?.message).toMatch(/timed out: no output for 1500 ms \(after epoch 2 of 5\)/);
    expect(processRuns(r.extras[0].pid)).toBe(false);
    expect(processRuns(r.extras[0].grandchild_pid)).toBe(false);
  });

  it.each([
    { flags: ["--exit-early", "2"], message: /exited after epoch 2 of 5/ },
    { flags: ["--skip", "3"], message: /reported epoch 4 after epoch 2; epoch 3 is missing/ },
    { flags: [], argv: ["/nonexistent/train"], message: /could not start \/nonexistent\/train: .*ENOENT/ },
  ])("fails a job that breaks the protocol: $message", async ({ flags, argv, message }) => {
    const s = spec(flags);
    const r = await run(argv ? { ...s, argv } : s, { toEpoch: 5 });
    expect(r.error?.message).toMatch(message);
  });

  it("stops a program that trains past the last epoch asked for, without failing the job", async () => {
    const r = await run(spec(["--extra-epochs", "50", "--delay", "20"]), { toEpoch: 3 });
    expect(r.error).toBeNull();
    expect(r.points.map(([e]) => e)).toEqual([1, 2, 3]);
    expect(r.summary.outcome).toBe("stopped");
  });

  it("resumes after a pause from the program's own checkpoint, so the curve continues exactly", async () => {
    const dir = freshDir();
    const first = await run(spec(["--delay", "20"]), { toEpoch: 8, checkpointDir: dir }, (e) => (e === 3 ? "pause" : "continue"));
    expect(first.points.map(([e]) => e)).toEqual([1, 2, 3]);
    const second = await run(spec(), { fromEpoch: 3, toEpoch: 8, checkpointDir: dir });
    expect(second.error).toBeNull();
    const curve = expectedCurve(0.2, 8);
    expect([...first.points, ...second.points]).toEqual(curve.map((v, i) => [i + 1, v]));
    expect(second.extras.every((x) => x.start_epoch === 3)).toBe(true);
    const received = JSON.parse(fs.readFileSync(path.join(dir, "received-3.json"), "utf8"));
    expect(received.env).toMatchObject({ HYPERSIEVE_RESUME_FROM: dir, HYPERSIEVE_FROM_EPOCH: "3", HYPERSIEVE_EPOCHS: "8" });
  });

  it("fails a job whose first measurement lacks the study's metric, listing the keys the line had", async () => {
    const r = await run(spec([], { metric: "val_accuracy", direction: "maximize" }), { toEpoch: 5 });
    expect(r.points).toEqual([]);
    expect(r.error?.message).toMatch(/metric 'val_accuracy' not in the reported line; keys seen: epoch, value, argv_lr, echo_lr, pid, start_epoch, warm, note/);
    expect(r.summary.outcome).toBe("failed");
  });

  it("reads the value under the study's metric key, keeping the other numbers as extras", async () => {
    const r = await run(spec(["--key", "val_loss"], { metric: "val_loss" }), { toEpoch: 3 });
    expect(r.error).toBeNull();
    expect(r.points).toEqual(expectedCurve(0.2, 3).map((v, i) => [i + 1, v]));
    expect(r.extras[0]).not.toHaveProperty("val_loss");
  });

  it("hands a program that takes a checkpoint file the newest one at or before from_epoch, so the curve continues", async () => {
    const dir = freshDir();
    const fileSpec = spec(["--checkpoint-dir", "{checkpoint_dir}", "--resume-from", "{resume_file}"]);
    const first = await run(fileSpec, { toEpoch: 3, checkpointDir: dir });
    expect(first.error).toBeNull();
    const fresh = JSON.parse(fs.readFileSync(path.join(dir, "received-0.json"), "utf8"));
    expect(fresh.argv.slice(-2)).toEqual(["--resume-from", ""]);
    expect(fresh.env.HYPERSIEVE_RESUME_FILE).toBe("");
    // Saved after epoch 3 was recorded, as when a stop comes mid-epoch: never the one to resume from.
    fs.writeFileSync(path.join(dir, "epoch-4.pt"), JSON.stringify({ epoch: 4, x: 123 }));
    const second = await run(fileSpec, { fromEpoch: 3, toEpoch: 6, checkpointDir: dir });
    expect(second.error).toBeNull();
    expect([...first.points, ...second.points]).toEqual(expectedCurve(0.2, 6).map((v, i) => [i + 1, v]));
    expect(second.extras.every((x) => x.start_epoch === 3)).toBe(true);
    const resumed = JSON.parse(fs.readFileSync(path.join(dir, "received-3.json"), "utf8"));
    expect(resumed.argv.slice(-2)).toEqual(["--resume-from", path.join(dir, "epoch-3.pt")]);
    expect(resumed.env).toMatchObject({ HYPERSIEVE_RESUME_FILE: path.join(dir, "epoch-3.pt"), HYPERSIEVE_RESUME_FROM: dir });
  });

  it("starts a branch from a copy of its parent's checkpoint in its own folder, the same copy when relaunched before its first epoch", async () => {
    const parentDir = freshDir();
    const warmSpec = spec(["--checkpoint-dir", "{checkpoint_dir}", "--resume-from", "{resume_file}", "--parent", "{parent_checkpoint}", "--shrink", "{shrink_perturb}"]);
    expect(createCommandObjective(warmSpec).info.warmStart).toBe(true);
    const parent = await run(warmSpec, { toEpoch: 4, checkpointDir: parentDir });
    expect(parent.error).toBeNull();
    const childDir = freshDir();
    const warmStart = { checkpointDir: parentDir, epoch: 3, shrinkPerturb: true };
    // Relaunched before its first epoch: the parent has trained on and its epoch-3 file is gone, the copy is not.
    const first = await run(warmSpec, { params: { lr: 0.1, name: "a" }, fromEpoch: 3, toEpoch: 3, checkpointDir: childDir, warmStart });
    expect(first.error).toBeNull();
    fs.rmSync(path.join(parentDir, "epoch-3.pt"));
    const child = await run(warmSpec, { params: { lr: 0.1, name: "a" }, fromEpoch: 3, toEpoch: 5, checkpointDir: childDir, warmStart });
    expect(child.error).toBeNull();
    const copy = path.join(childDir, "epoch-3.pt");
    const received = JSON.parse(fs.readFileSync(path.join(childDir, "received-3.json"), "utf8"));
    expect(received.env).toMatchObject({ HYPERSIEVE_PARENT_CHECKPOINT: copy, HYPERSIEVE_SHRINK_PERTURB: "true", HYPERSIEVE_RESUME_FILE: copy, HYPERSIEVE_FROM_EPOCH: "3" });
    expect(received.argv.slice(-4)).toEqual(["--parent", copy, "--shrink", "true"]);
    // The parent's state at epoch 3, halved by the fixture's shrink, then the branch's own lr.
    let x = 0.5 * parent.points[2][1];
    expect(child.points).toEqual([4, 5].map((e) => [e, (x = x * 0.9 + 0.05 / e)]));
    expect(child.extras.every((m) => m.warm === 1)).toBe(true);
  });

  it("fails a branch whose parent left no checkpoint at or before the branch epoch, naming the folder", async () => {
    const warmSpec = spec(["--parent", "{parent_checkpoint}"]);
    const parentDir = freshDir();
    const r = await run(warmSpec, { fromEpoch: 3, toEpoch: 5, warmStart: { checkpointDir: parentDir, epoch: 3, shrinkPerturb: false } });
    expect(r.error?.message).toBe(`warm start: no checkpoint at or before epoch 3 in the parent's folder ${parentDir}`);
  });

  it.each([
    { what: "argv takes {parent_checkpoint}", flags: ["--parent", "{parent_checkpoint}"], warmStart: undefined, want: true },
    { what: "the spec says so", flags: [], warmStart: true, want: true },
    { what: "neither (by default)", flags: ["--resume-from", "{resume_file}"], warmStart: undefined, want: false },
    { what: "the spec opts out", flags: ["--parent", "{parent_checkpoint}"], warmStart: false, want: false },
  ])("declares it can warm start when $what: $want", ({ flags, warmStart, want }) => {
    expect(createCommandObjective(spec(flags, warmStart === undefined ? {} : { warmStart })).info.warmStart).toBe(want);
  });

  it("fails loudly, with the program's error, when a folder is passed where the program wants a file", async () => {
    const dir = freshDir();
    const folderSpec = spec(["--checkpoint-dir", "{checkpoint_dir}", "--resume-from", "{resume_from}"]);
    expect((await run(folderSpec, { toEpoch: 1, checkpointDir: dir })).error).toBeNull();
    const r = await run(folderSpec, { fromEpoch: 1, toEpoch: 3, checkpointDir: dir });
    expect(r.error?.message).toMatch(/exited with code 1 after epoch 1 of 3/);
    expect(r.error?.message).toMatch(/EISDIR/);
  });

  it("drops the epochs an earlier job reported when a program without a checkpoint trains again from scratch", async () => {
    const r = await run(spec(), { fromEpoch: 3, toEpoch: 5, checkpointDir: undefined });
    expect(r.error).toBeNull();
    expect(r.points).toEqual(expectedCurve(0.2, 5).map((v, i) => [i + 1, v]).slice(3));
    expect(r.summary.repeatedEpochs).toBe(3);
  });

  it.each([
    { argv: ["python3", "train.py", "--bs", "{batch_size}"], problem: /unknown placeholder \{batch_size\}/ },
    { argv: ["python3", "-c", '{"a": 1}'], problem: /unknown placeholder \{"a": 1\}.*\{\{ and \}\}/ },
    { argv: [], problem: /argv must be a non-empty list/ },
    { argv: ["train"], maxEpochs: 0, problem: /maxEpochs must be a positive integer \(got 0\)/ },
    { argv: ["train"], space: [{ type: "int" as const, name: "epochs", low: 1, high: 9 }], problem: /param 'epochs' has the name of the built-in placeholder/ },
  ])("rejects an invalid spec: $problem", ({ problem, ...overrides }) => {
    expect(() => createCommandObjective(spec([], overrides))).toThrow(problem);
  });

  it("turns doubled braces into literal ones", async () => {
    const dir = freshDir();
    const s = spec(["--json={{\"lr\": {lr}}}"]);
    expect((await run(s, { toEpoch: 1, checkpointDir: dir })).error).toBeNull();
    const received = JSON.parse(fs.readFileSync(path.join(dir, "received-0.json"), "utf8"));
    expect(received.argv.at(-1)).toBe('--json={"lr": 0.2}');
  });
});

describe("parseMeasurementLine", () => {
  it.each([
    { line: '{"epoch": 3, "value": 0.41}', want: { epoch: 3, value: 0.41, extra: {} } },
    { line: '  {"epoch": 1, "value": 2, "accuracy": 0.9, "tag": "x", "nested": {"a": 1}}  ', want: { epoch: 1, value: 2, extra: { accuracy: 0.9 } } },
    { line: '{"epoch": 2, "val_loss": 0.3, "value": 9}', metric: "val_loss", want: { epoch: 2, value: 0.3, extra: { value: 9 } } },
    { line: '{"epoch": 2, "value": null}', want: { epoch: 2, value: NaN, extra: {} } },
    { line: '{"epoch": 2, "value": "NaN"}', want: { epoch: 2, value: NaN, extra: {} } },
    { line: '{"epoch": 2, "value": NaN, "grad": Infinity}', want: { epoch: 2, value: NaN, extra: {} } },
    { line: '{"epoch": 2, "value": -Infinity}', want: { epoch: 2, value: -Infinity, extra: {} } },
    { line: "loading data...", want: "log" },
    { line: "", want: "log" },
    { line: '{"epoch": 2, "value": 0.5', want: "malformed" },
    { line: '{"epoch": 0, "value": 0.5}', want: "malformed" },
    { line: '{"epoch": -1, "value": 0.5}', want: "malformed" },
    { line: '{"epoch": 1.5, "value": 0.5}', want: "malformed" },
    { line: '{"epoch": "1", "value": 0.5}', want: "malformed" },
    { line: '{"epoch": 1}', want: { missingMetric: "value", keys: ["epoch"] } },
    { line: '{"epoch": 1, "value": "0.5"}', want: "malformed" },
    { line: '{"epoch": 1, "value": true}', want: "malformed" },
    { line: '{"epoch": 1, "loss": 0.5}', metric: "val_loss", want: { missingMetric: "val_loss", keys: ["epoch", "loss"] } },
    { line: '{"epoch": 1, "value": 0.5}', metric: "val_accuracy", want: { missingMetric: "val_accuracy", keys: ["epoch", "value"] } },
    { line: '{"epoch": 1, "value": 0.5}', metric: "toString", want: { missingMetric: "toString", keys: ["epoch", "value"] } },
    { line: '{"value": 0.5}', metric: "val_accuracy", want: "malformed" },
  ])("reads $line", ({ line, metric, want }) => {
    expect(parseMeasurementLine(line, metric ?? "value")).toEqual(want);
  });
});

describe("judgeEpoch", () => {
  it.each([
    { epoch: 4, fromEpoch: 3, last: 3, want: "report" },
    { epoch: 3, fromEpoch: 3, last: 3, want: "repeat" },
    { epoch: 1, fromEpoch: 3, last: 3, want: "repeat" },
    { epoch: 5, fromEpoch: 3, last: 5, want: "repeat" },
    { epoch: 4, fromEpoch: 3, last: 5, want: { fail: "reported epoch 4 after epoch 5; epochs must increase one at a time" } },
    { epoch: 2, fromEpoch: 3, last: 5, want: { fail: "reported epoch 2 after epoch 5; epochs must increase one at a time" } },
    { epoch: 7, fromEpoch: 3, last: 5, want: { fail: "reported epoch 7 after epoch 5; epoch 6 is missing" } },
    { epoch: 9, fromEpoch: 3, last: 8, want: "past-end" },
    { epoch: 6, fromEpoch: 3, last: 3, want: { fail: "reported epoch 6 first; epoch 4 is missing" } },
    { epoch: 2, fromEpoch: 0, last: 0, want: { fail: "reported epoch 2 first; epoch 1 is missing" } },
  ])("judges epoch $epoch after $last (job from $fromEpoch to 8)", ({ epoch, fromEpoch, last, want }) => {
    expect(judgeEpoch(epoch, { fromEpoch, toEpoch: 8, last })).toEqual(want);
  });
});

describe("newestCheckpoint", () => {
  it.each([
    { name: "epoch-12.pt", epoch: 12 },
    { name: "epoch_3.ckpt", epoch: 3 },
    { name: "epoch=7-step=340.ckpt", epoch: 7 },
    { name: "model.Epoch12.pt", epoch: 12 },
    { name: "12.pt", epoch: 12 },
    { name: "last.ckpt", epoch: null },
    { name: "checkpoint-500", epoch: null },
    { name: "ckpt_3.pt", epoch: null },
  ])("reads the epoch of $name as $epoch", ({ name, epoch }) => {
    expect(checkpointEpoch(name)).toBe(epoch);
  });

  /** A folder with these entries, each modified `age` seconds ago (folders when the name ends in /). */
  function folder(entries: [string, number][]): string {
    const dir = freshDir();
    const now = Date.now() / 1000;
    for (const [name, age] of entries) {
      const file = path.join(dir, name.replace(/\/$/, ""));
      if (name.endsWith("/")) fs.mkdirSync(file);
      else fs.writeFileSync(file, "x");
      fs.utimesSync(file, now - age, now - age);
    }
    return dir;
  }

  it.each([
    { what: "the highest epoch, not the newest file", entries: [["epoch-2.pt", 5], ["epoch-10.pt", 50], ["epoch-9.pt", 1]], from: 20, want: "epoch-10.pt" },
    { what: "none past from_epoch", entries: [["epoch-3.pt", 9], ["epoch-4.pt", 1]], from: 3, want: "epoch-3.pt" },
    { what: "nothing when every epoch is later", entries: [["epoch-5.pt", 1]], from: 3, want: "" },
    { what: "epoch names over last.ckpt", entries: [["last.ckpt", 0], ["epoch=2-step=30.ckpt", 9]], from: 4, want: "epoch=2-step=30.ckpt" },
    { what: "the latest mtime without epoch names, folders included", entries: [["checkpoint-500/", 9], ["checkpoint-1000/", 2], ["checkpoint-1500/", 4]], from: 3, want: "checkpoint-1000" },
    { what: "no half-written or hidden files", entries: [["model.pt", 9], ["model.pt.tmp", 0], [".model.pt", 0], ["tmpa1b2c3", 0], ["epoch-3.pt.part", 0]], from: 3, want: "model.pt" },
    { what: "nothing in an empty folder", entries: [], from: 3, want: "" },
  ] as { what: string; entries: [string, number][]; from: number; want: string }[])("picks $what", ({ entries, from, want }) => {
    const dir = folder(entries);
    expect(newestCheckpoint(dir, from)).toBe(want ? path.join(dir, want) : "");
  });

  it("gives nothing for a folder that does not exist", () => {
    expect(newestCheckpoint(path.join(root, "nope"), 3)).toBe("");
  });
});
