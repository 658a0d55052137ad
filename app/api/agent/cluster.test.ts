/**
 * Agents as a cluster runs them: the one-file bundle, started with only
 * `node` from an empty folder, against a real HTTP server over this test's
 * database; SIGTERM mid-job gives the job back, SIGKILL leaves no program.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getStudyDetail, getStudySummary } from "@/db/queries";
import { createStudy } from "@/lib/engine/studies";
import { startAgentServer, type AgentServer } from "@/test/agent-http";
import { closeTempDatabase, useTempDatabase, waitFor } from "@/test/temp-db";

const root = path.resolve(__dirname, "..", "..", "..");
const program = path.join(root, "test", "slow-train.mjs");
let where: { dir: string };
let server: AgentServer;
let bundle: string;
const agents: ChildProcess[] = [];
const pidDirs: string[] = [];

beforeAll(async () => {
  where = useTempDatabase();
  server = await startAgentServer();
  bundle = path.join(where.dir, "bundle", "hypersieve-agent.mjs");
  const built = spawnSync(process.execPath, [path.join(root, "scripts", "build-agent.mjs"), bundle], { encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
});
afterAll(async () => {
  for (const a of agents) if (a.exitCode === null && a.signalCode === null) a.kill("SIGKILL");
  // A failed test must not leave its programs running.
  for (const dir of pidDirs) for (const pid of pidsIn(dir)) if (alive(pid)) process.kill(pid, "SIGKILL");
  await server.close();
  await closeTempDatabase(where);
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (killed, not yet reaped by an init that does not reap) does not run.
  return !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
};

/** Starts the bundled agent from its own empty folder, with nothing but node and the agent file there. */
function startAgent(name: string, study: { id: number; agentToken?: string }, env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(where.dir, `${name}-`));
  fs.copyFileSync(bundle, path.join(dir, "hypersieve-agent.mjs"));
  const child = spawn(process.execPath, ["hypersieve-agent.mjs", "--server", server.url, "--study", String(study.id), "--name", name, "--grace", "10", "--", process.execPath, program], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HYPERSIEVE_TOKEN: study.agentToken!, HYPERSIEVE_AGENT_ACK_LOG: path.join(where.dir, "acks.jsonl"), ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr!.on("data", (d) => (log += d));
  agents.push(child);
  return { child, dir, log: () => log };
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function launch(name: string, agent: Record<string, unknown> = {}) {
  return createStudy({
    name, objective: "agent", strategy: "random+fifo", budget: { kind: "trials", value: 1 }, parallelism: 1, seed: 3, epochDelayMs: 0,
    agent: { metric: "loss", direction: "minimize" as const, requeue: true, maxEpochs: 8, space: [{ type: "float", name: "x", low: 0, high: 1 }], leaseSeconds: 10, ...agent },
  });
}

const stored = (studyId: number) =>
  getDb().$client.prepare("select m.epoch, m.value from measurements m join trials t on t.id = m.trial_id where t.study_id = ? order by m.epoch").all(studyId) as { epoch: number; value: number }[];
const jobRow = (studyId: number) => getDb().$client.prepare("select * from agent_jobs where study_id = ? order by id desc limit 1").get(studyId) as { status: string; from_epoch: number; holder: string | null; agent: string | null };

/** Every acknowledged report of a study in the agents' log is stored, with the same value. */
function expectNothingLost(studyId: number) {
  const acks = fs.readFileSync(path.join(where.dir, "acks.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((a) => a.study === studyId);
  expect(acks.length).toBeGreaterThan(0);
  const rows = new Map(stored(studyId).map((r) => [r.epoch, r.value]));
  for (const a of acks) expect(rows.get(a.epoch)).toBe(a.value);
}

const pidsIn = (dir: string) => fs.readdirSync(dir).map(Number);
const pidDir = () => {
  const dir = fs.mkdtempSync(path.join(where.dir, "pids-"));
  pidDirs.push(dir);
  return dir;
};

describe("agents on a cluster", () => {
  it("on SIGTERM mid-job, gives the job back and exits; a second agent resumes it from the shared checkpoint; nothing is lost and no program is left", async () => {
    const shared = fs.mkdtempSync(path.join(where.dir, "shared-"));
    const pids = pidDir();
    const study = launch("sigterm", { sharedCheckpoints: shared });
    const a = startAgent("a", study, { PID_DIR: pids, EPOCH_MS: "250" });
    await waitFor(() => stored(study.id).length >= 2, 30_000, "two epochs from agent a");
    const sentAt = Date.now();
    a.child.kill("SIGTERM");
    await waitFor(() => exited(a.child), 30_000, "agent a to exit after SIGTERM");
    // 143 = 128 + SIGTERM: stopped before the study was over (a Kubernetes Job starts another agent).
    expect(a.child.exitCode, a.log()).toBe(143);
    const tookMs = Date.now() - sentAt;
    expect(a.log()).toMatch(/giving the job back/);
    // The job is back on the queue from the last acknowledged epoch; the program is gone.
    const released = jobRow(study.id);
    expect(released.status).toBe("queued");
    expect(released.from_epoch).toBe(stored(study.id).length);
    expect(released.from_epoch).toBeGreaterThanOrEqual(2);
    expect(released.from_epoch).toBeLessThan(8);
    for (const pid of pidsIn(pids)) expect(alive(pid)).toBe(false);
    console.log(`SIGTERM to agent a: exited 143 after ${tookMs} ms, job released at epoch ${released.from_epoch}`);

    const b = startAgent("b", study, { PID_DIR: pids, EPOCH_MS: "50" });
    await waitFor(() => getStudySummary(study.id)!.status === "completed", 60_000, "the study to complete on agent b");
    await waitFor(() => exited(b.child), 30_000, "agent b to exit after the study");
    expect(b.child.exitCode, b.log()).toBe(0);
    const trial = getStudyDetail(study.id)!.trials[0];
    expect(trial.status).toBe("completed");
    expect(stored(study.id).map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Resumed from the shared checkpoint: nothing trained twice, nothing charged twice.
    expect(trial.retrainedEpochs).toBe(0);
    expect(getStudySummary(study.id)!.epochsSpent).toBe(8);
    expect(b.log()).not.toMatch(/trained again/);
    expectNothingLost(study.id);
    for (const pid of pidsIn(pids)) expect(alive(pid)).toBe(false);
    const events = getDb().$client.prepare("select type, payload from events where study_id = ? and type = 'trial_released'").all(study.id) as { payload: string }[];
    expect(events.map((e) => JSON.parse(e.payload).agent)).toEqual(["a"]);
  });

  it("charges the epochs a second agent trains again when the checkpoint stayed on the first", async () => {
    const pids = pidDir();
    const study = launch("fresh start");
    const a = startAgent("c", study, { PID_DIR: pids, EPOCH_MS: "250" });
    await waitFor(() => stored(study.id).length >= 2, 30_000, "two epochs from agent c");
    a.child.kill("SIGTERM");
    await waitFor(() => exited(a.child), 30_000, "agent c to exit");
    const from = jobRow(study.id).from_epoch;
    expect(jobRow(study.id).holder).toBe("c");
    // Agent d has its own checkpoint folder (its own empty directory): it starts the trial from scratch.
    const d = startAgent("d", study, { PID_DIR: pids, EPOCH_MS: "50" });
    await waitFor(() => getStudySummary(study.id)!.status === "completed", 60_000, "the study to complete on agent d");
    await waitFor(() => exited(d.child), 30_000, "agent d to exit");
    expect(d.log()).toMatch(new RegExp(`epochs 1\\.\\.${from} are trained again`));
    const trial = getStudyDetail(study.id)!.trials[0];
    expect(trial.retrainedEpochs).toBe(from);
    expect(getStudySummary(study.id)!.epochsSpent).toBe(8 + from);
    expect(stored(study.id).map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expectNothingLost(study.id);
  });

  it("on SIGKILL of the agent, its program and what the program started are gone within a bounded wait", async () => {
    const pids = pidDir();
    const study = launch("sigkill");
    const a = startAgent("e", study, { PID_DIR: pids, EPOCH_MS: "200", SPAWN_HELPER: "1" });
    await waitFor(() => stored(study.id).length >= 1 && pidsIn(pids).length === 2, 30_000, "agent e's program and its helper");
    const running = pidsIn(pids);
    expect(running.every(alive)).toBe(true);
    a.child.kill("SIGKILL");
    const killedAt = Date.now();
    // The watchdog sends SIGTERM at once and SIGKILL after the 5 s grace: 15 s bounds it on a busy machine.
    await waitFor(() => running.every((pid) => !alive(pid)), 15_000, "the program and its helper to be gone");
    console.log(`SIGKILL to agent e: its program and helper were gone ${Date.now() - killedAt} ms later`);
  });
});
