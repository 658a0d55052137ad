/**
 * Event-loop stalls of the sieve: drives a sieve strategy (the race
 * scheduler) on a synthetic function to N trials, in-process and without a
 * database, and times every ask and tell. An ask that ran an analysis round
 * is counted apart. Prints, per block of trials, the longest ask, tell and
 * analysis round: each is work the server does on its event loop.
 *
 *   npx tsx bench/stall.ts [--trials 10000] [--block 1000] [--objective synthetic:hartmann6] [--parallel 16]
 */
import { performance } from "node:perf_hooks";
import { createStrategy } from "../lib/optimizer/registry";
import { syntheticFunction } from "../lib/objectives/synthetic";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const TRIALS = Number(arg("trials", "10000"));
const BLOCK = Number(arg("block", "1000"));
const PARALLEL = Number(arg("parallel", "16"));
const f = syntheticFunction(arg("objective", "synthetic:hartmann6"))!;
const strategy = createStrategy({ name: arg("strategy", "sieve"), space: f.space, direction: f.direction, maxEpochs: f.maxEpochs, seed: 1 });

type Block = { ask: number; tell: number; analysis: number; rounds: number; asks: number };
let block: Block = { ask: 0, tell: 0, analysis: 0, rounds: 0, asks: 0 };
const running: { trial: number; params: Record<string, number | string | boolean> }[] = [];
const started = performance.now();
let reported = 0;
console.log(`sieve stalls on ${f.id} (${f.space.length} parameters, ${f.maxEpochs} epochs), ${PARALLEL} trials in flight, Node ${process.version}`);
while (strategy.trials.length < TRIALS) {
  while (running.length < PARALLEL) {
    const rounds = strategy.snapshots().length;
    const t = performance.now();
    const job = strategy.ask();
    const ms = performance.now() - t;
    if (!job) break;
    if (strategy.snapshots().length > rounds) {
      block.analysis = Math.max(block.analysis, ms);
      block.rounds++;
    } else block.ask = Math.max(block.ask, ms);
    block.asks++;
    running.push({ trial: job.trial, params: strategy.trials[job.trial].params });
    if (strategy.trials.length % BLOCK === 0 && job.kind !== "continue") {
      const s = ((performance.now() - started) / 1000).toFixed(0);
      console.log(
        `trials ${String(strategy.trials.length).padStart(6)}: longest ask ${block.ask.toFixed(1)} ms, tell ${block.tell.toFixed(2)} ms, analysis round ${block.analysis.toFixed(0)} ms (${block.rounds} rounds, ${block.asks} asks); ${reported} reports, ${s} s`,
      );
      block = { ask: 0, tell: 0, analysis: 0, rounds: 0, asks: 0 };
    }
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
