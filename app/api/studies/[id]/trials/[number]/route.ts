import { getTrialDetail } from "@/db/dashboard";
import { handle, methodNotAllowed, readJson } from "@/lib/api/http";
import { existingStudyId, found, trialNumberOf } from "@/lib/api/route-params";
import { annotationSchema } from "@/lib/api/schemas";
import { annotateTrialOf } from "@/lib/engine/study-admin";

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

/** Sets the trial's notes and/or tags. */
export function PATCH(request: Request, context: { params: Promise<{ id: string; number: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const number = await trialNumberOf(context);
    const input = await readJson(request, annotationSchema);
    return Response.json(annotateTrialOf(id, number, input));
  });
}

const notAllowed = methodNotAllowed("GET", "PATCH");
export { notAllowed as POST, notAllowed as PUT, notAllowed as DELETE };
