/**
 * The hypersieve command's process guarantees, through bin/hypersieve.mjs as a user starts it: a SIGTERM
 * sent to it stops the study, and when it is killed with SIGKILL (no handler runs) its training programs and
 * what they started still end, through the watchdog each program gets (lib/objectives/process-group.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { processRuns } from "../objectives/process-group";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-cli-signals-"));
const started: number[] = [];
afterAll(() => {
  for (const pid of started) if (processRuns(pid)) process.kill(pid, "SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});


async function until(what: string, condition: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `hypersieve run` on slow programs that each start a helper, and resolves once two programs and their helpers run. */
async function runSlowStudy(name: string): Promise<{ cli: ChildProcess; pids: number[]; stderr: () => string }> {
  const pidDir = path.join(dir, `${name}-pids`);
  fs.mkdirSync(pidDir);
  const program = path.resolve("test/slow-train.mjs");
  fs.writeFileSync(
    path.join(dir, `${name}.yaml`),
    [`name: ${name}`, `command: ${JSON.stringify([process.execPath, program])}`, "parameters:", "  x: {min: 0, max: 1}", "metric: {name: loss, goal: minimize}", "max_epochs: 100", "method: random", "budget: {trials: 4}", "parallelism: 2", ""].join("\n"),
  );
  const cli = spawn(process.execPath, [path.resolve("bin/hypersieve.mjs"), "run", `${name}.yaml`, "--db", `${name}.db`], {
    cwd: dir,
    env: { ...process.env, PID_DIR: pidDir, SPAWN_HELPER: "1", EPOCH_MS: "200" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  cli.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  started.push(cli.pid!);
  const pids = () => fs.readdirSync(pidDir).map(Number);
  await until("two programs and their helpers", () => pids().length >= 4);
  started.push(...pids());
  return { cli, pids: pids(), stderr: () => stderr };
}

describe("the hypersieve command's signals", () => {
  it("leaves no training program or helper behind when it is killed with SIGKILL", async () => {
    const { cli, pids } = await runSlowStudy("sigkill");
    cli.kill("SIGKILL");
    await until("the programs and helpers to end", () => pids.every((pid) => !processRuns(pid)));
  });

  it("passes a SIGTERM on: the study stops, its programs end, and the command exits 143", async () => {
    const { cli, pids, stderr } = await runSlowStudy("sigterm");
    const exited = new Promise<number | null>((resolve) => cli.on("exit", (code) => resolve(code)));
    cli.kill("SIGTERM");
    const code = await exited;
    expect(code, stderr()).toBe(143);
    await until("the programs and helpers to end", () => pids.every((pid) => !processRuns(pid)));
  });
});
