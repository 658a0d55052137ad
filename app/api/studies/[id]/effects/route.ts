import { handle, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId } from "@/lib/api/route-params";
import { studyEffects } from "@/lib/engine/study-analysis";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The sieve's effect tests run on the study's stored trials, whatever its strategy (cached per number of reports). */
export function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    return Response.json(studyEffects(id));
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
