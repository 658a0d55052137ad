import { getStudyRecord } from "@/db/queries";
import { handle, HttpError, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId } from "@/lib/api/route-params";
import { issueAgentToken } from "@/lib/engine/agent-board";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Issues a new agent token for an agent study (the old one stops working); the token is shown only here. */
export function POST(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    if (getStudyRecord(id)!.objective !== "agent") throw new HttpError(409, `study ${id} does not run on agents`);
    return Response.json({ token: issueAgentToken(id) }, { status: 201 });
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
