import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { eq } from "drizzle-orm";
import { getAnalysis, getCurves, getStudyDetail, getStudySummary, pruneWaitingTrialsOfFinishedStudies, tableCounts } from "../../db/queries";
import { trials } from "../../db/schema";
import { GET as analysisRoute } from "../../app/api/studies/[id]/analysis/route";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import fs from "node:fs";
import { checkpointDir } from "./study-run";
import { listObjectives } from "../objectives/registry";
import { applyStudyAction, createStudy } from "./studies";
import { getEngine } from "./engine";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const base = {
  name: "engine test",
  objective: "lc-table:digits-mlp",
  strategy: "random+fifo",
  parallelism: 4,
  seed: 3,
  epochDelayMs: 0,
} as const;

describe("study runner", () => {
  it("spends exactly an epoch budget and reports the best measurement", async () => {
    const study = createStudy({ ...base, budget: { kind: "epochs", value: 300 }, patience: 5 });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 30_000, "study to complete");
    const detail = getStudyDetail(study.id)!;
    expect(detail.study.epochsSpent).toBe(300);
    const points = getCurves(study.id).curves.flatMap((c) => c.points);
    expect(points.length).toBe(300);
    const best = Math.min(...points.map(([, v]) => v));
    expect(detail.study.bestValue).toBe(best);
    expect(detail.trials.some((t) => t.status === "running")).toBe(false);
    // Early stopping on patience 5 stops some trials before 40 epochs on this table.
    expect(detail.trials.some((t) => t.status === "pruned" && /no improvement for 5 epochs/.test(t.reason ?? ""))).toBe(true);
    const sumEpochs = detail.trials.reduce((n, t) => n + t.epochs, 0);
    expect(sumEpochs).toBe(300);
  });

  it("starts no more trials than a trial budget and runs each to the end", async () => {
    const study = createStudy({ ...base, seed: 4, budget: { kind: "trials", value: 6 } });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 30_000, "study to complete");
    const detail = getStudyDetail(study.id)!;
    expect(detail.trials).toHaveLength(6);
    expect(detail.trials.every((t) => t.status === "completed" && t.epochs === 40)).toBe(true);
    expect(detail.study.epochsSpent).toBe(240);
  });

  it.each(["random+asha", "sieve", "random+hyperband"])("runs %s with promotions racing pauses: no trial fails, every curve is whole", async (strategy) => {
    const study = createStudy({ ...base, objective: "synthetic:branin", strategy, seed: 12, parallelism: 4, budget: { kind: "epochs", value: 600 } });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 30_000, "the study to complete");
    const detail = getStudyDetail(study.id)!;
    expect(detail.trials.filter((t) => t.status === "failed")).toEqual([]);
    // Trials left waiting at a rung end pruned when the study finishes, not paused.
    expect(detail.trials.filter((t) => t.status === "paused" || t.status === "running").map((t) => `#${t.number} ${t.status}`)).toEqual([]);
    expect(detail.trials.some((t) => t.status === "pruned" && /^the study finished while this trial waited at epoch \d+$/.test(t.reason ?? ""))).toBe(true);
    expect(detail.trials.some((t) => t.epochs > 1)).toBe(true);
    expect(detail.study.epochsSpent).toBe(600);
    for (const curve of getCurves(study.id).curves) curve.points.forEach(([epoch], i) => expect(epoch).toBe(i + 1));
  });

  it("resolves its run's `ended` when it completes, and when it is stopped", async () => {
    const completes = createStudy({ ...base, seed: 13, budget: { kind: "trials", value: 2 } });
    await getEngine().loaded(completes.id)!.ended;
    expect(getEngine().loaded(completes.id)!.status).toBe("completed");
    const stopped = createStudy({ ...base, seed: 14, epochDelayMs: 10, budget: { kind: "epochs", value: 400 } });
    const run = getEngine().loaded(stopped.id)!;
    let ended = false;
    void run.ended.then(() => (ended = true));
    await waitFor(() => getStudySummary(stopped.id)!.epochsSpent >= 5, 10_000, "some epochs");
    expect(ended).toBe(false);
    await applyStudyAction(stopped.id, "stop");
    await run.ended;
    expect(run.status).toBe("stopped");
  });

  it("never runs more trials at once than its parallelism", async () => {
    const study = createStudy({ ...base, seed: 5, parallelism: 3, epochDelayMs: 5, budget: { kind: "trials", value: 8 } });
    let most = 0;
    while (getStudySummary(study.id)!.status === "running") {
      most = Math.max(most, getStudySummary(study.id)!.runningCount);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
  });

  it("pauses, resumes from the last epoch, and stops", async () => {
    const study = createStudy({ ...base, seed: 6, epochDelayMs: 10, budget: { kind: "epochs", value: 400 } });
    await waitFor(() => getStudySummary(study.id)!.epochsSpent >= 20, 10_000, "some epochs");
    await applyStudyAction(study.id, "pause");
    const paused = getStudyDetail(study.id)!;
    expect(paused.study.status).toBe("paused");
    expect(paused.trials.filter((t) => t.status === "running")).toHaveLength(0);
    const spent = paused.study.epochsSpent;
    await new Promise((r) => setTimeout(r, 100));
    expect(getStudySummary(study.id)!.epochsSpent).toBe(spent);
    await applyStudyAction(study.id, "resume");
    await waitFor(() => getStudySummary(study.id)!.epochsSpent > spent + 10, 10_000, "progress after resume");
    // A trial suspended by the pause continues its curve without a gap or a repeat.
    for (const curve of getCurves(study.id).curves) {
      curve.points.forEach(([epoch], i) => expect(epoch).toBe(i + 1));
    }
    await applyStudyAction(study.id, "stop");
    const stopped = getStudyDetail(study.id)!;
    expect(stopped.study.status).toBe("stopped");
    expect(stopped.trials.filter((t) => t.status === "running" || t.status === "paused")).toHaveLength(0);
    await expect(applyStudyAction(study.id, "resume")).rejects.toThrow(/cannot resume a study that is stopped/);
  });

  it("trains real MLPs on wine in worker threads, writing checkpoints and every epoch", async () => {
    const study = createStudy({
      ...base,
      objective: "mlp:wine",
      seed: 8,
      parallelism: 2,
      budget: { kind: "trials", value: 3 },
      space: [
        { type: "float", name: "lr", low: 0.01, high: 0.1, log: true },
        { type: "float", name: "momentum", low: 0.5, high: 0.9 },
        { type: "categorical", name: "optimizer", choices: ["sgd", "adam"] },
        { type: "int", name: "batch_size", low: 16, high: 32, log: true },
        { type: "int", name: "width", low: 8, high: 16, log: true },
        { type: "int", name: "depth", low: 1, high: 2 },
        { type: "float", name: "weight_decay", low: 1e-6, high: 1e-4, log: true },
        { type: "float", name: "dropout", low: 0, high: 0.1 },
        { type: "categorical", name: "activation", choices: ["relu", "tanh"] },
      ],
    });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 120_000, "the MLP study to complete");
    const detail = getStudyDetail(study.id)!;
    expect(detail.trials).toHaveLength(3);
    expect(detail.trials.every((t) => t.status === "completed" && t.epochs === 50)).toBe(true);
    // Real training on wine: the best validation loss falls well below ln 3 ≈ 1.10 (chance).
    expect(detail.study.bestValue!).toBeLessThan(0.5);
    expect(fs.readdirSync(checkpointDir(study.id, 0)).length).toBeGreaterThan(0);
  });

  it("persists the sieve's analysis rounds and rules, and serves them", async () => {
    const study = createStudy({ ...base, objective: "synthetic:branin", strategy: "sieve", seed: 9, budget: { kind: "epochs", value: 1500 } });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 60_000, "the sieve study to complete");
    const { snapshots, rules } = getAnalysis(study.id);
    expect(snapshots.length).toBeGreaterThan(0);
    expect(snapshots.map((s) => s.round)).toEqual(snapshots.map((_, i) => i));
    // Each round's tests ran in a worker thread and came back as one logged event; at most the last round was still out when the study ended.
    const logged = getDb().$client.prepare("select payload from events where study_id = ? and type = 'analysis' order by id").all(study.id) as { payload: string }[];
    expect(logged.map((e) => (JSON.parse(e.payload) as { round: number }).round)).toEqual(snapshots.map((s) => s.round));
    const last = snapshots.at(-1)!;
    // Branin's x2 matters strongly; its main effect is among those tested.
    expect(last.effects.find((e) => e.label === "x2")).toBeDefined();
    expect(last.bounds).toHaveLength(2);
    expect(last.volumeShare).toBeGreaterThan(0);
    for (const rule of rules) expect(["proposed", "active", "rejected", "relaxed"]).toContain(rule.status);
    const response = await analysisRoute(new Request("http://127.0.0.1"), { params: Promise.resolve({ id: String(study.id) }) });
    expect((await response.json()).snapshots).toHaveLength(snapshots.length);
  });

  it("gives a table's parameters its grid when a request's space leaves it out, and rejects values off the grid", async () => {
    const objectiveSpace = listObjectives().find((o) => o.id === base.objective)!.space;
    const space = objectiveSpace.map((p) => (p.type === "categorical" ? p : { type: p.type, name: p.name, low: p.low, high: p.name === "lr" ? 0.5 : p.high, ...(p.log ? { log: true } : {}) }));
    const study = createStudy({ ...base, budget: { kind: "trials", value: 8 }, space: space as typeof objectiveSpace });
    const lr = study.space.find((p) => p.name === "lr");
    expect(lr).toMatchObject({ high: 0.5, grid: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3] });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 30_000, "study to complete");
    for (const t of getStudyDetail(study.id)!.trials) expect(lr!.type !== "categorical" && lr!.grid).toContain(t.params.lr);
    const offGrid = space.map((p) => (p.name === "lr" ? { ...p, grid: [0.002, 0.3] } : p));
    expect(() => createStudy({ ...base, budget: { kind: "trials", value: 1 }, space: offGrid as typeof objectiveSpace })).toThrow(/space\.0\.grid: lr: \[0\.002\] not among/);
  });

  it("prunes, at start, the trials an older server left paused in a finished study", async () => {
    const study = createStudy({ ...base, objective: "synthetic:branin", strategy: "random+asha", seed: 21, budget: { kind: "epochs", value: 200 } });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 30_000, "the study to complete");
    const victim = getStudyDetail(study.id)!.trials[0];
    getDb().update(trials).set({ status: "paused", reason: null, finishedAt: null }).where(eq(trials.id, victim.id)).run();
    expect(pruneWaitingTrialsOfFinishedStudies()).toBe(1);
    const after = getStudyDetail(study.id)!.trials.find((t) => t.id === victim.id)!;
    expect(after.status).toBe("pruned");
    expect(after.reason).toBe(`the study finished while this trial waited at epoch ${victim.epochs}`);
    expect(pruneWaitingTrialsOfFinishedStudies()).toBe(0);
  });

  it("rejects a space outside the objective's and writes nothing", () => {
    const before = tableCounts();
    expect(() =>
      createStudy({
        ...base,
        budget: { kind: "epochs", value: 10 },
        space: [{ type: "float", name: "lr", low: 0.001, high: 5, log: true }],
      }),
    ).toThrow(/space\.0\.high: lr: high 5 is above the objective's 1/);
    expect(tableCounts()).toEqual(before);
    expect(getDb().$client.pragma("integrity_check", { simple: true })).toBe("ok");
  });
});
