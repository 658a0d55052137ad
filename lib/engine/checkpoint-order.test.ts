// A finished trial's checkpoint clean-up runs after the pump that starts the next job, so the next job (or the
// instruction a waiting program reads) does not wait for the clean-up's queries and deletes.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getStudyDetail, getStudySummary } from "../../db/queries";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import { createStudy } from "./studies";

/** For each clean-up of a finished trial: its number, and how many trials the study had when it ran. */
const cleanups: { number: number; trialsThen: number }[] = [];

vi.mock("./checkpoint-sweep", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./checkpoint-sweep")>();
  return {
    ...actual,
    cleanupTrialCheckpoints: (studyId: number, number: number) => {
      cleanups.push({ number, trialsThen: getStudySummary(studyId)!.trialCount });
      return actual.cleanupTrialCheckpoints(studyId, number);
    },
  };
});

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

describe("the checkpoint clean-up of a finished trial", () => {
  it("runs after the next trial has started", async () => {
    const study = createStudy({
      name: "clean-up order",
      objective: "lc-table:digits-mlp",
      strategy: "random+fifo",
      parallelism: 1,
      seed: 3,
      epochDelayMs: 0,
      budget: { kind: "trials", value: 3 },
    });
    await waitFor(() => getStudySummary(study.id)?.status === "completed" && cleanups.length === 3, 30_000, "the study to complete");
    expect(getStudyDetail(study.id)!.trials.map((t) => t.status)).toEqual(["completed", "completed", "completed"]);
    // One trial at a time: trial 0's clean-up saw trial 1 already inserted and started, and trial 1's saw trial 2.
    expect(cleanups).toEqual([
      { number: 0, trialsThen: 2 },
      { number: 1, trialsThen: 3 },
      { number: 2, trialsThen: 3 },
    ]);
  });
});
