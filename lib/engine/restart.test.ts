import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { getCurves, getStudyDetail, getStudySummary, tableCounts } from "../../db/queries";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import { getEngine } from "./engine";

let where: { file: string; dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

describe("restart after a crash", () => {
  it("marks the trials that were running interrupted and finishes the study's budget", async () => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "test/engine-child.ts"], {
      // 400 epochs of 50 ms, 4 at a time: about 5 s of study, so the kill after 40 epochs lands while trials run
      // even when this process notices the 40th epoch late on a busy machine (at 200 × 15 ms it once did not).
      env: { ...process.env, HYPERSIEVE_DB: where.file, BUDGET: "400", EPOCH_DELAY_MS: "50" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    await waitFor(() => /study \d+/.test(output), 30_000, "the child to launch its study");
    const id = Number(/study (\d+)/.exec(output)![1]);
    await waitFor(() => (getStudySummary(id)?.epochsSpent ?? 0) >= 40, 30_000, "forty epochs");
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));

    const atCrash = getStudyDetail(id)!;
    const runningAtCrash = atCrash.trials.filter((t) => t.status === "running").map((t) => t.number);
    expect(runningAtCrash.length).toBeGreaterThan(0);
    const measuredAtCrash = tableCounts().measurements;

    getEngine().start();
    await waitFor(() => getStudySummary(id)?.status === "completed", 60_000, "the study to complete");
    const after = getStudyDetail(id)!;
    for (const n of runningAtCrash) expect(after.trials[n].status).toBe("interrupted");
    expect(after.trials.some((t) => t.status === "running")).toBe(false);
    // Nothing acknowledged before the crash is lost, and the budget is spent exactly once.
    expect(tableCounts().measurements).toBeGreaterThanOrEqual(measuredAtCrash);
    expect(after.study.epochsSpent).toBe(400);
    expect(tableCounts().measurements).toBe(400);
    for (const curve of getCurves(id).curves) curve.points.forEach(([epoch], i) => expect(epoch).toBe(i + 1));
    expect(getDb().$client.pragma("integrity_check", { simple: true })).toBe("ok");
  });
});
