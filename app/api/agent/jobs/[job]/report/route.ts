import { agentReportSchema } from "@/lib/api/agent";
import { agentSchemaGuard } from "@/lib/api/agent-guard";
import { agentJson, jobIdOf } from "@/lib/api/agent-routes";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { getAgentBoard } from "@/lib/engine/agent-board";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** One epoch's value from an agent; stored before the answer (continue, pause or stop) is sent. */
export function POST(request: Request, context: { params: Promise<{ job: string }> }) {
  return handle(async () => {
    const job = await jobIdOf(context);
    const body = await agentSchemaGuard(request, agentReportSchema);
    const decision = getAgentBoard().report(body.study, job, body.agent, body.epoch, body.value ?? NaN, body.extra, body.retrained === true);
    return agentJson({ decision });
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
