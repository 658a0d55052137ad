import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getStudyDetail, getStudyIdsByStatus, tableCounts } from "../../db/queries";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import { groupAlive, signalGroup } from "../objectives/process-group";
import { getEngine, groupLedgerOf } from "./engine";

let where: { file: string; dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

let child: ChildProcess | null = null;
const strays: number[] = [];
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await new Promise((resolve) => child!.once("exit", resolve));
  }
  child = null;
  for (const pgid of strays.splice(0)) signalGroup(pgid, "SIGKILL");
});

/** A stand-in server (test/engine-child.ts) that owns the temporary database and runs slow command trials. */
async function startOwner(): Promise<{ process: ChildProcess; study: number }> {
  const owner = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "test/engine-child.ts"], {
    env: { ...process.env, HYPERSIEVE_DB: where.file, SLOW_COMMAND: "1", BUDGET: "1000" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  child = owner;
  let output = "";
  owner.stdout!.on("data", (d) => (output += d));
  await waitFor(() => /study \d+/.test(output), 60_000, "the owner to launch its study");
  const study = Number(/study (\d+)/.exec(output)![1]);
  await waitFor(() => (getStudyDetail(study)?.trials.filter((t) => t.status === "running").length ?? 0) === 2, 30_000, "two running trials");
  return { process: owner, study };
}

/** The process groups the owner recorded for its running trials. */
function ledgerGroups(): number[] {
  try {
    return (JSON.parse(fs.readFileSync(groupLedgerOf(where.file), "utf8")) as { pgid: number }[]).map((e) => e.pgid);
  } catch {
    return [];
  }
}

describe("one owner per database", () => {
  it("refuses `hypersieve run` beside a running owner, naming the database and the owner's pid, and leaves its study untouched", async () => {
    const owner = await startOwner();
    const before = getStudyDetail(owner.study)!;
    const counts = tableCounts();
    const studyFile = path.join(where.dir, "intruder.yaml");
    fs.writeFileSync(studyFile, "name: intruder\nobjective: synthetic:branin\nmethod: random\nbudget: {trials: 3}\n");
    const run = spawnSync(process.execPath, [path.resolve("bin/hypersieve.mjs"), "run", studyFile], {
      env: { ...process.env, HYPERSIEVE_DB: where.file },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`the database ${where.file} is in use by process ${owner.process.pid}`);
    expect(run.stderr).toMatch(/through the running server/);
    expect(run.stderr).toMatch(/--db/);
    const after = getStudyDetail(owner.study)!;
    expect(after.study.status).toBe("running");
    expect(after.trials.map((t) => [t.number, t.status])).toEqual(before.trials.map((t) => [t.number, t.status]));
    expect(tableCounts()).toEqual(counts);
    expect(getStudyIdsByStatus("running")).toEqual([owner.study]);
    // This process is a second would-be owner: its engine refuses too, and writes nothing.
    expect(() => getEngine().start()).toThrow(new RegExp(`in use by process ${owner.process.pid}`));
    expect(getStudyDetail(owner.study)!.trials.some((t) => t.status === "interrupted")).toBe(false);
  });

  it("lets the next process own the database once the owner is gone, and kills the training programs it left running", async () => {
    const owner = await startOwner();
    // The owner also resumed the first test's study: at least its own two trials' groups.
    await waitFor(() => ledgerGroups().length >= 2, 30_000, "the owner to record its process groups");
    const groups = ledgerGroups();
    strays.push(...groups);
    owner.process.kill("SIGKILL");
    await new Promise((resolve) => owner.process.once("exit", resolve));
    // The crash left the programs behind: nothing of the owner ran to stop them.
    for (const pgid of groups) expect(groupAlive(pgid)).toBe(true);
    getEngine().start();
    for (const pgid of groups) await waitFor(() => !groupAlive(pgid), 10_000, `group ${pgid} to be gone`);
    const detail = getStudyDetail(owner.study)!;
    expect(detail.trials.filter((t) => t.status === "interrupted").length).toBeGreaterThanOrEqual(2);
    // The new owner runs the study's trials again and records its own groups in place of the old ones.
    await waitFor(() => ledgerGroups().length > 0 && ledgerGroups().every((g) => !groups.includes(g)), 30_000, "the new owner's groups");
    strays.push(...ledgerGroups());
    for (const id of getStudyIdsByStatus("running")) await getEngine().stop(id);
  });
});
