import { asc, eq } from "drizzle-orm";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { getStudyDetail, getStudySummary } from "../../db/queries";
import { measurements, trials } from "../../db/schema";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import { getEngine } from "./engine";
import { createStudy } from "./studies";
import { processRuns } from "../objectives/process-group";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const example = JSON.parse(fs.readFileSync("examples/node/command.json", "utf8"));

/** The Node example's study: ASHA over 9 epochs (rungs 1, 3 and 9), one trial at a time so that runs compare exactly. */
function study(name: string, protocol: "per-job" | "persistent" | "worker", starts: string) {
  return createStudy({
    name,
    objective: "command",
    command: { ...example, maxEpochs: 9, protocol, env: { TRAIN_STARTS_FILE: starts } },
    strategy: "random+asha",
    budget: { kind: "epochs", value: 50 },
    parallelism: 1,
    seed: 4,
    epochDelayMs: 0,
  });
}

const startsOf = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map((l) => ({ pid: Number(l.split(" ")[0]), from: Number(l.split(" ")[1]) })) : [];


function curves(studyId: number) {
  return getDb()
    .select({ trial: trials.number, epoch: measurements.epoch, value: measurements.value })
    .from(measurements)
    .innerJoin(trials, eq(measurements.trialId, trials.id))
    .where(eq(trials.studyId, studyId))
    .orderBy(asc(trials.number), asc(measurements.epoch))
    .all();
}

const finished = (id: number) => getStudySummary(id)?.status === "completed";

describe("a command study under the persistent protocol", () => {
  let reference: { id: number; starts: string };

  beforeAll(async () => {
    const starts = path.join(where.dir, "starts-per-job");
    reference = { id: study("per job", "per-job", starts).id, starts };
    await waitFor(() => finished(reference.id), 110_000, "the per-job study to complete");
  }, 120_000);

  it("starts one process per trial across its rungs, and measures what a process per job measures", async () => {
    const starts = path.join(where.dir, "starts-persistent");
    const { id } = study("persistent", "persistent", starts);
    await waitFor(() => finished(id), 90_000, "the persistent study to complete");
    const detail = getStudyDetail(id)!;
    expect(detail.study).toMatchObject({ epochsSpent: 50, failedCount: 0 });
    // Several trials went past their first rung, in the process that trained it.
    expect(detail.trials.filter((t) => t.epochs >= 3).length).toBeGreaterThanOrEqual(2);
    expect(detail.trials.some((t) => t.epochs >= 9)).toBe(true);
    expect(startsOf(starts).length).toBe(detail.trials.length);
    expect(startsOf(starts).every((s) => s.from === 0)).toBe(true);
    // The per-job run of the same study started a process for every rung of every trial.
    expect(startsOf(reference.starts).length).toBeGreaterThan(detail.trials.length);
    expect(curves(id)).toEqual(curves(reference.id));
    // The finished study let go of every program it kept waiting.
    await getEngine().run(id).idle();
    for (const s of startsOf(starts)) expect(processRuns(s.pid)).toBe(false);
  }, 120_000);

  it("runs every trial's jobs in one worker process under the worker protocol, on the same curves", async () => {
    const starts = path.join(where.dir, "starts-worker");
    const { id } = study("worker", "worker", starts);
    await waitFor(() => finished(id), 90_000, "the worker study to complete");
    const detail = getStudyDetail(id)!;
    expect(detail.study).toMatchObject({ epochsSpent: 50, failedCount: 0 });
    expect(detail.trials.length).toBeGreaterThan(5);
    expect(startsOf(starts)).toHaveLength(1);
    expect(curves(id)).toEqual(curves(reference.id));
    await getEngine().run(id).idle();
    expect(processRuns(startsOf(starts)[0].pid)).toBe(false);
  }, 120_000);

  it("frees the programs of a paused study; on resume its trials go on from their checkpoints, on the same curves", async () => {
    const starts = path.join(where.dir, "starts-paused");
    const { id } = study("paused", "persistent", starts);
    await waitFor(() => (getStudySummary(id)?.epochsSpent ?? 0) >= 20, 90_000, "the study to train 20 epochs");
    await getEngine().pause(id);
    const before = startsOf(starts);
    for (const s of before) expect(processRuns(s.pid)).toBe(false);
    expect(getStudySummary(id)!.status).toBe("paused");

    getEngine().resume(id);
    await waitFor(() => finished(id), 90_000, "the resumed study to complete");
    const detail = getStudyDetail(id)!;
    expect(detail.study).toMatchObject({ epochsSpent: 50, failedCount: 0 });
    const after = startsOf(starts).slice(before.length);
    // Resumed trials started again from the epoch their checkpoint holds, not from scratch.
    expect(after.some((s) => s.from > 0)).toBe(true);
    expect(startsOf(starts).length).toBeLessThan(startsOf(reference.starts).length);
    expect(curves(id)).toEqual(curves(reference.id));
  }, 120_000);
});
