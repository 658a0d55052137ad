/**
 * `hypersieve agent`: asks a server for jobs of one study, runs the user's
 * command for each under the protocol of docs/command-protocol.md, reports
 * every epoch, and stops the program when the server says so. Any number of
 * agents on any number of machines (Slurm arrays, Kubernetes jobs) scale a
 * study out.
 */
import path from "node:path";
import type { ClaimedJob } from "../engine/agent-board";
import { createCommandObjective } from "../objectives/command";
import type { Params } from "../optimizer/space";
import type { Decision } from "../optimizer/types";
import type { AgentClient } from "./agent";

export type AgentOptions = {
  client: AgentClient;
  argv: string[];
  cwd: string;
  /** Where trials' checkpoints go; on a shared filesystem another agent can resume a paused trial. */
  checkpointRoot: string;
  pollMs?: number;
  log?: (line: string) => void;
};

/** Runs one claimed job to its end; resolves with how many epochs the server acknowledged. */
export async function runJob(options: AgentOptions, job: ClaimedJob): Promise<number> {
  const { client } = options;
  const objective = createCommandObjective({
    argv: options.argv,
    cwd: options.cwd,
    metric: job.metric,
    direction: job.direction,
    maxEpochs: job.maxEpochs,
    space: job.space,
  });
  const controller = new AbortController();
  let verdict: Decision | "lost" | null = null;
  let acknowledged = 0;
  let chain: Promise<void> = Promise.resolve();
  // Reports go out in order; the program hears a stop one line late at most.
  const report = (epoch: number, value: number, extra?: Record<string, number>): Decision => {
    chain = chain.then(async () => {
      if (verdict) return;
      const answer = await client.report(job.job, epoch, value, extra, job.trial);
      if (answer !== "lost") acknowledged++;
      if (answer !== "continue") {
        verdict = answer;
        controller.abort();
      }
    });
    return verdict === null ? "continue" : "stop";
  };
  const renewal = setInterval(() => {
    void client.renew(job.job).then((ok) => {
      if (!ok && !verdict) {
        verdict = "lost";
        controller.abort();
      }
    }, () => undefined);
  }, Math.max(500, (job.leaseSeconds * 1000) / 3));
  try {
    await objective.train({
      params: job.params as Params,
      fromEpoch: job.fromEpoch,
      toEpoch: job.toEpoch,
      epochDelayMs: 0,
      seed: job.seed,
      checkpointDir: path.join(options.checkpointRoot, `study-${client.study}`, `trial-${job.trial}`),
      signal: controller.signal,
      report,
    });
    await chain;
    if (!verdict) await client.finish(job.job, "exited");
  } catch (error) {
    await chain.catch(() => undefined);
    if (!verdict) await client.finish(job.job, "failed", error instanceof Error ? error.message : String(error));
  } finally {
    clearInterval(renewal);
  }
  options.log?.(`trial ${job.trial}: epochs ${job.fromEpoch + 1}..${job.toEpoch}, ${acknowledged} acknowledged${verdict ? `, ${verdict}` : ""}`);
  return acknowledged;
}

/** Claims and runs jobs until the study is over. */
export async function runAgent(options: AgentOptions): Promise<void> {
  for (;;) {
    const job = await options.client.claim();
    if (job === "done") return;
    if (job === null) {
      await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
      continue;
    }
    await runJob(options, job);
  }
}
