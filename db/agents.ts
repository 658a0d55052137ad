/**
 * Agent jobs and tokens. A job is claimed in one atomic statement, so two
 * agents never get the same one; its lease is renewed while it trains.
 */
import "server-only";
import { and, asc, desc, eq, inArray, isNull, lt, notInArray, or, sql } from "drizzle-orm";
import { getDb } from "./client";
import { statement } from "./prepared";
import { agentJobs, agentTokens, events, trials } from "./schema";

export type AgentJob = typeof agentJobs.$inferSelect;

const now = () => new Date().toISOString();

/** Stores the hash of a study's agent token, replacing any earlier one. */
export function setAgentTokenHash(studyId: number, tokenHash: string): void {
  getDb()
    .insert(agentTokens)
    .values({ studyId, tokenHash, createdAt: now() })
    .onConflictDoUpdate({ target: agentTokens.studyId, set: { tokenHash, createdAt: now() } })
    .run();
}

/** The stored hash of a study's agent token, or undefined. */
export function getAgentTokenHash(studyId: number): string | undefined {
  return (statement("select token_hash as h from agent_tokens where study_id = ?").get(studyId) as { h: string } | undefined)?.h;
}

/** The agent that last trained a trial (and so holds its checkpoint), or null when no agent has. */
export function lastAgentOf(studyId: number, trialNumber: number): string | null {
  const last = getDb()
    .select({ agent: agentJobs.agent })
    .from(agentJobs)
    .where(and(eq(agentJobs.studyId, studyId), eq(agentJobs.trialNumber, trialNumber)))
    .orderBy(desc(agentJobs.id))
    .limit(1)
    .get();
  return last?.agent ?? null;
}

/** Puts a job on the queue; `holder` is the agent that holds the trial's checkpoint at fromEpoch, if any. */
export function enqueueJob(job: { studyId: number; trialNumber: number; params: unknown; fromEpoch: number; toEpoch: number; seed: number; holder?: string | null }): number {
  const t = now();
  return getDb()
    .insert(agentJobs)
    .values({ ...job, holder: job.holder ?? null, status: "queued", lastEpoch: job.fromEpoch, createdAt: t, updatedAt: t })
    .returning({ id: agentJobs.id })
    .get().id;
}

/**
 * Claims a queued job of a study for an agent, in one statement; undefined when none is queued for it.
 * The agent's own held jobs (it has their checkpoints) come first, then the oldest. A job held by an
 * agent in `reserved` (alive, so it will come back for it) is left to that agent until it has waited
 * since `waitedBeforeIso`.
 */
export function claimJob(
  studyId: number,
  agent: string,
  leaseMs: number,
  affinity: { reserved: readonly string[]; waitedBeforeIso: string } = { reserved: [], waitedBeforeIso: "" },
  nowMs = Date.now(),
): AgentJob | undefined {
  const open = or(isNull(agentJobs.holder), notInArray(agentJobs.holder, [...affinity.reserved]), lt(agentJobs.updatedAt, affinity.waitedBeforeIso));
  return getDb()
    .update(agentJobs)
    .set({ status: "leased", agent, leaseExpiresAt: nowMs + leaseMs, updatedAt: now() })
    .where(
      eq(
        agentJobs.id,
        sql`(select ${agentJobs.id} from ${agentJobs} where ${agentJobs.studyId} = ${studyId} and ${agentJobs.status} = 'queued' and ${open}
             order by coalesce(${agentJobs.holder} = ${agent}, 0) desc, ${agentJobs.id} limit 1)`,
      ),
    )
    .returning()
    .get();
}

type JobRow = {
  id: number;
  studyId: number;
  trialNumber: number;
  params: string;
  fromEpoch: number;
  toEpoch: number;
  seed: number;
  status: AgentJob["status"];
  agent: string | null;
  leaseExpiresAt: number | null;
  lastEpoch: number;
  createdAt: string;
  updatedAt: string;
  holder: string | null;
  retrainedEpoch: number;
};

/** A study's status, or undefined when it does not exist (read on every claim). */
export function getStudyStatus(studyId: number): string | undefined {
  return (statement("select status from studies where id = ?").get(studyId) as { status: string } | undefined)?.status;
}

/** One job, or undefined (read on every report: a statement prepared once). */
export function getJob(id: number): AgentJob | undefined {
  const row = statement(
    `select id, study_id as studyId, trial_number as trialNumber, params, from_epoch as fromEpoch, to_epoch as toEpoch, seed, status, agent,
            lease_expires_at as leaseExpiresAt, last_epoch as lastEpoch, created_at as createdAt, updated_at as updatedAt,
            holder, retrained_epoch as retrainedEpoch
     from agent_jobs where id = ?`,
  ).get(id) as JobRow | undefined;
  return row && { ...row, params: JSON.parse(row.params) as unknown };
}

/** Extends a live lease held by this agent; false when it is not (expired unless `evenExpired`: the sweeper has not ended it yet; done; or someone else's). */
export function renewLease(id: number, agent: string, leaseMs: number, nowMs = Date.now(), evenExpired = false): boolean {
  const r = getDb()
    .update(agentJobs)
    .set({ leaseExpiresAt: nowMs + leaseMs, updatedAt: now() })
    .where(and(eq(agentJobs.id, id), eq(agentJobs.status, "leased"), eq(agentJobs.agent, agent), evenExpired ? undefined : sql`${agentJobs.leaseExpiresAt} >= ${nowMs}`))
    .run();
  return r.changes === 1;
}

/**
 * After a stored report, in one statement: the job's last epoch (when it
 * grew) and its lease, extended while this agent still holds it (even past
 * its expiry: an expired lease is the sweeper's to end, and it keeps those
 * of a study paused by a disk fault).
 */
export function noteReport(id: number, agent: string, epoch: number, leaseMs: number, nowMs = Date.now()): void {
  statement(
    `update agent_jobs set last_epoch = max(last_epoch, ?), updated_at = ?,
       lease_expires_at = case when status = 'leased' and agent = ? then ? else lease_expires_at end
     where id = ?`,
  ).run(epoch, now(), agent, nowMs + leaseMs, id);
}

/** Closes a job. */
export function finishJob(id: number): void {
  getDb().update(agentJobs).set({ status: "done", updatedAt: now() }).where(eq(agentJobs.id, id)).run();
}

/**
 * Puts a leased job back on the queue, to go on from its last reported epoch: a stale lease, or an agent
 * that let go of it (SIGTERM). The agent that held the lease holds the checkpoint of that epoch (unless
 * the study's checkpoints are shared, `keepHolder` false).
 */
export function requeueJob(id: number, keepHolder = true): void {
  getDb()
    .update(agentJobs)
    .set({ status: "queued", holder: keepHolder ? sql`${agentJobs.agent}` : null, agent: null, leaseExpiresAt: null, fromEpoch: sql`${agentJobs.lastEpoch}`, updatedAt: now() })
    .where(eq(agentJobs.id, id))
    .run();
}

/**
 * Notes that an agent trained epoch `epoch` of a job again (in order from 1); false for a repeat, which
 * must not be charged twice.
 */
export function markRetrained(id: number, epoch: number): boolean {
  return (
    getDb()
      .update(agentJobs)
      .set({ retrainedEpoch: epoch, updatedAt: now() })
      .where(and(eq(agentJobs.id, id), eq(agentJobs.retrainedEpoch, epoch - 1)))
      .run().changes === 1
  );
}

/** Logs that an agent let go of a job before its end (SIGTERM): the job is queued again from `lastEpoch`. */
export function logRelease(job: AgentJob, message: string | null): void {
  const trialId = sql`(select ${trials.id} from ${trials} where ${trials.studyId} = ${job.studyId} and ${trials.number} = ${job.trialNumber})`;
  const payload = { trial: job.trialNumber, agent: job.agent, lastEpoch: job.lastEpoch, toEpoch: job.toEpoch, reason: message };
  getDb().insert(events).values({ studyId: job.studyId, trialId, type: "trial_released", payload, createdAt: now() }).run();
}

/** Leased jobs whose lease has passed. */
export function expiredJobs(nowMs = Date.now()): AgentJob[] {
  return getDb().select().from(agentJobs).where(and(eq(agentJobs.status, "leased"), lt(agentJobs.leaseExpiresAt, nowMs))).orderBy(asc(agentJobs.id)).all();
}

/** Closes every open job (after a restart, their trials were marked interrupted). */
export function closeOpenJobs(): number {
  return getDb().update(agentJobs).set({ status: "done", updatedAt: now() }).where(inArray(agentJobs.status, ["queued", "leased"])).run().changes;
}
