/**
 * What each agent route does, as functions over a request's headers and body
 * text: the Next routes (app/api/agent/) and the server's fast path
 * (agent-fast-path.ts) both answer through these, so both apply the same
 * checks, in the same order, and give the same answers.
 */
import "server-only";
import type { z } from "zod";
import { getAgentBoard } from "../engine/agent-board";
import { getEngine } from "../engine/engine";
import { agentFinishSchema, agentReleaseSchema, agentRenewSchema, agentReportSchema, claimSchema } from "./agent";
import { agentSchemaGuard } from "./agent-guard";
import { requireOpenStudy } from "./agent-routes";
import type { BodySource } from "./http";

/** An agent route's answer when it succeeds: a JSON body, or none (204: no job waits). */
export type AgentAnswer = { status: 200; body: unknown } | { status: 204; body: null };

const ok = (body: unknown): AgentAnswer => ({ status: 200, body });

/** An agent asks for a job: the job (a lease), none (204), or a 410 once the study is over. */
export async function claimAction(request: BodySource): Promise<AgentAnswer> {
  const body = await agentSchemaGuard(request, claimSchema);
  requireOpenStudy(body.study);
  getEngine().start();
  const job = getAgentBoard().claim(body.study, body.agent);
  return job ? ok(job) : { status: 204, body: null };
}

/** A route on one job: its body's schema, then the board's answer. */
function jobAction<S extends z.ZodType<{ study: number }>>(schema: S, run: (body: z.infer<S>, job: number) => AgentAnswer) {
  return async (job: number, request: BodySource): Promise<AgentAnswer> => run(await agentSchemaGuard(request, schema), job);
}

/** The routes under /api/agent/jobs/[job]/, by their last path segment. */
export const jobActions = {
  /** One epoch's value; stored before the answer (continue, pause or stop) is sent. */
  report: jobAction(agentReportSchema, (b, job) =>
    ok({ decision: getAgentBoard().report(b.study, job, b.agent, b.epoch, b.value ?? NaN, b.extra, b.retrained === true) }),
  ),
  /** Renews an agent's lease on a job; 409 tells it to stop. */
  renew: jobAction(agentRenewSchema, (b, job) => ok(getAgentBoard().renew(b.study, job, b.agent))),
  /** The agent's program ended on its own (exited or failed). */
  finish: jobAction(agentFinishSchema, (b, job) => {
    getAgentBoard().finish(b.study, job, b.agent, { status: b.status, message: b.message });
    return ok({ ok: true });
  }),
  /** The agent lets go of a job before its end (SIGTERM): it goes back on the queue from its last acknowledged epoch. */
  release: jobAction(agentReleaseSchema, (b, job) => {
    getAgentBoard().release(b.study, job, b.agent, { leaving: b.leaving, message: b.message });
    return ok({ ok: true });
  }),
};

export type JobActionName = keyof typeof jobActions;
