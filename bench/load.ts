/**
 * Load: agents on loopback report epochs as fast as they can to one server
 * (the e2e build, `NEXT_DIST_DIR=.next-e2e npx next build` first). Phases:
 * one agent alone, then AGENTS agents, for each strategy. Prints reports/s,
 * report latency p50/p99, claims/s, the server's CPU time per report (what
 * a busy machine does not distort much) and the agents' (this process's),
 * the server's longest event-loop stall and the machine's load average. Not a test: figures, never a verdict.
 *
 *   npx tsx bench/load.ts [--strategies random+fifo,sieve] [--agents 16] [--seconds 15] [--port 3136] [--profile DIR] [--path fast|next]
 *
 * --profile DIR writes the server's CPU profile (node --cpu-prof) there. --path next sends the agents'
 * requests through Next instead of the server's fast path (lib/api/agent-fast-path.ts), on the same build.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { AgentClient } from "../lib/cli/agent";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const strategies = arg("strategies", "random+fifo,sieve").split(",");
const AGENTS = Number(arg("agents", "16"));
const SECONDS = Number(arg("seconds", "15"));
const PORT = Number(arg("port", "3136"));
const PROFILE = arg("profile", "");
const PATH = arg("path", "fast");
const url = `http://127.0.0.1:${PORT}`;
/** The server's token, for the routes that change state (creating and stopping studies). */
const TOKEN = `load-${process.pid}-${Date.now()}`;

type Stall = { maxMs: number; p99Ms: number; meanMs: number; cpuMs: number };

function startServer(dbFile: string): ChildProcess {
  return fork(path.join(__dirname, "load-server.mjs"), [], {
    cwd: path.join(__dirname, ".."),
    env: { ...process.env, PORT: String(PORT), HOST: "127.0.0.1", HYPERSIEVE_DB: dbFile, HYPERSIEVE_TOKEN: TOKEN, LOAD_PATH: PATH, NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-e2e", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    execArgv: PROFILE ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(PROFILE)] : [],
  });
}

function ask(server: ChildProcess, message: "reset" | "read"): Promise<Stall | void> {
  if (message === "reset") {
    server.send("reset");
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    server.once("message", (m) => resolve(m as Stall));
    server.send("read");
  });
}

async function post<T>(pathname: string, body: unknown): Promise<T> {
  const response = await fetch(`${url}${pathname}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A study of remote agents on a 4-parameter space whose curves fall with the epochs. */
async function newStudy(strategy: string): Promise<{ id: number; agentToken: string }> {
  return post("/api/studies", {
    name: `load ${strategy}`, objective: "agent", strategy, budget: { kind: "epochs", value: 10_000_000 }, parallelism: AGENTS, seed: 1, epochDelayMs: 0,
    agent: { metric: "loss", maxEpochs: 27, leaseSeconds: 60, space: ["a", "b", "c", "d"].map((name) => ({ type: "float", name, low: 0, high: 1 })) },
  });
}

const valueOf = (params: Record<string, unknown>, epoch: number) =>
  ["a", "b", "c", "d"].reduce((s, k, i) => s + (i + 1) * (Number(params[k]) - 0.3) ** 2, 0) + 1 / epoch;

/** Runs `agents` agents for `seconds`; returns every report's latency (ms), the claims made and the wall time. */
async function run(study: { id: number; agentToken: string }, agents: number, seconds: number, tag: string) {
  const latencies: number[] = [];
  let claims = 0;
  let empty = 0;
  const deadline = performance.now() + seconds * 1000;
  const agent = async (a: number) => {
    const client = new AgentClient(url, study.agentToken, study.id, `${tag}-${a}`);
    while (performance.now() < deadline) {
      const job = await client.claim();
      claims++;
      if (job === "done") return;
      if (job === null) {
        // A real agent sleeps a second (pollMs) here; the bench retries at once and counts how often it found nothing.
        empty++;
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      for (let epoch = job.fromEpoch + 1; epoch <= job.toEpoch && performance.now() < deadline; epoch++) {
        const start = performance.now();
        const decision = await client.report(job.job, epoch, valueOf(job.params, epoch), undefined, job.trial);
        latencies.push(performance.now() - start);
        if (decision !== "continue") break;
      }
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: agents }, (_, a) => agent(a)));
  const used = process.cpuUsage(cpu);
  return { latencies: latencies.sort((a, b) => a - b), claims, empty, elapsed: (performance.now() - started) / 1000, clientCpuMs: (used.user + used.system) / 1000 };
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-load-"));
  const server = startServer(path.join(dir, "load.db"));
  try {
    for (const started = Date.now(); ; ) {
      if (await fetch(`${url}/api/objectives`).then((r) => r.ok, () => false)) break;
      if (Date.now() - started > 120_000 || server.exitCode !== null) throw new Error("the server did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`load bench: ${AGENTS} agents, ${SECONDS} s per phase, agents' requests through ${PATH === "next" ? "Next" : "the fast path"}, Node ${process.version}, ${os.cpus().length} CPUs; load average at start ${load()}`);
    for (const strategy of strategies) {
      const alone = await newStudy(strategy);
      await run(alone, 1, 2, "warm");
      await ask(server, "reset");
      const one = await run(alone, 1, Math.max(3, SECONDS / 3), "alone");
      const oneStall = (await ask(server, "read")) as Stall;
      await post(`/api/studies/${alone.id}/actions`, { action: "stop" });
      console.log(
        `${strategy.padEnd(12)} 1 agent:   ${(one.latencies.length / one.elapsed).toFixed(0)} reports/s, p50 ${pct(one.latencies, 0.5).toFixed(2)} ms, p99 ${pct(one.latencies, 0.99).toFixed(2)} ms; ` +
          `server CPU ${(oneStall.cpuMs / one.latencies.length).toFixed(2)} ms/report, agents' ${(one.clientCpuMs / one.latencies.length).toFixed(2)}; longest stall ${oneStall.maxMs.toFixed(1)} ms; load average ${load()}`,
      );
      const study = await newStudy(strategy);
      await ask(server, "reset");
      const many = await run(study, AGENTS, SECONDS, "load");
      const stall = (await ask(server, "read")) as Stall;
      await post(`/api/studies/${study.id}/actions`, { action: "stop" });
      console.log(
        `${strategy.padEnd(12)} ${AGENTS} agents: ${(many.latencies.length / many.elapsed).toFixed(0)} reports/s, p50 ${pct(many.latencies, 0.5).toFixed(1)} ms, p99 ${pct(many.latencies, 0.99).toFixed(1)} ms, ` +
          `${(many.claims / many.elapsed).toFixed(0)} claims/s (${many.empty} found no job); server CPU ${(stall.cpuMs / many.latencies.length).toFixed(2)} ms/report, agents' ${(many.clientCpuMs / many.latencies.length).toFixed(2)}; longest stall ${stall.maxMs.toFixed(1)} ms (p99 ${stall.p99Ms.toFixed(1)} ms); load average ${load()}`,
      );
    }
  } finally {
    // A clean exit writes the CPU profile; SIGKILL after a grace period otherwise.
    server.send("exit");
    await new Promise((r) => setTimeout(r, PROFILE ? 5000 : 500));
    server.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
