import { getStudyDetail, STUDY_TRIALS_LIMIT } from "@/db/queries";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { found, studyIdOf } from "@/lib/api/route-params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    // ?trials=all for every trial; by default a bounded selection, as the live page polls it every second.
    const all = new URL(_request.url).searchParams.get("trials") === "all";
    return Response.json(found(getStudyDetail(id, all ? undefined : STUDY_TRIALS_LIMIT), id));
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
