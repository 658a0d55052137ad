import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTempDatabase, useTempDatabase } from "../test/temp-db";
import { getDb } from "./client";
import { eventValue, getReplayEvents, getStudyRecord, insertStudy, insertTrial, recordMeasurement, valueOfEvent } from "./queries";
import { measurements } from "./schema";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

describe("non-finite reports", () => {
  it("keeps ±Infinity as reported, stores NaN as NULL, and never takes an infinite value as the best", () => {
    const study = insertStudy({
      name: "inf", objective: "synthetic:branin", metric: "loss", direction: "minimize", strategy: "random+fifo",
      space: [{ type: "float", name: "x", low: 0, high: 1 }], budget: { kind: "epochs", value: 10 }, maxEpochs: 5,
      parallelism: 1, seed: 0, patience: null, epochDelayMs: 0,
    });
    const trialId = insertTrial(study.id, { trial: 0, params: { x: 0.5 }, toEpoch: 4 });
    const reports = [0.7, Infinity, -Infinity, NaN];
    reports.forEach((value, i) => recordMeasurement({ studyId: study.id, trialId, trialNumber: 0, epoch: i + 1, value, loss: value }));
    const stored = getDb().select({ value: measurements.value }).from(measurements).where(eq(measurements.trialId, trialId)).all().map((r) => r.value);
    expect(stored).toEqual([0.7, Infinity, -Infinity, null]);
    expect(getStudyRecord(study.id)!.bestValue).toBe(0.7);
    // A repeat of the same infinite report is a duplicate, not a conflict.
    expect(recordMeasurement({ studyId: study.id, trialId, trialNumber: 0, epoch: 2, value: Infinity, loss: Infinity })).toBe("duplicate");
    // The event log (JSON) carries them to the replay unchanged.
    const replayed = getReplayEvents(study.id).filter((e) => e.type === "report").map((e) => valueOfEvent(e.payload.value));
    expect(replayed).toEqual(reports);
    expect([0.5, Infinity, -Infinity, NaN].map((v) => valueOfEvent(JSON.parse(JSON.stringify(eventValue(v)))))).toEqual([0.5, Infinity, -Infinity, NaN]);
  });
});
