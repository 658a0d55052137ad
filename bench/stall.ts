/**
 * Event-loop stalls of the sieve: drives a sieve strategy (the race
 * scheduler) on a synthetic function to N trials, in-process and without a
 * database, and times every ask and tell, as the engine runs them: analysis
 * rounds are deferred (a due round records its input and asks go on); the
 * round's effect tests, which the engine runs in a worker thread, run here
 * between two asks and are timed apart, and the completion of the round
 * (rules and snapshot from the effects) is timed as event-loop work. Prints,
 * per block of trials, the longest ask, tell and completion, and the longest
 * round's tests off the loop.
 *
 *   npx tsx bench/stall.ts [--trials 10000] [--block 1000] [--objective synthetic:hartmann6] [--parallel 16] [--inline]
 *
 * --inline runs the rounds inside the ask that finds them due, as studies
 * made before migration 0008 replay.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { runRoundJob } from "../lib/optimizer/analysis/round";
import { createStrategy } from "../lib/optimizer/registry";
import { syntheticFunction } from "../lib/objectives/synthetic";

const { values: options } = parseArgs({
  options: {
    trials: { type: "string", default: "10000" },
    block: { type: "string", default: "1000" },
    parallel: { type: "string", default: "16" },
    objective: { type: "string", default: "synthetic:hartmann6" },
    strategy: { type: "string", default: "sieve" },
    inline: { type: "boolean", default: false },
  },
});
const TRIALS = Number(options.trials);
const BLOCK = Number(options.block);
const PARALLEL = Number(options.parallel);
const f = syntheticFunction(options.objective);
if (!f) throw new Error(`--objective: no synthetic function '${options.objective}'`);
const strategy = createStrategy({ name: options.strategy, space: f.space, direction: f.direction, maxEpochs: f.maxEpochs, seed: 1, samplerSettings: { deferAnalysis: !options.inline } });

type Block = { ask: number; tell: number; complete: number; tests: number; rounds: number; asks: number };
const fresh = (): Block => ({ ask: 0, tell: 0, complete: 0, tests: 0, rounds: 0, asks: 0 });
let block = fresh();
const overall = fresh();
const running: { trial: number; params: Record<string, number | string | boolean> }[] = [];
const started = performance.now();
let reported = 0;
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
console.log(
  `${strategy.name} stalls on ${f.id} (${f.space.length} parameters, ${f.maxEpochs} epochs), ${PARALLEL} trials in flight, rounds ${options.inline ? "inline" : "deferred"}, Node ${process.version}`,
);
while (strategy.trials.length < TRIALS) {
  while (running.length < PARALLEL) {
    const rounds = strategy.snapshots().length;
    const t = performance.now();
    const job = strategy.ask();
    const took = performance.now() - t;
    if (!job) break;
    // An inline round runs inside its ask: that ask is the round's stall.
    if (strategy.snapshots().length > rounds) {
      block.complete = Math.max(block.complete, took);
      block.rounds++;
    } else block.ask = Math.max(block.ask, took);
    block.asks++;
    running.push({ trial: job.trial, params: strategy.trials[job.trial].params });
    if (strategy.trials.length % BLOCK === 0 && job.kind !== "continue") {
      const s = ((performance.now() - started) / 1000).toFixed(0);
      console.log(
        `trials ${String(strategy.trials.length).padStart(6)}: longest ask ${ms(block.ask)} ms, tell ${ms(block.tell)} ms, round completion ${ms(block.complete)} ms; round tests off the loop ${ms(block.tests)} ms (${block.rounds} rounds, ${block.asks} asks); ${reported} reports, ${s} s`,
      );
      for (const k of ["ask", "tell", "complete", "tests"] as const) overall[k] = Math.max(overall[k], block[k]);
      block = fresh();
    }
  }
  const pending = strategy.pendingAnalysis();
  if (pending) {
    let t = performance.now();
    const result = runRoundJob(pending.job);
    block.tests = Math.max(block.tests, performance.now() - t);
    t = performance.now();
    strategy.completeAnalysis(pending.round, result);
    block.complete = Math.max(block.complete, performance.now() - t);
    block.rounds++;
  }
  if (running.length === 0) throw new Error("the strategy has nothing to run");
  const job = running[reported % running.length];
  const epoch = strategy.trials[job.trial].losses.length + 1;
  const t = performance.now();
  const verdict = strategy.tell({ trial: job.trial, epoch, value: f.valueAt(job.params, epoch) });
  block.tell = Math.max(block.tell, performance.now() - t);
  reported++;
  if (verdict.decision !== "continue") running.splice(running.indexOf(job), 1);
}
console.log(`longest over the run: ask ${ms(overall.ask)} ms, tell ${ms(overall.tell)} ms, round completion ${ms(overall.complete)} ms (on the event loop); round tests ${ms(overall.tests)} ms (off it)`);
