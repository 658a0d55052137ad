/**
 * Faults become states, not corruption (issue 15): another process's write
 * lock is waited out off the event loop, and a full disk pauses a study with
 * its cause until resume, with no trial failed and every curve whole.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "../../db/client";
import { getStudyDetail, getStudySummary, tableCounts } from "../../db/queries";
import { waitFor } from "../../test/temp-db";
import { isHttpError } from "../api/http";
import { createStudySchema } from "../api/schemas";
import { GET as getStudy } from "../../app/api/studies/[id]/route";
import { GET as getObjectives } from "../../app/api/objectives/route";
import { getAgentBoard } from "./agent-board";
import { getEngine } from "./engine";
import { applyStudyAction, createStudy } from "./studies";

let dir: string;
let diskDir: string;
let mounted = false;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-faults-"));
  diskDir = path.join(dir, "small-disk");
  fs.mkdirSync(diskDir);
  // A real full disk where the container lets us mount one: a 4 MiB tmpfs under the second test's database.
  try {
    // FAULTS_NO_MOUNT=1 tries the fallback below where mount would work.
    if (process.env.FAULTS_NO_MOUNT === "1") throw new Error("mount not wanted");
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", diskDir], { stdio: "ignore" });
    mounted = true;
  } catch {
    mounted = false;
  }
  process.env.HYPERSIEVE_DB = path.join(dir, "faults.db");
  getDb();
  process.on("uncaughtException", onUncaught);
});

afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  await getEngine().reset();
  closeDb();
  if (mounted) execFileSync("umount", [diskDir]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const study = (name: string, extra: Record<string, unknown> = {}) =>
  createStudy(createStudySchema.parse({ name, objective: "synthetic:branin", strategy: "random+fifo", budget: { kind: "epochs", value: 100_000 }, parallelism: 2, seed: 3, epochDelayMs: 5, ...extra }));

/** Every trial's stored epochs run 1, 2, … with no gap or repeat (the curves are whole). */
function curvesAreWhole(id: number): boolean {
  const rows = getDb().$client.prepare("select t.number as n, m.epoch as e from measurements m join trials t on t.id = m.trial_id where t.study_id = ? order by t.number, m.epoch").all(id) as { n: number; e: number }[];
  const last = new Map<number, number>();
  for (const r of rows) {
    if (r.e !== (last.get(r.n) ?? 0) + 1) return false;
    last.set(r.n, r.e);
  }
  return true;
}

const measured = (id: number) => getStudySummary(id)!.epochsSpent;

describe("database faults", () => {
  it("waits out another process's 6-second write lock: the study keeps running and requests are served meanwhile", async () => {
    const { id } = study("locked");
    await waitFor(() => measured(id) >= 20, 30_000, "twenty epochs");
    const locker = spawn(
      process.execPath,
      ["-e", "const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 6000);", process.env.HYPERSIEVE_DB!],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    locker.stdout.on("data", (d) => (out += d));
    await waitFor(() => out.includes("locked"), 20_000, "the other process to take the lock");
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const atLock = measured(id);
    const slowest = { ms: 0 };
    const exited = new Promise((resolve) => locker.once("exit", resolve));
    let served = 0;
    while (locker.exitCode === null) {
      const started = performance.now();
      const [objectives, summary] = await Promise.all([getObjectives(), getStudy(new Request(`http://x/api/studies/${id}`), { params: Promise.resolve({ id: String(id) }) })]);
      expect(objectives.status).toBe(200);
      expect(summary.status).toBe(200);
      slowest.ms = Math.max(slowest.ms, performance.now() - started);
      served++;
      await new Promise((r) => setTimeout(r, 100));
    }
    await exited;
    delay.disable();
    // Nothing was written while the lock was held; the reads were answered all along.
    expect(served).toBeGreaterThan(20);
    expect(getStudySummary(id)!.status).toBe("running");
    await waitFor(() => measured(id) >= atLock + 40, 30_000, "forty more epochs after the lock");
    console.log(`6 s lock: ${served} rounds of reads served, slowest ${slowest.ms.toFixed(0)} ms, longest event-loop delay ${(delay.max / 1e6).toFixed(0)} ms`);
    expect(delay.max / 1e6).toBeLessThan(1000);
    await applyStudyAction(id, "stop");
    const detail = getStudyDetail(id)!;
    expect(detail.study.status).toBe("stopped");
    expect(detail.trials.filter((t) => t.status === "failed")).toEqual([]);
    expect(curvesAreWhole(id)).toBe(true);
  }, 90_000);

  it(`pauses a study on a full disk with the cause, answers agents 503, and resume continues (${"a tmpfs, or SQLite's max_page_count where mount is refused"})`, async () => {
    await getEngine().reset();
    closeDb();
    process.env.HYPERSIEVE_DB = path.join(diskDir, "full.db");
    getDb();
    const { id } = study("full disk");
    const remote = study("agents on a full disk", { objective: "agent", budget: { kind: "epochs", value: 100 }, parallelism: 1, epochDelayMs: 0, agent: { maxEpochs: 3, space: [{ type: "float", name: "x", low: 0, high: 1 }] } });
    await waitFor(() => getAgentBoard().claim(remote.id, "a") !== null || false, 10_000, "a claimable agent job").catch(() => undefined);
    const jobRow = getDb().$client.prepare("select id from agent_jobs where study_id = ? and status = 'leased'").get(remote.id) as { id: number } | undefined;
    expect(jobRow).toBeDefined();
    await waitFor(() => measured(id) >= 20, 30_000, "twenty epochs");

    const filler = path.join(diskDir, "filler");
    if (mounted) {
      // Take every free block of the tmpfs: the next page SQLite needs fails with ENOSPC (SQLITE_FULL).
      const fd = fs.openSync(filler, "w");
      const chunk = Buffer.alloc(16 * 1024);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
      }
      fs.closeSync(fd);
    } else {
      // Where mount is refused: SQLite's own page limit, which fails the next page it needs with SQLITE_FULL, as a full disk does.
      const pages = getDb().$client.pragma("page_count", { simple: true }) as number;
      getDb().$client.pragma(`max_page_count = ${pages}`);
    }
    await waitFor(() => getStudySummary(id)!.status === "paused", 60_000, "the study to pause on the full disk");
    const paused = getStudySummary(id)!;
    expect(paused.error).toMatch(/SQLITE_FULL|disk/);
    const atPause = measured(id);

    // The agent's report is refused with a 503, not a 409: it keeps its result and sends it again.
    let refusal: unknown = null;
    try {
      getAgentBoard().report(remote.id, jobRow!.id, "a", 1, 0.5);
    } catch (error) {
      refusal = error;
    }
    expect(isHttpError(refusal) && refusal.status).toBe(503);

    // Resume while the disk is still full: refused with the cause, and the study stays paused.
    const early = await applyStudyAction(id, "resume").then(() => null, (error: unknown) => error);
    expect(isHttpError(early) && early.status).toBe(503);
    expect(getStudySummary(id)!.status).toBe("paused");

    if (mounted) fs.rmSync(filler);
    else getDb().$client.pragma("max_page_count = 1073741823");
    await applyStudyAction(id, "resume");
    expect(getStudySummary(id)!.status).toBe("running");
    await waitFor(() => measured(id) >= atPause + 40, 30_000, "forty more epochs after the resume");

    // The agent study, paused by the fault too when its write was refused, resumes and takes the report it kept.
    if (getStudySummary(remote.id)!.status === "paused") await applyStudyAction(remote.id, "resume");
    expect(getAgentBoard().report(remote.id, jobRow!.id, "a", 1, 0.5)).toBe("continue");

    await applyStudyAction(id, "stop");
    expect(getStudyDetail(id)!.trials.filter((t) => t.status === "failed")).toEqual([]);
    expect(curvesAreWhole(id)).toBe(true);
    expect(tableCounts().measurements).toBeGreaterThan(0);
    // The log replays to the same strategy: the fault left no event half-written.
    await getEngine().reset();
    expect(() => getEngine().run(id)).not.toThrow();
    expect(uncaught).toEqual([]);
  }, 120_000);
});
