import { getAnalysis, getStudyRecord } from "@/db/queries";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { found, studyIdOf } from "@/lib/api/route-params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The sieve's analysis rounds (effects, rules, subspace) and the study's rules. */
export function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    found(getStudyRecord(id), id);
    return Response.json(getAnalysis(id));
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
