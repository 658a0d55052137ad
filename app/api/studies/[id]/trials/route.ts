import { getTrialsPage } from "@/db/dashboard";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId, queryOf } from "@/lib/api/route-params";
import { trialsQuerySchema } from "@/lib/api/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** One page of the study's trials, sorted and filtered on the server. */
export function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    return Response.json(getTrialsPage(id, queryOf(request, trialsQuerySchema)));
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
