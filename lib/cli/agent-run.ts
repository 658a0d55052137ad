/**
 * `hypersieve agent`: asks a server for jobs of one study, runs the user's
 * command for each under the protocol of docs/command-protocol.md, reports
 * every epoch, and stops the program when the server says so. Any number of
 * agents on any number of machines (Slurm arrays, Kubernetes jobs) scale a
 * study out. On SIGTERM (the `stopping` signal) an agent claims nothing more,
 * lets its program finish the epoch it is in, and gives the job back.
 */
import fs from "node:fs";
import path from "node:path";
import type { ClaimedJob } from "../engine/agent-board";
import { checkpointEpoch, newestCheckpoint } from "../objectives/checkpoint-file";
import { createCommandObjective } from "../objectives/command";
import { signalAllGroups } from "../objectives/process-group";
import { sleep } from "../objectives/types";
import type { Params } from "../optimizer/space";
import type { Decision } from "../optimizer/types";
import type { AgentClient } from "./agent";

export type AgentOptions = {
  client: AgentClient;
  argv: string[];
  cwd: string;
  /** Where trials' checkpoints go, unless the study names a shared folder. */
  checkpointRoot: string;
  /** The longest wait between claims while nothing is queued (default 1000 ms); the first waits are shorter (FIRST_POLL_MS, doubling). */
  pollMs?: number;
  log?: (line: string) => void;
  /** Aborted on SIGTERM: no more claims; the running job's program gets SIGTERM and the job goes back on the queue. */
  stopping?: AbortSignal;
  /** From that SIGTERM until the program is stopped hard (the objective's own SIGTERM-to-SIGKILL grace follows). */
  graceMs?: number;
};

/** How a job ended for this agent: epochs acknowledged, and whether it was given back (SIGTERM). */
export type JobOutcome = { acknowledged: number; released: boolean };

export const DEFAULT_AGENT_GRACE_MS = 20_000;

/**
 * The epoch a job's program can start from here: fromEpoch when a checkpoint of it is at hand, an
 * earlier epoch when only an older checkpoint is, 0 when none is (the epochs in between are trained
 * again, and charged to the budget).
 */
export function resumableEpoch(checkpointDir: string, fromEpoch: number): number {
  if (fromEpoch === 0) return 0;
  const file = newestCheckpoint(checkpointDir, fromEpoch);
  if (!file) return 0;
  const epoch = checkpointEpoch(path.basename(file));
  return epoch === null ? fromEpoch : Math.min(epoch, fromEpoch);
}

/** Runs one claimed job to its end, or gives it back when the agent is stopping. */
export async function runJob(options: AgentOptions, job: ClaimedJob): Promise<JobOutcome> {
  const { client } = options;
  const log = options.log ?? (() => undefined);
  if (job.sharedCheckpoints && !fs.statSync(job.sharedCheckpoints, { throwIfNoEntry: false })?.isDirectory()) {
    const message = `agent '${client.name}': the study's shared checkpoint folder ${job.sharedCheckpoints} does not exist on this machine`;
    await client.release(job.job, message);
    throw new Error(`${message}; mount it there, or start the agent where it is`);
  }
  const checkpointDir = path.join(job.sharedCheckpoints ?? options.checkpointRoot, `study-${client.study}`, `trial-${job.trial}`);
  const startEpoch = resumableEpoch(checkpointDir, job.fromEpoch);
  if (startEpoch < job.fromEpoch) {
    const where = job.holder && job.holder !== client.name ? ` (agent '${job.holder}' trained it)` : "";
    log(`trial ${job.trial}: no checkpoint of epoch ${job.fromEpoch} here${where}; epochs ${startEpoch + 1}..${job.fromEpoch} are trained again and count against the budget`);
  }
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
  let reached = job.fromEpoch;
  let draining = false;
  let hardStop: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  const hear = (answer: Decision | "lost") => {
    if (answer === "continue") return;
    verdict = answer;
    controller.abort();
  };
  // Reports go out in order; the program hears a stop one line late at most.
  const report = (epoch: number, value: number, extra?: Record<string, number>): Decision => {
    chain = chain.then(async () => {
      if (verdict) return;
      if (epoch <= job.fromEpoch) return hear(await client.retrained(job.job, epoch));
      const answer = await client.report(job.job, epoch, value, extra, job.trial);
      if (answer !== "lost") {
        acknowledged++;
        reached = epoch;
      }
      hear(answer);
    });
    return verdict === null ? "continue" : "stop";
  };
  const renewal = setInterval(() => {
    void client.renew(job.job).then((ok) => {
      if (!ok && !verdict) hear("lost");
    }, () => undefined);
  }, Math.max(500, (job.leaseSeconds * 1000) / 3));
  // SIGTERM to the agent: the program hears it too, finishes (or checkpoints) its epoch, reports it and exits.
  const onStopping = () => {
    draining = true;
    const graceMs = options.graceMs ?? DEFAULT_AGENT_GRACE_MS;
    log(`trial ${job.trial}: stopping its program (SIGTERM; ${Math.round(graceMs / 1000)} s grace), then giving the job back`);
    signalAllGroups("SIGTERM");
    hardStop = setTimeout(() => controller.abort(), graceMs);
  };
  let failure: string | null = null;
  try {
    const training = objective.train({
      params: job.params as Params,
      fromEpoch: startEpoch,
      toEpoch: job.toEpoch,
      epochDelayMs: 0,
      seed: job.seed,
      checkpointDir,
      jobsAtOnce: 1,
      signal: controller.signal,
      report,
    });
    // The program is started (and its group known) once train() has returned.
    if (options.stopping?.aborted) onStopping();
    else options.stopping?.addEventListener("abort", onStopping, { once: true });
    await training;
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  } finally {
    options.stopping?.removeEventListener("abort", onStopping);
    await chain.catch(() => undefined);
    clearInterval(renewal);
    clearTimeout(hardStop);
  }
  let released = false;
  if (!verdict) {
    if (draining && reached < job.toEpoch) {
      released = await client.release(job.job, `agent '${client.name}' stopped (SIGTERM) after epoch ${reached} of ${job.toEpoch}`);
    } else if (failure && !draining) await client.finish(job.job, "failed", failure);
    else await client.finish(job.job, "exited");
  }
  const how = released ? ", given back" : verdict ? `, ${verdict}` : failure && !draining ? ", failed" : "";
  log(`trial ${job.trial}: epochs ${job.fromEpoch + 1}..${job.toEpoch}, ${acknowledged} acknowledged${how}`);
  return { acknowledged, released };
}

/** The first wait after a claim that found nothing queued; each further empty claim doubles it, up to pollMs. */
const FIRST_POLL_MS = 50;

/** Claims and runs jobs until the study is over ("done") or the agent is told to stop ("stopped"). */
export async function runAgent(options: AgentOptions): Promise<"done" | "stopped"> {
  const stopping = options.stopping ?? new AbortController().signal;
  let idleMs = FIRST_POLL_MS;
  while (!stopping.aborted) {
    const job = await options.client.claim();
    if (job === "done") return "done";
    if (stopping.aborted) {
      // SIGTERM came while the claim was on its way: the job goes straight back.
      if (job) await options.client.release(job.job, `agent '${options.client.name}' stopped (SIGTERM) before starting it`);
      break;
    }
    if (job === null) {
      // Often the queue is empty only for a moment (a sieve round out in the server's worker thread holds new
      // trials; the engine fills its queue over a few turns): ask again soon, then less often, up to pollMs.
      await sleep(Math.min(idleMs, options.pollMs ?? 1000), stopping);
      idleMs *= 2;
      continue;
    }
    idleMs = FIRST_POLL_MS;
    await runJob(options, job);
  }
  return "stopped";
}
