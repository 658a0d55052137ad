/**
 * Agent jobs and tokens. A job is claimed in one atomic statement, so two
 * agents never get the same one; its lease is renewed while it trains.
 */
import "server-only";
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import { getDb } from "./client";
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
  return getDb().select({ h: agentTokens.tokenHash }).from(agentTokens).where(eq(agentTokens.studyId, studyId)).get()?.h;
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

/** One job, or undefined. */
export function getJob(id: number): AgentJob | undefined {
  return getDb().select().from(agentJobs).where(eq(agentJobs.id, id)).get();
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

/** Notes the last epoch an agent reported for a job. */
export function setJobEpoch(id: number, epoch: number): void {
  getDb().update(agentJobs).set({ lastEpoch: epoch, updatedAt: now() }).where(eq(agentJobs.id, id)).run();
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
