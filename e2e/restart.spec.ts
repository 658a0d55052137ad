/**
 * Restart speed: a server restarted on a database whose running sieve study
 * holds 10,000 reports answers /api/studies within 2 s of its process
 * starting (the study's history loads in the background, from its strategy
 * snapshot), and the study then goes on to spend exactly its budget.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { expect, test } from "@playwright/test";
import { api, killServer, startServer, type Server } from "./server";

// Beside the shared server's port, so engineers running suites side by side on one machine do not share it.
const PORT = Number(process.env.RESTART_PORT ?? Number(process.env.E2E_PORT ?? 3107) + 40);
const REPORTS = 10_000;
const BUDGET = 11_000;

let running: Server | null = null;
test.afterEach(async () => {
  if (running) await killServer(running);
  running = null;
});

type Detail = { study: { status: string; epochsSpent: number; error: string | null } };

test(`a restart with a ${REPORTS.toLocaleString("en-US")}-report study answers /api/studies within 2 s`, async () => {
  test.setTimeout(900_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-restart-"));
  const dbFile = path.join(dir, "restart.db");
  const first = await startServer(PORT, dbFile);
  running = first;
  const { id } = await api<{ id: number }>(first.url, "/api/studies", {
    name: "restart: long history", objective: "lc-table:digits-mlp", strategy: "sieve", budget: { kind: "epochs", value: BUDGET }, parallelism: 4, seed: 2, epochDelayMs: 0,
  });
  const detail = (url: string) => fetch(`${url}/api/studies/${id}`).then((r) => r.json() as Promise<Detail>);
  await expect.poll(async () => (await detail(first.url)).study.epochsSpent, { timeout: 600_000, intervals: [1000] }).toBeGreaterThanOrEqual(REPORTS);
  // A crash: no shutdown code runs, the study stays running with trials in flight.
  await killServer(first);
  running = null;

  const started = performance.now();
  const child = spawn(process.execPath, [path.join(__dirname, "..", "scripts", "server.mjs")], {
    cwd: path.join(__dirname, ".."),
    env: { ...process.env, PORT: String(PORT), HOST: "127.0.0.1", HYPERSIEVE_DB: dbFile, NEXT_DIST_DIR: process.env.E2E_DIST_DIR ?? ".next-e2e", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  const url = `http://127.0.0.1:${PORT}`;
  running = { url, process: child };
  let answered: number | null = null;
  while (answered === null) {
    const ok = await fetch(`${url}/api/studies`).then((r) => r.ok, () => false);
    if (ok) answered = performance.now() - started;
    else if (child.exitCode !== null || performance.now() - started > 60_000) throw new Error("the restarted server did not answer");
    else await new Promise((r) => setTimeout(r, 10));
  }
  console.log(`restart: /api/studies answered ${answered.toFixed(0)} ms after the process started`);
  expect(answered).toBeLessThan(2000);

  // The history replays exactly (a divergence would fail the study), and the budget is spent once.
  await expect.poll(async () => (await detail(url)).study.status, { timeout: 300_000, intervals: [500] }).not.toBe("running");
  expect((await detail(url)).study).toMatchObject({ status: "completed", epochsSpent: BUDGET, error: null });
  fs.rmSync(dir, { recursive: true, force: true });
});
