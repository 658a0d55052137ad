import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportStudy } from "../../db/dashboard";
import { getCurves, getStudyDetail, getStudySummary } from "../../db/queries";
import { scheduleText } from "../api/schedule-text";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import { createStudy } from "./studies";
import { StudyRun } from "./study-run";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

describe("branches in the engine", () => {
  it("runs random+pbt on mlp:wine: branches record parents and schedules, pay only their own epochs, and replay", async () => {
    const study = createStudy({
      name: "pbt on wine",
      objective: "mlp:wine",
      strategy: "random+pbt",
      // One job at a time makes the run a function of the seed, whatever the machine's load.
      parallelism: 1,
      seed: 12,
      epochDelayMs: 0,
      budget: { kind: "epochs", value: 160 },
    });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 120_000, "the PBT study to complete");
    const detail = getStudyDetail(study.id)!;
    expect(detail.trials.some((t) => t.status === "running")).toBe(false);
    const branches = detail.trials.filter((t) => t.parent !== null);
    expect(branches.length).toBeGreaterThan(0);
    const curves = new Map(getCurves(study.id).curves.map((c) => [c.trial, c.points]));
    for (const b of branches) {
      const parent = detail.trials.find((t) => t.number === b.parent)!;
      expect(b.startEpoch).toBeGreaterThan(0);
      expect(b.startEpoch % 4).toBe(0);
      // The branch keeps the parent's network shape and lists its schedule, the parent's segment first.
      expect(b.params.width).toBe(parent.params.width);
      expect(b.schedule!.at(-1)).toEqual({ fromEpoch: b.startEpoch, params: b.params });
      expect(b.schedule![0].fromEpoch).toBe(0);
      // Its measurements start after the epoch it started from.
      const points = curves.get(b.number) ?? [];
      if (points.length > 0) expect(points[0][0]).toBe(b.startEpoch + 1);
    }
    expect(detail.trials.filter((t) => t.parent === null).every((t) => t.startEpoch === 0 && t.schedule === undefined)).toBe(true);
    // The budget counts only trained epochs: one measurement each, inherited epochs not included.
    const measured = [...curves.values()].reduce((n, p) => n + p.length, 0);
    expect(detail.study.epochsSpent).toBe(160);
    expect(measured).toBe(160);
    // The export carries each branch's schedule as the line the trial page shows (PBT explores lr, so it changes).
    const rows = exportStudy(study.id, "trials", "csv").trim().split("\n");
    const column = rows[0].split(",").indexOf("schedule");
    expect(column).toBeGreaterThan(0);
    const exported = new Map(rows.slice(1).map((line) => [Number(line.split(",")[0]), line]));
    const changed = branches.filter((b) => scheduleText(b.schedule) !== "");
    expect(changed.length).toBeGreaterThan(0);
    for (const b of changed) {
      expect(scheduleText(b.schedule)).toMatch(/ until epoch \d+, then /);
      expect(exported.get(b.number)).toContain(`,"${scheduleText(b.schedule)}",`); // quoted: it holds commas
    }
    const json = JSON.parse(exportStudy(study.id, "trials", "json")) as { number: number; scheduleText: string }[];
    for (const b of changed) expect(json.find((t) => t.number === b.number)!.scheduleText).toBe(scheduleText(b.schedule));
    // The log, branches included, rebuilds the strategy after a restart.
    expect(() => StudyRun.load(study.id)).not.toThrow();
  }, 150_000);
});
