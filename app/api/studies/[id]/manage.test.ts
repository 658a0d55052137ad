import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStudyRecord, getStudySummary, getTrialRecords, studyCheckpointDir, tableCounts, trialCheckpointDir } from "@/db/queries";
import { getEngine } from "@/lib/engine/engine";
import { createStudy } from "@/lib/engine/studies";
import { StudyRun } from "@/lib/engine/study-run";
import { closeTempDatabase, useTempDatabase, waitFor } from "@/test/temp-db";
import { GET as listStudies } from "../route";
import { POST as postAction } from "./actions/route";
import { POST as postBudget } from "./budget/route";
import { GET as exportRoute } from "./export/route";
import { DELETE as deleteStudy, GET as getStudy, PATCH as patchStudy } from "./route";
import { GET as getTrial, PATCH as patchTrial } from "./trials/[number]/route";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const FIXTURE = path.resolve("lib/objectives/test-fixtures/train-fixture.mjs");

/** A command study of the fixture program, which saves epoch-<e>.pt per epoch; maximizing its falling curve puts the best at epoch 1. */
function fixtureStudy(name: string, extra: Record<string, unknown> = {}) {
  return createStudy({
    name,
    objective: "command",
    strategy: "random+fifo",
    budget: { kind: "trials", value: 3 },
    parallelism: 1,
    seed: 3,
    epochDelayMs: 0,
    command: {
      argv: [process.execPath, FIXTURE, "--lr", "{lr}", "--epochs", "{epochs}", "--delay", "0", "--checkpoint-dir", "{checkpoint_dir}", "--resume-from", "{resume_file}"],
      cwd: ".",
      metric: "value",
      direction: "maximize",
      maxEpochs: 5,
      space: [{ type: "float", name: "lr", low: 0.05, high: 0.3 }],
      graceMs: 5000,
      timeoutMs: 60_000,
    },
    ...extra,
  });
}

/** A long synthetic study, to be caught running. */
const longStudy = (name: string) =>
  createStudy({ name, objective: "synthetic:branin", strategy: "random+fifo", budget: { kind: "trials", value: 100_000 }, parallelism: 1, seed: 1, epochDelayMs: 20 });

const ctx = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
const trialCtx = (id: number, number: number) => ({ params: Promise.resolve({ id: String(id), number: String(number) }) });
const json = (method: string, body: unknown) => new Request("http://127.0.0.1/x", { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const done = (id: number) => ["completed", "stopped", "failed"].includes(getStudySummary(id)!.status) && getStudySummary(id)!.runningCount === 0;
const epochFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^epoch-\d+\.pt$/.test(f)).sort() : []);

describe("what users look for afterwards", () => {
  it("cleans up finished trials' checkpoints to the best and the newest, and names the best checkpoint and the final value everywhere", async () => {
    const study = fixtureStudy("cleanup");
    await waitFor(() => done(study.id), 60_000, "the study to finish");
    const summary = getStudySummary(study.id)!;
    expect(summary.status).toBe("completed");
    for (const t of getTrialRecords(study.id)) {
      expect(t.bestEpoch).toBe(1);
      expect(epochFiles(trialCheckpointDir(study.id, t.number))).toEqual(["epoch-1.pt", `epoch-${t.lastEpoch}.pt`]);
    }
    expect(summary.bestCheckpoint).toBe(path.join(trialCheckpointDir(study.id, summary.bestTrial!), "epoch-1.pt"));
    expect(fs.existsSync(summary.bestCheckpoint!)).toBe(true);
    const detail = await (await getTrial(new Request("http://127.0.0.1/x"), trialCtx(study.id, summary.bestTrial!))).json();
    expect(detail.bestCheckpoint).toBe(summary.bestCheckpoint);
    const lastValue = detail.curve[detail.curve.length - 1][1];
    expect(detail.trial.finalValue).toBe(lastValue);
    expect(summary.finalValue).toBe(lastValue);
    expect(summary.finalValue).toBeLessThan(summary.bestValue!);

    const csv = (await (await exportRoute(new Request("http://127.0.0.1/x?format=csv&what=trials"), ctx(study.id))).text()).trim().split("\n");
    const head = csv[0].split(",");
    expect(head).toEqual(expect.arrayContaining(["best_value", "final_value", "best_checkpoint", "tags", "notes", "warm_at_best"]));
    const best = csv.slice(1).map((l) => l.split(",")).find((cells) => cells[0] === String(summary.bestTrial))!;
    expect(Number(best[head.indexOf("final_value")])).toBe(lastValue);
    expect(best[head.indexOf("best_checkpoint")]).toBe(summary.bestCheckpoint);
    const measurements = (await (await exportRoute(new Request("http://127.0.0.1/x?format=csv&what=measurements"), ctx(study.id))).text()).trim().split("\n");
    const columns = measurements[0].split(",");
    expect(columns.slice(0, 3)).toEqual(["trial", "epoch", "value"]);
    // The fixture prints warm and echo_lr (its lr) beside the value: each is a column of its own.
    expect(columns).toEqual(expect.arrayContaining(["warm", "echo_lr"]));
    const first = measurements[1].split(",");
    expect(first[columns.indexOf("warm")]).toBe("0");
    expect(Number(first[columns.indexOf("echo_lr")])).toBe((getTrialRecords(study.id)[0].params as { lr: number }).lr);
  }, 90_000);

  it("keeps every checkpoint of a study that asks to keep all", async () => {
    const study = fixtureStudy("keep all", { keepCheckpoints: "all" });
    await waitFor(() => done(study.id), 60_000, "the study to finish");
    for (const t of getTrialRecords(study.id)) expect(epochFiles(trialCheckpointDir(study.id, t.number))).toHaveLength(t.lastEpoch);
  }, 90_000);

  it("sets notes and tags on studies and trials, shows them in the list and filters it by tag; refuses bad ones writing nothing", async () => {
    const a = fixtureStudy("tagged a");
    const b = fixtureStudy("tagged b", { tags: ["lr-sweep"] });
    await waitFor(() => done(a.id) && done(b.id), 60_000, "the studies to finish");
    const patched = await patchStudy(json("PATCH", { notes: "first try\nwith two lines", tags: ["baseline", "lr-sweep", "baseline"] }), ctx(a.id));
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ notes: "first try\nwith two lines", tags: ["baseline", "lr-sweep"] });
    await patchStudy(json("PATCH", { tags: ["other"] }), ctx(b.id));
    const list = (tag?: string) => listStudies(new Request(`http://127.0.0.1/api/studies${tag ? `?tag=${tag}` : ""}`)).then((r) => r.json());
    expect((await list("baseline")).map((s: { id: number }) => s.id)).toEqual([a.id]);
    expect((await list("other")).map((s: { id: number }) => s.id)).toEqual([b.id]);
    expect((await list("nothing"))).toEqual([]);
    expect((await list()).find((s: { id: number }) => s.id === a.id)).toMatchObject({ notes: "first try\nwith two lines", tags: ["baseline", "lr-sweep"] });

    const trial = await patchTrial(json("PATCH", { notes: "odd curve", tags: ["look"] }), trialCtx(a.id, 1));
    expect(trial.status).toBe(200);
    expect(await trial.json()).toMatchObject({ number: 1, notes: "odd curve", tags: ["look"] });
    const detail = await (await getStudy(new Request("http://127.0.0.1/x"), ctx(a.id))).json();
    expect(detail.trials.find((t: { number: number }) => t.number === 1)).toMatchObject({ notes: "odd curve", tags: ["look"] });

    const before = tableCounts();
    const bad: [unknown, number, RegExp][] = [
      [{ tags: ["a,b"] }, 400, /tags\.0: a tag must not contain a comma/],
      [{ tags: ["x\u202ey"] }, 400, /tags\.0: must not contain bidirectional control characters/],
      [{ tags: [""] }, 400, /tags\.0: a tag must not be empty/],
      [{ notes: "a\u0000b" }, 400, /notes: must not contain NUL/],
      [{ colour: "red" }, 400, /colour/],
    ];
    for (const [body, status, message] of bad) {
      const response = await patchStudy(json("PATCH", body), ctx(a.id));
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await response.json()).error).toMatch(message);
    }
    expect((await patchStudy(json("PATCH", { notes: "x" }), ctx(99_999))).status).toBe(404);
    const missingTrial = await patchTrial(json("PATCH", { notes: "x" }), trialCtx(a.id, 999));
    expect(missingTrial.status).toBe(404);
    expect((await missingTrial.json()).error).toMatch(/has no trial 999/);
    expect(tableCounts()).toEqual(before);
    expect(getStudyRecord(a.id)!.tags).toEqual(["baseline", "lr-sweep"]);
  }, 90_000);

  it("refuses to delete a running study, then deletes a stopped one: its rows and its checkpoint folder", async () => {
    const study = fixtureStudy("to delete");
    await waitFor(() => done(study.id), 60_000, "the study to finish");
    const running = longStudy("running");
    const refused = await deleteStudy(new Request("http://127.0.0.1/x", { method: "DELETE" }), ctx(running.id));
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatch(new RegExp(`study ${running.id} is running; stop it first`));
    expect(getStudyRecord(running.id)).toBeDefined();
    await postAction(json("POST", { action: "stop" }), ctx(running.id));

    const folder = studyCheckpointDir(study.id);
    expect(fs.existsSync(folder)).toBe(true);
    const before = tableCounts();
    const trials = getTrialRecords(study.id).length;
    const response = await deleteStudy(new Request("http://127.0.0.1/x", { method: "DELETE" }), ctx(study.id));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: study.id, checkpoints: folder });
    expect(getStudyRecord(study.id)).toBeUndefined();
    expect(fs.existsSync(folder)).toBe(false);
    const after = tableCounts();
    expect(after.studies).toBe(before.studies - 1);
    expect(after.trials).toBe(before.trials - trials);
    expect(after.measurements).toBeLessThan(before.measurements);
    expect(after.events).toBeLessThan(before.events);
    expect((await getStudy(new Request("http://127.0.0.1/x"), ctx(study.id))).status).toBe(404);
    expect((await deleteStudy(new Request("http://127.0.0.1/x", { method: "DELETE" }), ctx(study.id))).status).toBe(404);
    // The other study is untouched.
    expect(getStudyRecord(running.id)!.status).toBe("stopped");
  }, 90_000);

  it("extends a finished study's budget: it goes on where it was, and its log replays exactly", async () => {
    const study = createStudy({ name: "extend", objective: "synthetic:branin", strategy: "sieve", budget: { kind: "trials", value: 12 }, parallelism: 2, seed: 9, epochDelayMs: 0 });
    await waitFor(() => done(study.id), 60_000, "the study to finish");
    const first = getTrialRecords(study.id).map((t) => ({ number: t.number, params: t.params, bestValue: t.bestValue, status: t.status }));
    expect(first).toHaveLength(12);

    const before = tableCounts();
    for (const [value, status, message] of [
      [12, 400, /value: must exceed the current budget of 12 trials/],
      [0, 400, /value/],
    ] as const) {
      const response = await postBudget(json("POST", { value }), ctx(study.id));
      expect(response.status).toBe(status);
      expect((await response.json()).error).toMatch(message);
    }
    const running = longStudy("still running");
    const refused = await postBudget(json("POST", { value: 200_000 }), ctx(running.id));
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatch(/is running: only a completed or stopped study's budget can be extended/);
    await postAction(json("POST", { action: "stop" }), ctx(running.id));
    expect(tableCounts().trials - before.trials).toBe(getTrialRecords(running.id).length);

    const extended = await postBudget(json("POST", { value: 20 }), ctx(study.id));
    expect(extended.status).toBe(200);
    expect(await extended.json()).toMatchObject({ budget: { kind: "trials", value: 20 } });
    await waitFor(() => done(study.id), 60_000, "the extended study to finish");
    expect(getStudySummary(study.id)!.status).toBe("completed");
    const all = getTrialRecords(study.id);
    expect(all).toHaveLength(20);
    // The first twelve trials are as they were; the new ones follow them.
    expect(all.slice(0, 12).map((t) => ({ number: t.number, params: t.params, bestValue: t.bestValue, status: t.status }))).toEqual(first);
    expect(all.slice(12).map((t) => t.number)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    // Replaying the whole log, extension included, rebuilds the strategy without diverging, with every trial in it.
    const replayed = StudyRun.load(study.id);
    expect(replayed.status).toBe("completed");
    getEngine().forget(study.id);
    expect(getEngine().run(study.id).status).toBe("completed");
  }, 120_000);
});
