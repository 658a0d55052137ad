/**
 * Trials trained by remote agents. An agent study's objective does not
 * train: it puts each job on a queue in the database and waits. An agent
 * claims the job (a lease), reports every epoch through the HTTP API, and
 * gets the strategy's decision back; the engine persists each report
 * before the agent hears the answer, exactly as for local trials.
 */
import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { claimJob, closeOpenJobs, enqueueJob, expiredJobs, finishJob, getAgentTokenHash, getJob, noteReport, renewLease, requeueJob, setAgentTokenHash, type AgentJob } from "../../db/agents";
import { HttpError } from "../api/http";
import type { ObjectiveInfo } from "../api/schemas";
import type { Space } from "../optimizer/space";
import type { Decision } from "../optimizer/types";
import type { Objective, TrainRequest } from "../objectives/types";

/** What an agent study declares: the metric and space its agents' program trains, and how leases behave. */
export type AgentSpec = {
  metric: string;
  direction: "minimize" | "maximize";
  maxEpochs: number;
  space: Space;
  /** A lease not renewed for this long is stale. */
  leaseSeconds: number;
  /** Put a stale job back on the queue (from its last reported epoch) instead of failing its trial. */
  requeue: boolean;
  title?: string;
};

type Waiter = { request: TrainRequest; resolve: () => void; reject: (error: Error) => void; spec: AgentSpec };

/** The job an agent receives. */
export type ClaimedJob = {
  job: number;
  trial: number;
  params: Record<string, unknown>;
  fromEpoch: number;
  toEpoch: number;
  seed: number;
  leaseSeconds: number;
  metric: string;
  direction: "minimize" | "maximize";
  maxEpochs: number;
  space: Space;
};

function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Issues a new agent token for a study (replacing any earlier one); only its hash is stored. */
export function issueAgentToken(studyId: number): string {
  const token = `hs_${randomBytes(24).toString("base64url")}`;
  setAgentTokenHash(studyId, hashToken(token));
  return token;
}

/** Checks a bearer token against a study's stored hash in constant time; throws 401 otherwise. */
export function authenticateAgent(studyId: number, authorization: string | null): void {
  // RFC 7235: the scheme is case-insensitive (bearer, BEARER); one or more spaces before the token.
  const token = /^bearer +(\S+) *$/i.exec(authorization ?? "")?.[1];
  if (!token) throw new HttpError(401, "an agent must send 'Authorization: Bearer <the study's agent token>'");
  const stored = getAgentTokenHash(studyId);
  const given = Buffer.from(hashToken(token), "hex");
  // Compare even when the study has no token, so timing does not tell which studies exist.
  const expected = Buffer.from(stored ?? "0".repeat(64), "hex");
  if (!timingSafeEqual(given, expected) || !stored) throw new HttpError(401, "the agent token is not valid for this study");
}

export class AgentBoard {
  private readonly waiters = new Map<number, Waiter>();
  private sweeper: NodeJS.Timeout | null = null;

  /** After a restart: jobs that were queued or leased belong to trials now marked interrupted. */
  start(): void {
    closeOpenJobs();
    this.sweeper ??= setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  /** The objective of an agent study: each job waits on the queue for an agent. */
  objective(spec: AgentSpec): Objective {
    const info: ObjectiveInfo = {
      id: "agent",
      title: spec.title ?? "Remote agents",
      description: "Trials run on agents (`hypersieve agent`) that claim jobs from this server.",
      metric: spec.metric,
      direction: spec.direction,
      maxEpochs: spec.maxEpochs,
      space: spec.space,
      defaultEpochDelayMs: 0,
      optimum: null,
    };
    return {
      info,
      train: (request) =>
        new Promise<void>((resolve, reject) => {
          if (!request.trial) return reject(new Error("an agent job needs its study and trial"));
          const id = enqueueJob({
            studyId: request.trial.studyId,
            trialNumber: request.trial.number,
            params: request.params,
            fromEpoch: request.fromEpoch,
            toEpoch: request.toEpoch,
            seed: request.seed ?? 0,
          });
          this.waiters.set(id, { request, resolve, reject, spec });
          request.signal.addEventListener(
            "abort",
            () => {
              finishJob(id);
              this.waiters.delete(id);
              resolve();
            },
            { once: true },
          );
        }),
    };
  }

  /** Gives the oldest queued job of a study to an agent, or null when none is waiting. */
  claim(studyId: number, agent: string): ClaimedJob | null {
    for (;;) {
      const job = claimJob(studyId, agent, 60_000);
      if (!job) return null;
      const waiter = this.waiters.get(job.id);
      if (!waiter) {
        // Left over from before a restart: nobody waits for it.
        finishJob(job.id);
        continue;
      }
      renewLease(job.id, agent, waiter.spec.leaseSeconds * 1000);
      return {
        job: job.id,
        trial: job.trialNumber,
        params: job.params as Record<string, unknown>,
        fromEpoch: job.fromEpoch,
        toEpoch: job.toEpoch,
        seed: job.seed,
        leaseSeconds: waiter.spec.leaseSeconds,
        metric: waiter.spec.metric,
        direction: waiter.spec.direction,
        maxEpochs: waiter.spec.maxEpochs,
        space: waiter.spec.space,
      };
    }
  }

  private live(studyId: number, jobId: number, agent: string): { job: AgentJob; waiter: Waiter } {
    const job = getJob(jobId);
    if (!job || job.studyId !== studyId) throw new HttpError(404, `job ${jobId} does not exist in study ${studyId}`);
    const waiter = this.waiters.get(jobId);
    if (job.status !== "leased" || job.agent !== agent || !waiter || (job.leaseExpiresAt ?? 0) < Date.now()) {
      throw new HttpError(409, `job ${jobId} is no longer leased to agent '${agent}': stop training it`);
    }
    return { job, waiter };
  }

  /** Renews a lease; a 409 tells the agent to stop. */
  renew(studyId: number, jobId: number, agent: string): { leaseSeconds: number } {
    const { waiter } = this.live(studyId, jobId, agent);
    if (!renewLease(jobId, agent, waiter.spec.leaseSeconds * 1000)) throw new HttpError(409, `job ${jobId}'s lease has expired: stop training it`);
    return { leaseSeconds: waiter.spec.leaseSeconds };
  }

  /**
   * Takes one epoch's report: the engine stores it, then the strategy decides.
   * A repeat of a stored epoch with the same value is accepted again; a
   * different value is refused with 409.
   */
  report(studyId: number, jobId: number, agent: string, epoch: number, value: number, extra?: Record<string, number>): Decision {
    const { job, waiter } = this.live(studyId, jobId, agent);
    if (epoch <= job.fromEpoch || epoch > job.toEpoch) throw new HttpError(400, `epoch must be in ${job.fromEpoch + 1}..${job.toEpoch} for job ${jobId}, got ${epoch}`);
    if (epoch > job.lastEpoch + 1) throw new HttpError(409, `job ${jobId} expected epoch ${job.lastEpoch + 1}, got ${epoch}`);
    let decision: Decision;
    let noted = false;
    // The job's epoch and lease are written in the report's own transaction: one commit per report.
    const note = () => {
      noteReport(jobId, agent, epoch, waiter.spec.leaseSeconds * 1000);
      noted = true;
    };
    try {
      decision = waiter.request.report(epoch, value, extra, note);
    } catch (error) {
      throw new HttpError(409, error instanceof Error ? error.message : String(error));
    }
    if (!noted) note();
    if (decision !== "continue") this.close(jobId, null);
    return decision;
  }

  /** The agent's program ended: normally (before any stop decision) or with an error. */
  finish(studyId: number, jobId: number, agent: string, outcome: { status: "exited" | "failed"; message?: string }): void {
    const { job } = this.live(studyId, jobId, agent);
    const reason =
      outcome.status === "failed"
        ? `agent '${agent}': ${outcome.message ?? "the program failed"}`
        : job.lastEpoch >= job.toEpoch
          ? null
          : `agent '${agent}': the program exited after epoch ${job.lastEpoch} of ${job.toEpoch}`;
    this.close(jobId, reason === null ? null : new Error(reason));
  }

  private close(jobId: number, error: Error | null): void {
    finishJob(jobId);
    const waiter = this.waiters.get(jobId);
    this.waiters.delete(jobId);
    if (!waiter) return;
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  /** Expired leases: back on the queue when the study says so, else the trial fails as stale. */
  sweep(nowMs = Date.now()): void {
    for (const job of expiredJobs(nowMs)) {
      const waiter = this.waiters.get(job.id);
      if (waiter?.spec.requeue) requeueJob(job.id);
      else this.close(job.id, new Error(`stale: agent '${job.agent}' stopped renewing its lease`));
    }
  }
}

const key = Symbol.for("hypersieve.agent-board");
const holder = globalThis as unknown as { [key]?: AgentBoard };

/** This process's agent board. */
export function getAgentBoard(): AgentBoard {
  return (holder[key] ??= new AgentBoard());
}
