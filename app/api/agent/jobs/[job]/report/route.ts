import { jobActions } from "@/lib/api/agent-actions";
import { agentResponse, jobIdOf } from "@/lib/api/agent-routes";
import { handle, methodNotAllowed } from "@/lib/api/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** One epoch's value from an agent; stored before the answer (continue, pause or stop) is sent. The server's fast path answers the same (lib/api/agent-fast-path.ts). */
export function POST(request: Request, context: { params: Promise<{ job: string }> }) {
  return handle(async () => agentResponse(await jobActions.report(await jobIdOf(context), request)));
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
