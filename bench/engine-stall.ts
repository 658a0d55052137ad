/**
 * Event-loop stalls of a real sieve study in the engine: a fresh SQLite
 * database, the engine running a sieve study on a synthetic function (every
 * report written, analysis rounds in a worker thread) until it has N trials,
 * while a timer measures how late the event loop serves it. Prints, per block
 * of trials, the longest stall and the analysis rounds done, then the
 * longest over the run. Beside each stall, the longest CPU time the loop's
 * thread spent between two ticks (Linux): on a shared machine the clock also
 * counts the time the thread waited for a core. Everything the server does for a study besides
 * answering HTTP happens here, on this thread.
 *
 *   npx tsx --conditions=react-server bench/engine-stall.ts [--trials 10000] [--block 1000] [--objective synthetic:hartmann6] [--parallel 16]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { threadCpuMs } from "./thread-cpu";

const { values: options } = parseArgs({
  options: {
    trials: { type: "string", default: "10000" },
    block: { type: "string", default: "1000" },
    parallel: { type: "string", default: "16" },
    objective: { type: "string", default: "synthetic:hartmann6" },
  },
});
const TRIALS = Number(options.trials);
const BLOCK = Number(options.block);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-stall-"));
process.env.HYPERSIEVE_DB = path.join(dir, "stall.db");

async function main(): Promise<void> {
  const { getEngine } = await import("../lib/engine/engine");
  const { createStudy } = await import("../lib/engine/studies");
  const { getAnalysis, getStudySummary } = await import("../db/queries");
  const { closeDb } = await import("../db/client");

  getEngine().start();
  const study = createStudy({
    name: "engine stall",
    objective: options.objective,
    strategy: "sieve",
    budget: { kind: "trials", value: TRIALS },
    parallelism: Number(options.parallel),
    seed: 1,
    epochDelayMs: 0,
  });
  console.log(`sieve study ${study.id} on ${options.objective}, ${TRIALS} trials, ${options.parallel} in flight, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}`);

  // A 5 ms timer: how late each tick fires is how long the loop was busy.
  let longest = 0;
  let overall = 0;
  let longestCpu = 0;
  let overallCpu = 0;
  let last = performance.now();
  let lastCpu = threadCpuMs() ?? 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = threadCpuMs() ?? 0;
    longest = Math.max(longest, now - last - 5);
    longestCpu = Math.max(longestCpu, cpu - lastCpu);
    last = now;
    lastCpu = cpu;
  }, 5);

  const started = performance.now();
  let nextBlock = BLOCK;
  let rounds = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const summary = getStudySummary(study.id)!;
    const trials = summary.trialCount;
    if (trials >= nextBlock || summary.status !== "running") {
      const done = getAnalysis(study.id).snapshots.length;
      console.log(
        `trials ${String(trials).padStart(6)}: longest stall ${longest.toFixed(0)} ms (CPU ${longestCpu.toFixed(0)} ms), ${done - rounds} analysis rounds, ${summary.epochsSpent} epochs, ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${os.loadavg()[0].toFixed(1)}`,
      );
      overall = Math.max(overall, longest);
      overallCpu = Math.max(overallCpu, longestCpu);
      longest = 0;
      longestCpu = 0;
      rounds = done;
      nextBlock = Math.floor(trials / BLOCK) * BLOCK + BLOCK;
    }
    if (summary.status !== "running") break;
  }
  clearInterval(timer);
  console.log(`longest event-loop stall over the study: ${overall.toFixed(0)} ms, CPU ${overallCpu.toFixed(0)} ms; ${((performance.now() - started) / 1000).toFixed(0)} s in all (status ${getStudySummary(study.id)!.status})`);
  await getEngine().reset();
  closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
