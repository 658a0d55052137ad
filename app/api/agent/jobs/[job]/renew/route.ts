import { jobActions } from "@/lib/api/agent-actions";
import { agentResponse, jobIdOf } from "@/lib/api/agent-routes";
import { handle, methodNotAllowed } from "@/lib/api/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Renews an agent's lease on a job; 409 tells it to stop. The server's fast path answers the same (lib/api/agent-fast-path.ts). */
export function POST(request: Request, context: { params: Promise<{ job: string }> }) {
  return handle(async () => agentResponse(await jobActions.renew(await jobIdOf(context), request)));
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
