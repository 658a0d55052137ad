/**
 * No orphans: SIGTERM to `npm start` (scripts/start.mjs) stops the server and
 * the training programs of its command trials, and `npm start` exits once
 * the server has. Every wait is on a condition (an exit, a file, a process
 * gone), not a clock.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { api } from "./server";

const PORT = Number(process.env.SHUTDOWN_PORT ?? 3135);
const root = path.join(__dirname, "..");
const fixture = path.join(root, "lib", "objectives", "test-fixtures", "train-fixture.mjs");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (an orphan no init reaps) does not run.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return !["Z", "X"].includes(stat.slice(stat.lastIndexOf(")") + 2)[0]);
}

test("SIGTERM to npm start stops the server and its training programs, then npm start exits", async () => {
  test.setTimeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-shutdown-"));
  const dbFile = path.join(dir, "shutdown.db");
  const start = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: { ...process.env, PORT: String(PORT), HYPERSIEVE_DB: dbFile, NEXT_DIST_DIR: process.env.E2E_DIST_DIR ?? ".next-e2e", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  start.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => start.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${PORT}`;
  try {
    await expect.poll(async () => fetch(`${url}/api/objectives`).then((r) => r.status, () => 0), { timeout: 90_000 }).toBe(200);
    await api(url, "/api/studies", {
      name: "shutdown", objective: "command", strategy: "random+fifo", budget: { kind: "epochs", value: 100 }, parallelism: 2, seed: 1,
      command: { argv: [process.execPath, fixture, "--lr", "{lr}", "--epochs", "{epochs}", "--delay", "600000"], cwd: dir, direction: "minimize", maxEpochs: 3, space: [{ type: "float", name: "lr", low: 0.01, high: 0.5 }] },
    });
    const ledger = `${dbFile}.groups`;
    await expect.poll(() => (fs.existsSync(ledger) ? (JSON.parse(fs.readFileSync(ledger, "utf8")) as unknown[]).length : 0), { timeout: 60_000 }).toBe(2);
    const groups = (JSON.parse(fs.readFileSync(ledger, "utf8")) as { pgid: number }[]).map((g) => g.pgid);
    const owner = Number(fs.readFileSync(`${dbFile}.owner`, "utf8"));
    expect(owner).not.toBe(start.pid);
    for (const pgid of groups) expect(alive(pgid)).toBe(true);

    start.kill("SIGTERM");
    expect(await exited, stderr).not.toBeNull();
    // npm start exits only after the server did; the server stopped its programs on its way out.
    expect(alive(owner)).toBe(false);
    await expect.poll(() => groups.filter(alive), { timeout: 15_000 }).toEqual([]);
    expect(await fetch(`${url}/api/objectives`).then(() => "answered", () => "closed")).toBe("closed");
  } finally {
    if (start.exitCode === null) start.kill("SIGKILL");
    try {
      const owner = Number(fs.readFileSync(`${dbFile}.owner`, "utf8"));
      if (owner > 0) process.kill(owner, "SIGKILL");
    } catch {}
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
