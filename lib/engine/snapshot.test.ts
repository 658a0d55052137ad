import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { getAnalysis, getStudySummary } from "../../db/queries";
import { deleteStrategySnapshot, getStrategySnapshot } from "../../db/strategy-snapshots";
import type { Strategy } from "../optimizer/strategy";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import { getEngine } from "./engine";
import { createStudy } from "./studies";
import { StudyRun } from "./study-run";

let where: { file: string; dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const strategyOf = (run: StudyRun) => (run as unknown as { strategy: Strategy }).strategy;

describe("strategy snapshots across a restart", () => {
  it("restores the sieve from its snapshot exactly as a whole replay would, loads in the background after start, and finishes the budget", async () => {
    getEngine().start();
    const { id } = createStudy({ name: "snapshots", objective: "lc-table:digits-mlp", strategy: "sieve", budget: { kind: "epochs", value: 6000 }, parallelism: 4, seed: 5, epochDelayMs: 0 });
    // Rounds run in a worker thread and complete some asks after they fall due: wait for one, so the snapshot carries the sieve's analysis.
    // A strategy snapshot is saved once the strategy has worked 100 ms since the last: on a fast machine that can come
    // after 1,300 epochs, so wait for it too (a condition, not a clock).
    await waitFor(
      () => (getStudySummary(id)?.epochsSpent ?? 0) >= 1300 && getAnalysis(id).snapshots.length > 0 && getStrategySnapshot(id) !== undefined,
      120_000,
      "1,300 epochs, an analysis round and a strategy snapshot",
    );
    // As a crash: nothing more is written, trials stay running.
    await getEngine().reset();
    const saved = getStrategySnapshot(id);
    expect(saved).toBeDefined();
    const lastEvent = getDb().$client.prepare("select max(id) as id from events where study_id = ?").get(id) as { id: number };
    expect(saved!.lastEventId).toBeGreaterThan(0);
    expect(saved!.lastEventId).toBeLessThan(lastEvent.id);

    const fromSnapshot = strategyOf(StudyRun.load(id));
    deleteStrategySnapshot(id);
    const fromLog = strategyOf(StudyRun.load(id));
    expect(fromSnapshot.trials.length).toBeGreaterThan(100);
    expect(fromSnapshot.snapshots().length).toBeGreaterThan(0);
    expect(fromSnapshot.trials).toEqual(fromLog.trials);
    expect(fromSnapshot.rules()).toEqual(fromLog.rules());
    expect(fromSnapshot.snapshots()).toEqual(fromLog.snapshots());
    expect(fromSnapshot.ask()).toEqual(fromLog.ask());

    getEngine().start();
    // start() only queues the replay: the process answers requests before the study is loaded.
    expect(getEngine().isLoading(id)).toBe(true);
    expect(getEngine().loaded(id)).toBeUndefined();
    await waitFor(() => getStudySummary(id)?.status !== "running", 120_000, "the study to finish");
    expect(getStudySummary(id)).toMatchObject({ status: "completed", epochsSpent: 6000, error: null });
  });
});
