import { claimAction } from "@/lib/api/agent-actions";
import { agentResponse } from "@/lib/api/agent-routes";
import { handle, methodNotAllowed } from "@/lib/api/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** An agent asks for a job: 200 with the job (a lease), 204 when none waits, 410 once the study is over. The server's fast path answers the same (lib/api/agent-fast-path.ts). */
export function POST(request: Request) {
  return handle(async () => agentResponse(await claimAction(request)));
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
