import { agentRenewSchema } from "@/lib/api/agent";
import { agentSchemaGuard } from "@/lib/api/agent-guard";
import { agentJson, jobIdOf } from "@/lib/api/agent-routes";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { getAgentBoard } from "@/lib/engine/agent-board";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Renews an agent's lease on a job; 409 tells it to stop. */
export function POST(request: Request, context: { params: Promise<{ job: string }> }) {
  return handle(async () => {
    const job = await jobIdOf(context);
    const body = await agentSchemaGuard(request, agentRenewSchema);
    return agentJson(getAgentBoard().renew(body.study, job, body.agent));
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
