/** Helpers of the agent routes: the job id from the path, and the study's liveness. */
import "server-only";
import { getStudyStatus } from "../../db/agents";
import { HttpError, parseWith } from "./http";
import { paramsOf } from "./route-params";
import { decimalIdSchema } from "./schemas";

/** The job id of an agent route, or a 400 naming it. */
export async function jobIdOf(context: { params: Promise<{ job: string }> }): Promise<number> {
  const { job } = await paramsOf(context);
  return jobIdFrom(job);
}

// Built once: a zod schema costs more to build than to run, and every report parses a job id.
const jobIdSchema = decimalIdSchema("a job id");

/** A job id from its (decoded) path segment, or a 400 naming it. */
export function jobIdFrom(segment: string): number {
  return parseWith(jobIdSchema, segment, "job id");
}

/** A 410 once the study is over, so agents stop asking; 404 when it does not exist. */
export function requireOpenStudy(studyId: number): void {
  const status = getStudyStatus(studyId);
  if (!status) throw new HttpError(404, `study ${studyId} does not exist`);
  if (status !== "running" && status !== "paused") throw new HttpError(410, `study ${studyId} is ${status}: no more jobs`);
}

/**
 * A small JSON answer, never gzipped: Next would set up a gzip stream for
 * every report (its compression skips only bodies of known small length,
 * which a streamed Response is not, and answers marked no-transform).
 */
export function agentJson(body: unknown): Response {
  const text = JSON.stringify(body);
  return new Response(text, { headers: agentJsonHeaders(text) });
}

/** The headers of agentJson's answer with this text (the fast path sends the same). */
export function agentJsonHeaders(text: string): Record<string, string> {
  return { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), "cache-control": "no-store, no-transform" };
}

/** The Response for an agent action's answer. */
export function agentResponse(answer: { status: 200 | 204; body: unknown }): Response {
  return answer.status === 204 ? new Response(null, { status: 204 }) : agentJson(answer.body);
}
