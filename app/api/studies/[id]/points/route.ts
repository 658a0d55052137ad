import { getTrialPoints } from "@/db/explore";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { pointsQuerySchema } from "@/lib/api/explore-schemas";
import { existingStudyId, queryOf } from "@/lib/api/route-params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Every trial (or a bounded sample) as one point: params, unit coordinates, best and last value; and the best so far by trial number. */
export function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const { limit } = queryOf(request, pointsQuerySchema);
    return Response.json(getTrialPoints(id, limit));
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
