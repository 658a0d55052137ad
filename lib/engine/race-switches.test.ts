import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStudyDetail, getStudyRecord, getStudySummary, schedulerSettingsOf } from "../../db/queries";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import type { CreateStudyInput } from "../api/schemas";
import { MLP_SPACE } from "../objectives/mlp/objective";
import { createStudy } from "./studies";
import { StudyRun } from "./study-run";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

/** A sieve study on mlp:wine, one job at a time so the run is a function of the seed whatever the machine's load. */
async function runSieve(switches: Pick<CreateStudyInput, "warmStart" | "schedules" | "scheduleDecay">) {
  const study = createStudy({
    name: "sieve on wine",
    objective: "mlp:wine",
    strategy: "sieve",
    parallelism: 1,
    seed: 12,
    epochDelayMs: 0,
    budget: { kind: "epochs", value: 250 },
    ...switches,
  });
  await waitFor(() => getStudySummary(study.id)?.status === "completed", 120_000, "the sieve study to complete");
  return getStudyDetail(study.id)!;
}

describe("the race's switches in the engine", () => {
  it("creates no branch on mlp:wine by default, and stores the switches off", async () => {
    const detail = await runSieve({});
    expect(detail.study).toMatchObject({ warmStart: false, schedules: false, canWarmStart: true });
    expect(getStudyRecord(detail.study.id)!.schedulerSettings).toEqual({ warmStart: false, schedules: false });
    expect(detail.trials.filter((t) => t.parent !== null)).toEqual([]);
  }, 150_000);

  it("branches on mlp:wine when both are switched on, and replays the branches after a restart", async () => {
    const detail = await runSieve({ warmStart: true, schedules: true });
    expect(detail.study).toMatchObject({ warmStart: true, schedules: true });
    expect(detail.trials.filter((t) => t.parent !== null).length).toBeGreaterThan(0);
    expect(() => StudyRun.load(detail.study.id)).not.toThrow();
  }, 150_000);

  it("branches by the study's decay rule: each schedule continues its parent's latest checkpoint with lr × 0.1, and replays after a restart", async () => {
    const decay = { param: "lr", factor: 0.1, from: "latest", lastRung: true, alongside: true } as const;
    const detail = await runSieve({ scheduleDecay: decay });
    expect(detail.study).toMatchObject({ warmStart: false, schedules: true, scheduleDecay: decay });
    expect(getStudyRecord(detail.study.id)!.schedulerSettings).toEqual({ warmStart: false, schedules: true, scheduleDecay: decay });
    const branches = detail.trials.filter((t) => t.parent !== null);
    expect(branches.length).toBeGreaterThan(0);
    const low = (MLP_SPACE.find((p) => p.name === "lr") as { low: number }).low;
    for (const b of branches) {
      const parent = detail.trials.find((t) => t.number === b.parent)!;
      // From the parent's latest checkpoint at the last rung below wine's 50 epochs (rungs 2, 6, 17), not its best epoch; only lr changed: × 0.1, kept inside the space.
      expect(b.startEpoch).toBe(17);
      expect(b.schedule!.at(-1)).toEqual({ fromEpoch: 17, params: b.params });
      expect(b.params.lr).toBeCloseTo(Math.max(low, (parent.params.lr as number) * 0.1), 12);
      expect({ ...b.params, lr: 0 }).toEqual({ ...parent.params, lr: 0 });
    }
    // Alongside: every branched leader is promoted as well, so it trains past the epoch its branch started from.
    expect(branches.some((b) => detail.trials.find((t) => t.number === b.parent)!.epochs > b.startEpoch)).toBe(true);
    // The stored rule rebuilds the same race after a restart: replay asks for the branches the log holds.
    expect(() => StudyRun.load(detail.study.id)).not.toThrow();
  }, 150_000);

  it("reads a study stored before the switches were stored (a null column) with both on, as it was created", () => {
    expect(schedulerSettingsOf({ schedulerSettings: null })).toEqual({ warmStart: true, schedules: true });
  });

  it("creates no branch with warm starts and schedules off, stores the switches, and replays with them after a restart", async () => {
    const detail = await runSieve({ warmStart: false, schedules: false });
    expect(detail.study).toMatchObject({ warmStart: false, schedules: false });
    expect(getStudyRecord(detail.study.id)!.schedulerSettings).toEqual({ warmStart: false, schedules: false });
    expect(detail.trials.length).toBeGreaterThan(0);
    expect(detail.trials.filter((t) => t.parent !== null)).toEqual([]);
    // Rebuilt without the stored switches, the race would ask for a branch the log lacks, and replay would throw.
    expect(() => StudyRun.load(detail.study.id)).not.toThrow();
  }, 150_000);
});
