import { asc, eq } from "drizzle-orm";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { getRecentJobOutcomes, getStudyDetail, getStudySummary, tableCounts } from "../../db/queries";
import { measurements, trials } from "../../db/schema";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import { FAILURE_WINDOW, FailureWatch } from "./failures";
import { createStudy } from "./studies";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const spec = JSON.parse(fs.readFileSync("examples/node/command.json", "utf8"));

/** The test fixture program (lib/objectives/test-fixtures): loss x_e = x_{e-1} (1 - lr) + 0.05 / e from x_0 = 1. */
const FIXTURE = path.resolve("lib/objectives/test-fixtures/train-fixture.mjs");
const fixture = (flags: string[]) => ({
  argv: [process.execPath, FIXTURE, "--lr", "{lr}", "--epochs", "{epochs}", "--delay", "0", ...flags],
  cwd: ".",
  metric: "value",
  direction: "minimize" as const,
  maxEpochs: 9,
  space: [{ type: "float" as const, name: "lr", low: 0.01, high: 0.5 }],
  graceMs: 5000,
  timeoutMs: 60_000,
});

function fixtureCurve(lr: number, epochs: number): number[] {
  const values: number[] = [];
  let x = 1;
  for (let e = 1; e <= epochs; e++) values.push((x = x * (1 - lr) + 0.05 / e));
  return values;
}

/** Every measurement of a study's trials, with the trial's params and the extras the program printed. */
function measurementsOf(studyId: number) {
  return getDb()
    .select({ trial: trials.number, params: trials.params, epoch: measurements.epoch, value: measurements.value, extra: measurements.extra })
    .from(measurements)
    .innerJoin(trials, eq(measurements.trialId, trials.id))
    .where(eq(trials.studyId, studyId))
    .orderBy(asc(trials.number), asc(measurements.epoch))
    .all() as { trial: number; params: { lr: number }; epoch: number; value: number; extra: Record<string, number> }[];
}

const settled = (id: number) => {
  const s = getStudySummary(id);
  return !!s && s.status !== "running" && s.runningCount === 0;
};

describe("a study of the user's own training command", () => {
  it("runs the Node example per trial through the engine, stopping early ones and storing every epoch", async () => {
    const study = createStudy({
      name: "node example",
      objective: "command",
      command: { ...spec, maxEpochs: 12 },
      strategy: "random+asha",
      budget: { kind: "epochs", value: 60 },
      parallelism: 2,
      seed: 3,
      epochDelayMs: 0,
    });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 90_000, "the command study to complete");
    const detail = getStudyDetail(study.id)!;
    expect(detail.study.epochsSpent).toBe(60);
    expect(detail.trials.length).toBeGreaterThan(3);
    expect(detail.trials.some((t) => t.status === "failed")).toBe(false);
    // Real logistic training on wine: the best validation loss is far below chance (ln 3 ≈ 1.10).
    expect(detail.study.bestValue!).toBeLessThan(0.6);
  });

  it("fails every trial of a study whose metric key the program never prints, listing the keys it saw", async () => {
    const study = createStudy({
      name: "missing metric",
      objective: "command",
      command: { ...spec, metric: "val_accuracy", direction: "maximize", maxEpochs: 5 },
      strategy: "random+fifo",
      budget: { kind: "trials", value: 3 },
      parallelism: 1,
      seed: 1,
      epochDelayMs: 0,
    });
    await waitFor(() => settled(study.id), 60_000, "the study to end");
    const detail = getStudyDetail(study.id)!;
    expect(detail.study).toMatchObject({ status: "completed", trialCount: 3, failedCount: 3, epochsSpent: 0, bestValue: null });
    for (const t of detail.trials) {
      expect(t.status).toBe("failed");
      expect(t.reason).toMatch(/metric 'val_accuracy' not in the reported line; keys seen: epoch, value, accuracy, train_loss/);
    }
  });

  it("resumes a program that takes a checkpoint FILE from the newest one across rungs, continuing its epochs", async () => {
    const study = createStudy({
      name: "resume by file",
      objective: "command",
      command: fixture(["--checkpoint-dir", "{checkpoint_dir}", "--resume-from", "{resume_file}"]),
      strategy: "random+asha",
      budget: { kind: "epochs", value: 45 },
      parallelism: 2,
      seed: 5,
      epochDelayMs: 0,
    });
    await waitFor(() => settled(study.id), 90_000, "the study to end");
    const detail = getStudyDetail(study.id)!;
    expect(detail.study).toMatchObject({ status: "completed", failedCount: 0, epochsSpent: 45 });
    expect(detail.trials.filter((t) => t.epochs >= 3).length).toBeGreaterThanOrEqual(2);
    const rows = measurementsOf(study.id);
    // ASHA's rungs are 1, 3 and 9 epochs: a job that resumed starts where the previous one ended.
    const resumedAt = (epoch: number) => (epoch <= 1 ? 0 : epoch <= 3 ? 1 : 3);
    for (const r of rows) expect({ trial: r.trial, epoch: r.epoch, start: r.extra.start_epoch }).toEqual({ trial: r.trial, epoch: r.epoch, start: resumedAt(r.epoch) });
    for (const t of detail.trials) {
      const values = rows.filter((r) => r.trial === t.number).map((r) => r.value);
      expect(values).toEqual(fixtureCurve(t.params.lr as number, values.length));
    }
  });

  it("stops a study whose trials all fail, naming the stderr tail of the last failure", async () => {
    const study = createStudy({
      name: "every trial fails",
      objective: "command",
      command: fixture(["--crash-at", "1"]),
      strategy: "random+fifo",
      budget: { kind: "trials", value: 40 },
      parallelism: 2,
      seed: 2,
      epochDelayMs: 0,
    });
    await waitFor(() => settled(study.id), 60_000, "the study to end");
    const s = getStudySummary(study.id)!;
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/^5 of the last 5 finished jobs failed/);
    expect(s.error).toMatch(/exited with code 3 after epoch 0 of 9/);
    expect(s.error).toContain("trace line 24\nRuntimeError: boom at epoch 1");
    expect(s.failedCount).toBe(5);
    expect(s.trialCount).toBeLessThanOrEqual(6);
    expect(getStudyDetail(study.id)!.trials.every((t) => t.status === "failed" || t.status === "pruned")).toBe(true);
    // After a restart the watch is rebuilt from the event log, and sees the same run of failures.
    const outcomes = getRecentJobOutcomes(study.id, FAILURE_WINDOW);
    expect(outcomes.map((o) => o.failed)).toEqual([true, true, true, true, true]);
    expect(new FailureWatch(outcomes).verdict()).toBe(s.error);
  });

  it("stops a diverged trial at its first NaN as pruned, not failed: a study whose every trial diverges completes", async () => {
    const study = createStudy({
      name: "every trial diverges",
      objective: "command",
      command: fixture(["--diverge-at", "2"]),
      strategy: "random+fifo",
      budget: { kind: "trials", value: 8 },
      parallelism: 2,
      seed: 2,
      epochDelayMs: 0,
    });
    await waitFor(() => settled(study.id), 60_000, "the study to end");
    const s = getStudySummary(study.id)!;
    // Eight diverged trials would be eight failures, past the failure watch's five: the study would have failed.
    expect(s.status).toBe("completed");
    expect(s.failedCount).toBe(0);
    const detail = getStudyDetail(study.id)!;
    expect(detail.trials).toHaveLength(8);
    for (const t of detail.trials) expect(t).toMatchObject({ status: "pruned", reason: "diverged: the metric was NaN at epoch 2" });
    // The program trains on past its NaN; the engine stopped it there, so every trial stored epochs 1 and 2 only.
    expect(measurementsOf(study.id).map((m) => m.epoch)).toEqual(detail.trials.flatMap(() => [1, 2]));
    expect(s.bestValue).toBeCloseTo(Math.min(...detail.trials.map((t) => fixtureCurve(t.params.lr as number, 1)[0])), 12);
  });

  it("rejects a command whose template names an unknown parameter, writing nothing", () => {
    const before = tableCounts();
    expect(() =>
      createStudy({
        name: "bad", objective: "command", command: { ...spec, argv: ["node", "train.mjs", "--x", "{nope}"] },
        strategy: "random+fifo", budget: { kind: "trials", value: 1 }, parallelism: 1, seed: 0, epochDelayMs: 0,
      }),
    ).toThrow(/command\.argv\.3/);
    expect(tableCounts()).toEqual(before);
  });
});
