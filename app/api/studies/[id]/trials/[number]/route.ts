import { getTrialDetail } from "@/db/dashboard";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId, found, trialNumberOf } from "@/lib/api/route-params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** One trial: its curve, extra metrics and events. */
export function GET(_request: Request, context: { params: Promise<{ id: string; number: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const number = await trialNumberOf(context);
    return Response.json(found(getTrialDetail(id, number), id, `trial ${number} of study ${id}`));
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
