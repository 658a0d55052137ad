import { agentSchemaGuard } from "@/lib/api/agent-guard";
import { claimSchema } from "@/lib/api/agent";
import { agentJson, requireOpenStudy } from "@/lib/api/agent-routes";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { getAgentBoard } from "@/lib/engine/agent-board";
import { getEngine } from "@/lib/engine/engine";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** An agent asks for a job: 200 with the job (a lease), 204 when none waits, 410 once the study is over. */
export function POST(request: Request) {
  return handle(async () => {
    const body = await agentSchemaGuard(request, claimSchema);
    requireOpenStudy(body.study);
    getEngine().start();
    const job = getAgentBoard().claim(body.study, body.agent);
    return job ? agentJson(job) : new Response(null, { status: 204 });
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
