import { getCurvesDownsampled } from "@/db/dashboard";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId, queryOf } from "@/lib/api/route-params";
import { curvesQuerySchema } from "@/lib/api/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Learning curves, chosen and downsampled on the server: the best, the running, a sample of the rest. */
export function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const { limit, points } = queryOf(request, curvesQuerySchema);
    return Response.json(getCurvesDownsampled(id, limit, points));
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
