/**
 * Trials trained by remote agents. An agent study's objective does not
 * train: it puts each job on a queue in the database and waits. An agent
 * claims the job (a lease), reports every epoch through the HTTP API, and
 * gets the strategy's decision back; the engine persists each report
 * before the agent hears the answer, exactly as for local trials.
 */
import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  claimJob,
  closeOpenJobs,
  enqueueJob,
  expiredJobs,
  finishJob,
  getAgentTokenHash,
  getJob,
  lastAgentOf,
  logRelease,
  markRetrained,
  noteReport,
  renewLease,
  requeueJob,
  setAgentTokenHash,
  type AgentJob,
} from "../../db/agents";
import { HttpError, isHttpError } from "../api/http";
import { studyFault } from "../../db/faults";
import { dbFaultOf } from "./write-lane";
import { bearerOf, sameSecret, serverToken } from "../api/server-token";
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
  /** A folder every agent mounts at this path; checkpoints go there, so any agent resumes any trial. */
  sharedCheckpoints?: string;
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
  /** The agent that holds the trial's checkpoint at fromEpoch (null from scratch, or with a shared folder it does not matter). */
  holder: string | null;
  /** The study's shared checkpoint folder, or null: each agent keeps its own. */
  sharedCheckpoints: string | null;
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

/**
 * Checks a bearer token against a study's stored hash in constant time; throws 401 otherwise. The server
 * token is accepted too: whoever holds it can issue any study's agent token (POST .../agent-token) anyway.
 */
export function authenticateAgent(studyId: number, authorization: string | null): void {
  // RFC 7235: the scheme is case-insensitive (bearer, BEARER); one or more spaces before the token.
  const token = bearerOf(authorization);
  if (!token) throw new HttpError(401, "an agent must send 'Authorization: Bearer <the study's agent token>'");
  const server = serverToken();
  if (server && sameSecret(token, server.token)) return;
  const stored = getAgentTokenHash(studyId);
  const given = Buffer.from(hashToken(token), "hex");
  // Compare even when the study has no token, so timing does not tell which studies exist.
  const expected = Buffer.from(stored ?? "0".repeat(64), "hex");
  if (!timingSafeEqual(given, expected) || !stored) throw new HttpError(401, "the agent token is not valid for this study");
}

export class AgentBoard {
  private readonly waiters = new Map<number, Waiter>();
  private readonly specs = new Map<number, AgentSpec>();
  /** When each agent (by study) last called; an agent heard from within its study's lease time is alive. */
  private readonly seen = new Map<string, { studyId: number; agent: string; at: number }>();
  private sweeper: NodeJS.Timeout | null = null;

  private leaseMs(studyId: number): number {
    return (this.specs.get(studyId)?.leaseSeconds ?? 60) * 1000;
  }

  private touch(studyId: number, agent: string, nowMs = Date.now()): void {
    this.seen.set(`${studyId}\u0000${agent}`, { studyId, agent, at: nowMs });
  }

  /** The other agents of a study heard from within its lease time: they come back for the jobs they hold. */
  private liveOthers(studyId: number, agent: string, nowMs: number): string[] {
    const window = this.leaseMs(studyId);
    const out: string[] = [];
    for (const [key, s] of this.seen) {
      if (nowMs - s.at > window) this.seen.delete(key);
      else if (s.studyId === studyId && s.agent !== agent) out.push(s.agent);
    }
    return out;
  }

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
          const { studyId, number } = request.trial;
          this.specs.set(studyId, spec);
          const enqueue = (): void => {
            if (request.signal.aborted) return resolve();
            let id: number;
            try {
              id = enqueueJob({
                studyId,
                trialNumber: number,
                params: request.params,
                fromEpoch: request.fromEpoch,
                toEpoch: request.toEpoch,
                seed: request.seed ?? 0,
                // A paused trial goes on where its checkpoint is: on the agent that trained it last.
                holder: request.fromEpoch > 0 && !spec.sharedCheckpoints ? lastAgentOf(studyId, number) : null,
              });
            } catch (error) {
              // Another process holds the database, or the disk is full: the job waits to be queued, off the event loop.
              if (dbFaultOf(error)) return void setTimeout(enqueue, 250).unref();
              return reject(error as Error);
            }
            this.waiters.set(id, { request, resolve, reject, spec });
            request.signal.addEventListener(
              "abort",
              () => {
                this.waiters.delete(id);
                try {
                  finishJob(id);
                } catch (error) {
                  // Left queued or leased: nobody waits for it, so a claim or the next start closes it.
                  if (!dbFaultOf(error)) console.error(`[hypersieve] agent job ${id}:`, error);
                }
                resolve();
              },
              { once: true },
            );
          };
          enqueue();
        }),
    };
  }

  /**
   * Gives a queued job of a study to an agent, or null when none is waiting for it: first a job whose
   * checkpoint it holds, then the oldest that no other live agent holds. A job held by a live agent
   * waits for it for one lease time at most, then goes to whoever asks (who retrains or resumes from
   * a shared folder).
   */
  claim(studyId: number, agent: string, nowMs = Date.now()): ClaimedJob | null {
    this.touch(studyId, agent, nowMs);
    const affinity = { reserved: this.liveOthers(studyId, agent, nowMs), waitedBeforeIso: new Date(nowMs - this.leaseMs(studyId)).toISOString() };
    for (;;) {
      const job = claimJob(studyId, agent, 60_000, affinity);
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
        holder: job.holder,
        sharedCheckpoints: waiter.spec.sharedCheckpoints ?? null,
      };
    }
  }

  private live(studyId: number, jobId: number, agent: string): { job: AgentJob; waiter: Waiter } {
    this.touch(studyId, agent);
    const job = getJob(jobId);
    if (!job || job.studyId !== studyId) throw new HttpError(404, `job ${jobId} does not exist in study ${studyId}`);
    const waiter = this.waiters.get(jobId);
    // An expired lease is the sweeper's to end (it keeps those of a study paused by a disk fault).
    if (job.status !== "leased" || job.agent !== agent || !waiter) {
      throw new HttpError(409, `job ${jobId} is no longer leased to agent '${agent}': stop training it`);
    }
    return { job, waiter };
  }

  /** Renews a lease; a 409 tells the agent to stop. */
  renew(studyId: number, jobId: number, agent: string): { leaseSeconds: number } {
    const { waiter } = this.live(studyId, jobId, agent);
    if (!renewLease(jobId, agent, waiter.spec.leaseSeconds * 1000, Date.now(), true)) throw new HttpError(409, `job ${jobId}'s lease has expired: stop training it`);
    return { leaseSeconds: waiter.spec.leaseSeconds };
  }

  /**
   * Takes one epoch's report: the engine stores it, then the strategy decides.
   * A repeat of a stored epoch with the same value is accepted again; a
   * different value is refused with 409.
   */
  report(studyId: number, jobId: number, agent: string, epoch: number, value: number, extra?: Record<string, number>, retrained = false): Decision {
    const { job, waiter } = this.live(studyId, jobId, agent);
    if (retrained) return this.retrained(job, waiter, agent, epoch);
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
      // Never held: while the study's writes are held the agent gets a 503 and sends the report again.
      decision = waiter.request.report(epoch, value, extra, { wait: false, alongside: note }) as Decision;
    } catch (error) {
      if (isHttpError(error)) throw error;
      throw new HttpError(409, error instanceof Error ? error.message : String(error));
    }
    if (!noted) note();
    if (decision !== "continue") this.close(jobId, null);
    return decision;
  }

  /** An epoch up to fromEpoch trained again: charged to the budget once, in order; its stored measurement stays. */
  private retrained(job: AgentJob, waiter: Waiter, agent: string, epoch: number): Decision {
    if (epoch > job.fromEpoch) throw new HttpError(400, `a retrained epoch must be in 1..${job.fromEpoch} for job ${job.id}, got ${epoch}`);
    if (epoch > job.retrainedEpoch + 1) throw new HttpError(409, `job ${job.id} expected retrained epoch ${job.retrainedEpoch + 1}, got ${epoch}`);
    renewLease(job.id, agent, waiter.spec.leaseSeconds * 1000);
    if (!markRetrained(job.id, epoch)) return "continue";
    const note = `agent '${agent}' had no checkpoint at epoch ${job.fromEpoch} and trains epochs 1..${job.fromEpoch} again`;
    const decision = waiter.request.retrain?.(epoch, note) ?? "continue";
    if (decision !== "continue") this.close(job.id, null);
    return decision;
  }

  /**
   * The agent lets go of a job before its end (it got SIGTERM): the job goes back on the queue from
   * its last acknowledged epoch, whatever the study's `requeue` says, held by this agent's checkpoint.
   * A leaving agent is no longer alive, so the job does not wait for it.
   */
  release(studyId: number, jobId: number, agent: string, outcome: { leaving: boolean; message?: string }): void {
    const { job, waiter } = this.live(studyId, jobId, agent);
    requeueJob(jobId, !waiter.spec.sharedCheckpoints);
    logRelease(job, outcome.message ?? null);
    if (outcome.leaving) this.seen.delete(`${studyId}\u0000${agent}`);
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
    try {
      for (const job of expiredJobs(nowMs)) {
        // A study paused by a disk fault answers its agents 503: their leases wait for the resume.
        if (studyFault(job.studyId) !== null) continue;
        const waiter = this.waiters.get(job.id);
        // An agent that stopped renewing is presumed gone until it calls again: its job does not wait for it.
        if (job.agent) this.seen.delete(`${job.studyId}\u0000${job.agent}`);
        if (waiter?.spec.requeue) requeueJob(job.id, !waiter.spec.sharedCheckpoints);
        else this.close(job.id, new Error(`stale: agent '${job.agent}' stopped renewing its lease`));
      }
    } catch (error) {
      // A locked or full database: the next sweep, a second later, tries again.
      if (!dbFaultOf(error)) throw error;
    }
  }
}

const key = Symbol.for("hypersieve.agent-board");
const holder = globalThis as unknown as { [key]?: AgentBoard };

/** This process's agent board. */
export function getAgentBoard(): AgentBoard {
  return (holder[key] ??= new AgentBoard());
}
