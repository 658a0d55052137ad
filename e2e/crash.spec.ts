/**
 * Nothing lost: a study with in-process trials and a study trained by three
 * agents run while the server is killed with SIGKILL at random moments, 20
 * times, and restarted. Afterwards every acknowledged measurement is stored
 * once, no trial is left running, no child process is left, the database is
 * intact, and both studies spend exactly their budgets.
 */
import { spawn, execSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { api, killServer, startServer, type Server } from "./server";

const PORT = Number(process.env.CRASH_PORT ?? 3131);
const KILLS = 20;
const root = path.join(__dirname, "..");

let running: Server | null = null;
const agents: ChildProcess[] = [];
test.afterEach(async () => {
  for (const a of agents) if (a.exitCode === null) a.kill("SIGTERM");
  if (running) await killServer(running);
  running = null;
});

test("survives 20 SIGKILLs of the server with in-process trials and agents", async () => {
  test.setTimeout(600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-crash-"));
  const dbFile = path.join(dir, "crash.db");
  let server: Server = await startServer(PORT, dbFile);
  running = server;
  const local = await api<{ id: number }>(server.url, "/api/studies", {
    name: "crash: local", objective: "synthetic:hartmann6", strategy: "random+asha", budget: { kind: "epochs", value: 2500 }, parallelism: 3, seed: 4, epochDelayMs: 20,
  });
  const remote = await api<{ id: number; agentToken: string }>(server.url, "/api/studies", {
    name: "crash: agents", objective: "agent", strategy: "random+fifo", budget: { kind: "epochs", value: 500 }, parallelism: 3, seed: 5, epochDelayMs: 0,
    // requeue off: a lease gone stale on this busy machine fails its trial, as before requeue became the default; requeued,
    // its fixture (which keeps no checkpoint) would retrain earlier epochs, charged to the budget but not stored again.
    agent: { metric: "loss", maxEpochs: 6, space: [{ type: "float", name: "x", low: 0, high: 1 }], leaseSeconds: 3, requeue: false },
  });
  for (let a = 0; a < 3; a++) {
    agents.push(
      spawn(process.execPath, [path.join(root, "bin", "hypersieve.mjs"), "agent", "--server", server.url, "--study", String(remote.id), "--name", `agent-${a}`, "--", process.execPath, path.join(__dirname, "fixtures", "agent-train.mjs")], {
        cwd: dir,
        env: { ...process.env, HYPERSIEVE_TOKEN: remote.agentToken, HYPERSIEVE_AGENT_ACK_LOG: path.join(dir, `acks-${a}.jsonl`), HYPERSIEVE_AGENT_CHECKPOINTS: path.join(dir, "ckpt") },
        stdio: ["ignore", "ignore", fs.openSync(path.join(dir, `agent-${a}.log`), "w")],
      }),
    );
  }
  // A fixed sequence of pauses between kills, so a failure can be replayed.
  let state = 12345;
  const nextPause = () => ((state = (state * 1103515245 + 12345) % 2 ** 31), 300 + (state % 1200));
  for (let k = 0; k < KILLS; k++) {
    await new Promise((r) => setTimeout(r, nextPause()));
    await killServer(server);
    server = await startServer(PORT, dbFile);
    running = server;
  }
  const summary = async (id: number) => api<{ status: string; epochsSpent: number }>(server.url, `/api/studies/${id}`, undefined).then((d: unknown) => (d as { study: { status: string; epochsSpent: number } }).study);
  await expect.poll(async () => (await summary(local.id)).status, { timeout: 240_000, intervals: [1000] }).toBe("completed");
  await expect
    .poll(async () => (await summary(remote.id)).status, { timeout: 240_000, intervals: [1000], message: `agent logs in ${dir}` })
    .toBe("completed");
  await Promise.all(agents.map((a) => (a.exitCode !== null ? Promise.resolve() : new Promise((r) => a.once("exit", r)))));
  await killServer(server);

  // Read-write: the last server was killed, so the WAL may need recovery, which a read-only handle cannot do.
  const db = new Database(dbFile);
  const acks = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith("acks-"))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)));
  expect(acks.length).toBeGreaterThan(100);
  const stored = db.prepare("select m.value as value from measurements m join trials t on t.id = m.trial_id where t.study_id = ? and t.number = ? and m.epoch = ?");
  const missing = acks.filter((a) => {
    const row = stored.get(a.study, a.trial, a.epoch) as { value: number | null } | undefined;
    return !row || row.value !== a.value;
  });
  expect(missing).toEqual([]);
  const dup = db.prepare("select count(*) - count(distinct trial_id || ':' || epoch) as d from measurements").get() as { d: number };
  expect(dup.d).toBe(0);
  expect((db.prepare("select count(*) as n from trials where status = 'running'").get() as { n: number }).n).toBe(0);
  for (const [id, budget] of [[local.id, 2500], [remote.id, 500]]) {
    const s = db.prepare("select status, epochs_spent from studies where id = ?").get(id) as { status: string; epochs_spent: number };
    expect(s).toEqual({ status: "completed", epochs_spent: budget });
    const n = db.prepare("select count(*) as n from measurements m join trials t on t.id = m.trial_id where t.study_id = ?").get(id) as { n: number };
    expect(n.n).toBe(budget);
  }
  const interrupted = (db.prepare("select count(*) as n from trials where status = 'interrupted'").get() as { n: number }).n;
  expect(interrupted).toBeGreaterThan(0);
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  db.close();
  const leftovers = execSync("ps -eo args").toString().split("\n").filter((l) => l.includes("agent-train.mjs") || l.includes("setInterval(() => {}, 1000)"));
  expect(leftovers).toEqual([]);
  console.log(`crash test: ${KILLS} kills, ${acks.length} acknowledged agent reports all stored, ${interrupted} trials interrupted`);
  fs.rmSync(dir, { recursive: true, force: true });
});
