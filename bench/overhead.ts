/**
 * Optimizer overhead: the wall time of one ask plus one tell per sampler when
 * the study already holds 100, 1,000 and 10,000 finished trials in a
 * 6-parameter space. Run with `npx tsx bench/overhead.ts [sampler ...]` (every
 * sampler when none is named). Prints figures; not a test.
 */
import { performance } from "node:perf_hooks";
import { SAMPLERS } from "../lib/optimizer/registry";
import { randomSampler } from "../lib/optimizer/samplers/random";
import { fifoScheduler } from "../lib/optimizer/schedulers/fifo";
import type { Space } from "../lib/optimizer/space";
import { Strategy } from "../lib/optimizer/strategy";
import type { Sampler } from "../lib/optimizer/types";

const SPACE: Space = [
  { type: "float", name: "lr", low: 1e-4, high: 1, log: true },
  { type: "float", name: "momentum", low: 0, high: 0.99 },
  { type: "int", name: "batch_size", low: 16, high: 512, log: true },
  { type: "int", name: "width", low: 16, high: 1024, log: true },
  { type: "float", name: "dropout", low: 0, high: 0.5 },
  { type: "categorical", name: "activation", choices: ["relu", "tanh", "gelu"] },
];
const SIZES = [100, 1_000, 10_000];
const REPEATS = 20;

function loss(params: Record<string, unknown>): number {
  const lr = Math.log10(params.lr as number);
  return (lr + 2) ** 2 + ((params.momentum as number) - 0.9) ** 2 + (params.dropout as number) + (params.activation === "relu" ? 0 : 0.1);
}

/** Median milliseconds of one ask + one tell with `size` finished trials; the history is filled with random trials, then the sampler takes over. */
function measure(name: string, size: number): number {
  const measured = SAMPLERS[name]({ seed: 0 });
  const filler = randomSampler();
  let active: Sampler = filler;
  const sampler: Sampler = { name, sample: (view, rng, n) => active.sample(view, rng, n) };
  const s = new Strategy({ space: SPACE, direction: "minimize", maxEpochs: 1, seed: 0, sampler, scheduler: fifoScheduler() });
  const step = () => {
    const job = s.ask();
    if (job?.kind !== "new") throw new Error("expected a new trial");
    s.tell({ trial: job.trial, epoch: 1, value: loss(job.params) });
  };
  for (let i = 0; i < size; i++) step();
  active = measured;
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(SAMPLERS);
for (const name of names) if (!Object.hasOwn(SAMPLERS, name)) throw new Error(`unknown sampler '${name}' (known: ${Object.keys(SAMPLERS).join(", ")})`);
const rows = names.map((name) => [name, ...SIZES.map((n) => measure(name, n).toFixed(3))]);
const headers = ["sampler", ...SIZES.map((n) => `${n.toLocaleString("en-US")} trials (ms)`)];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(`median of ${REPEATS} × (one ask + one tell), 6 parameters, fifo scheduler, Node ${process.version}`);
console.log([line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n"));
