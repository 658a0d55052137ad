import { agentFinishSchema } from "@/lib/api/agent";
import { agentSchemaGuard } from "@/lib/api/agent-guard";
import { agentJson, jobIdOf } from "@/lib/api/agent-routes";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { getAgentBoard } from "@/lib/engine/agent-board";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The agent's program ended on its own (exited or failed). */
export function POST(request: Request, context: { params: Promise<{ job: string }> }) {
  return handle(async () => {
    const job = await jobIdOf(context);
    const body = await agentSchemaGuard(request, agentFinishSchema);
    getAgentBoard().finish(body.study, job, body.agent, { status: body.status, message: body.message });
    return agentJson({ ok: true });
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
