/**
 * Agent jobs and tokens. A job is claimed in one atomic statement, so two
 * agents never get the same one; its lease is renewed while it trains.
 */
import "server-only";
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import { getDb } from "./client";
import { statement } from "./prepared";
import { agentJobs, agentTokens } from "./schema";

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

/** Puts a job on the queue. */
export function enqueueJob(job: { studyId: number; trialNumber: number; params: unknown; fromEpoch: number; toEpoch: number; seed: number }): number {
  const t = now();
  return getDb()
    .insert(agentJobs)
    .values({ ...job, status: "queued", lastEpoch: job.fromEpoch, createdAt: t, updatedAt: t })
    .returning({ id: agentJobs.id })
    .get().id;
}

/** Claims the oldest queued job of a study for an agent, in one statement; undefined when none is queued. */
export function claimJob(studyId: number, agent: string, leaseMs: number, nowMs = Date.now()): AgentJob | undefined {
  return getDb()
    .update(agentJobs)
    .set({ status: "leased", agent, leaseExpiresAt: nowMs + leaseMs, updatedAt: now() })
    .where(
      eq(
        agentJobs.id,
        sql`(select ${agentJobs.id} from ${agentJobs} where ${agentJobs.studyId} = ${studyId} and ${agentJobs.status} = 'queued' order by ${agentJobs.id} limit 1)`,
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
};

/** A study's status, or undefined when it does not exist (read on every claim). */
export function getStudyStatus(studyId: number): string | undefined {
  return (statement("select status from studies where id = ?").get(studyId) as { status: string } | undefined)?.status;
}

/** One job, or undefined (read on every report: a statement prepared once). */
export function getJob(id: number): AgentJob | undefined {
  const row = statement(
    `select id, study_id as studyId, trial_number as trialNumber, params, from_epoch as fromEpoch, to_epoch as toEpoch, seed, status, agent,
            lease_expires_at as leaseExpiresAt, last_epoch as lastEpoch, created_at as createdAt, updated_at as updatedAt
     from agent_jobs where id = ?`,
  ).get(id) as JobRow | undefined;
  return row && { ...row, params: JSON.parse(row.params) as unknown };
}

/** Extends a live lease held by this agent; false when it is not (expired, done, or someone else's). */
export function renewLease(id: number, agent: string, leaseMs: number, nowMs = Date.now()): boolean {
  const r = statement("update agent_jobs set lease_expires_at = ?, updated_at = ? where id = ? and status = 'leased' and agent = ? and lease_expires_at >= ?").run(
    nowMs + leaseMs,
    now(),
    id,
    agent,
    nowMs,
  );
  return r.changes === 1;
}

/**
 * After a stored report, in one statement: the job's last epoch (when it
 * grew) and its lease, extended while this agent still holds it.
 */
export function noteReport(id: number, agent: string, epoch: number, leaseMs: number, nowMs = Date.now()): void {
  statement(
    `update agent_jobs set last_epoch = max(last_epoch, ?), updated_at = ?,
       lease_expires_at = case when status = 'leased' and agent = ? and lease_expires_at >= ? then ? else lease_expires_at end
     where id = ?`,
  ).run(epoch, now(), agent, nowMs, nowMs + leaseMs, id);
}

/** Closes a job. */
export function finishJob(id: number): void {
  getDb().update(agentJobs).set({ status: "done", updatedAt: now() }).where(eq(agentJobs.id, id)).run();
}

/** Puts a stale job back on the queue, to go on from its last reported epoch. */
export function requeueJob(id: number): void {
  getDb()
    .update(agentJobs)
    .set({ status: "queued", agent: null, leaseExpiresAt: null, fromEpoch: sql`${agentJobs.lastEpoch}`, updatedAt: now() })
    .where(eq(agentJobs.id, id))
    .run();
}

/** Leased jobs whose lease has passed. */
export function expiredJobs(nowMs = Date.now()): AgentJob[] {
  return getDb().select().from(agentJobs).where(and(eq(agentJobs.status, "leased"), lt(agentJobs.leaseExpiresAt, nowMs))).orderBy(asc(agentJobs.id)).all();
}

/** Closes every open job (after a restart, their trials were marked interrupted). */
export function closeOpenJobs(): number {
  return getDb().update(agentJobs).set({ status: "done", updatedAt: now() }).where(inArray(agentJobs.status, ["queued", "leased"])).run().changes;
}
