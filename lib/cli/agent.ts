/**
 * The client half of `hypersieve agent`: the HTTP calls of the agent
 * protocol (claim, report, renew, finish) and the command line's defaults.
 * It imports no server module, so load tests drive agents with it from any
 * Node process; agent-run.ts runs the user's command for each claimed job.
 */
import os from "node:os";
import path from "node:path";
import type { ClaimedJob } from "../engine/agent-board";
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
    for (;;) {
      try {
        response = await this.post(`/api/agent/jobs/${job}/report`, { epoch, value: stored, ...(extra ? { extra } : {}) });
      } catch {
        // The server is gone: after it restarts, this job's trial is interrupted anyway.
        return "lost";
      }
      // The study cannot write now (another process's lock, a full disk): keep the result and send it again.
      if (response.status !== 503) break;
      await response.body?.cancel();
      await new Promise((r) => setTimeout(r, 1000 * (Number(response.headers.get("retry-after")) || 2)));
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

  /** Charges an epoch up to the job's fromEpoch that the program trained again (no checkpoint here) to the budget. */
  async retrained(job: number, epoch: number): Promise<Decision | "lost"> {
    try {
      const response = await this.post(`/api/agent/jobs/${job}/report`, { epoch, value: null, retrained: true });
      if (!response.ok) return "lost";
      return ((await response.json()) as { decision: Decision }).decision;
    } catch {
      return "lost";
    }
  }

  /** Gives a job back before its end (SIGTERM): the server queues it again from its last acknowledged epoch. */
  async release(job: number, message: string, leaving = true): Promise<boolean> {
    try {
      return (await this.post(`/api/agent/jobs/${job}/release`, { leaving, message: message.slice(-1000) })).ok;
    } catch {
      // Unreachable server: the lease expires and, with requeue (the default), the job goes back on the queue.
      return false;
    }
  }

  /** Renews the lease; false when it is gone. */
  async renew(job: number): Promise<boolean> {
    let response: Response;
    try {
      response = await this.post(`/api/agent/jobs/${job}/renew`, {});
    } catch {
      return false;
    }
    // A 503 (the study cannot write now) keeps the lease: the sweeper holds it until the study resumes.
    return response.ok || response.status === 503;
  }

  async finish(job: number, status: "exited" | "failed", message?: string): Promise<void> {
    try {
      await this.post(`/api/agent/jobs/${job}/finish`, { status, ...(message ? { message: message.slice(-4000) } : {}) });
    } catch {
      // Unreachable server: the lease expires or the restart interrupts the trial.
    }
  }
}

/** Defaults for the command line: the agent's name and checkpoint folder. */
export function agentDefaults(): { name: string; checkpointRoot: string } {
  return {
    name: `${os.hostname()}:${process.pid}`.replace(/[^A-Za-z0-9_.:@-]/g, "-").slice(0, 100),
    checkpointRoot: path.resolve(process.env.HYPERSIEVE_AGENT_CHECKPOINTS ?? path.join(".hypersieve", "checkpoints")),
  };
}
