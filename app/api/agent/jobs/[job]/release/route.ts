import { agentReleaseSchema } from "@/lib/api/agent";
import { agentSchemaGuard } from "@/lib/api/agent-guard";
import { jobIdOf } from "@/lib/api/agent-routes";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { getAgentBoard } from "@/lib/engine/agent-board";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The agent lets go of a job before its end (SIGTERM): it goes back on the queue from its last acknowledged epoch. */
export function POST(request: Request, context: { params: Promise<{ job: string }> }) {
  return handle(async () => {
    const job = await jobIdOf(context);
    const body = await agentSchemaGuard(request, agentReleaseSchema);
    getAgentBoard().release(body.study, job, body.agent, { leaving: body.leaving, message: body.message });
    return Response.json({ ok: true });
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
