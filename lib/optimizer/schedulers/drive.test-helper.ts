/** Test helper: drives a strategy one job at a time with scripted losses, recording every job. */
import type { Strategy } from "../strategy";

export type JobRecord = [kind: "new" | "continue" | "branch", trial: number, toEpoch: number];

/** Runs `jobs` asks; the loss of trial t after epoch e is `loss(t, e)`. */
export function drive(strategy: Strategy, jobs: number, loss: (trial: number, epoch: number) => number): JobRecord[] {
  const log: JobRecord[] = [];
  for (let j = 0; j < jobs; j++) {
    const job = strategy.ask();
    if (job === null) break;
    log.push([job.kind, job.trial, job.toEpoch]);
    const from = strategy.trials[job.trial].losses.length;
    for (let epoch = from + 1; epoch <= job.toEpoch; epoch++) {
      if (strategy.tell({ trial: job.trial, epoch, value: loss(job.trial, epoch) }).decision !== "continue") break;
    }
  }
  return log;
}
