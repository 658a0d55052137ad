/**
 * `hypersieve agent`: asks a server for jobs of one study, runs the user's
 * command for each under the protocol of docs/command-protocol.md, reports
 * every epoch, and stops the program when the server says so. Any number of
 * agents on any number of machines (Slurm arrays, Kubernetes jobs) scale a
 * study out.
 */
import os from "node:os";
import path from "node:path";
import type { ClaimedJob } from "../engine/agent-board";
import { createCommandObjective } from "../objectives/command";
import type { Params } from "../optimizer/space";
import type { Decision } from "../optimizer/types";

/** A thin client of the agent routes; the token travels only in the Authorization header. */
export class AgentClient {
  constructor(
    readonly server: string,
    private readonly token: string,
    readonly study: number,
    readonly name: string,
  ) {}

  /** Called after each acknowledged report (tests use it to check that nothing acknowledged is lost). */
  onAcknowledged?: (ack: { trial: number; job: number; epoch: number; value: number | null }) => void;

  private async post(pathname: string, body: Record<string, unknown>): Promise<Response> {
    return fetch(new URL(pathname, this.server), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ study: this.study, agent: this.name, ...body }),
    });
  }

  private async fail(response: Response): Promise<never> {
    const text = await response.text();
    let message = text;
    try {
      message = JSON.parse(text).error ?? text;
    } catch {}
    throw new Error(`${response.status}: ${message}`);
  }

  /** A job, null when none waits right now (or the server is unreachable), or "done" once the study is over. */
  async claim(): Promise<ClaimedJob | null | "done"> {
    let response: Response;
    try {
      response = await this.post("/api/agent/claim", {});
    } catch {
      return null;
    }
    if (response.status === 204) return null;
    if (response.status === 410) return "done";
    // A bad token or a wrong study will not fix itself; anything else (a server starting up) may.
    if (response.status === 401 || response.status === 403 || response.status === 404) return this.fail(response);
    if (!response.ok) return null;
    try {
      return (await response.json()) as ClaimedJob;
    } catch {
      // The server died while answering; if it had leased the job, the restart interrupts its trial.
      return null;
    }
  }

  /** Reports one epoch; "lost" when the lease is gone (409) and the program must stop. */
  async report(job: number, epoch: number, value: number, extra?: Record<string, number>, trial = -1): Promise<Decision | "lost"> {
    const stored = Number.isFinite(value) ? value : null;
    let response: Response;
    try {
      response = await this.post(`/api/agent/jobs/${job}/report`, { epoch, value: stored, ...(extra ? { extra } : {}) });
    } catch {
      // The server is gone: after it restarts, this job's trial is interrupted anyway.
      return "lost";
    }
    // Refused (lease gone, study over) or the server failed: either way this job is over for this agent.
    if (!response.ok) return "lost";
    let decision: Decision;
    try {
      decision = ((await response.json()) as { decision: Decision }).decision;
    } catch {
      // No complete answer, so no acknowledgement: the report may or may not be stored.
      return "lost";
    }
    this.onAcknowledged?.({ trial, job, epoch, value: stored });
    return decision;
  }

  /** Renews the lease; false when it is gone. */
  async renew(job: number): Promise<boolean> {
    let response: Response;
    try {
      response = await this.post(`/api/agent/jobs/${job}/renew`, {});
    } catch {
      return false;
    }
    return response.ok;
  }

  async finish(job: number, status: "exited" | "failed", message?: string): Promise<void> {
    try {
      await this.post(`/api/agent/jobs/${job}/finish`, { status, ...(message ? { message: message.slice(-4000) } : {}) });
    } catch {
      // Unreachable server: the lease expires or the restart interrupts the trial.
    }
  }
}

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

/** Defaults for the command line: the agent's name and checkpoint folder. */
export function agentDefaults(): { name: string; checkpointRoot: string } {
  return {
    name: `${os.hostname()}:${process.pid}`.replace(/[^A-Za-z0-9_.:@-]/g, "-").slice(0, 100),
    checkpointRoot: path.resolve(process.env.HYPERSIEVE_AGENT_CHECKPOINTS ?? path.join(".hypersieve", "checkpoints")),
  };
}
