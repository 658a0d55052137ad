import { getStudyDetail, STUDY_TRIALS_LIMIT } from "@/db/queries";
import { handle, methodNotAllowed, readJson } from "@/lib/api/http";
import { found, studyIdOf } from "@/lib/api/route-params";
import { annotationSchema } from "@/lib/api/schemas";
import { annotateStudyOf, deleteStudy } from "@/lib/engine/study-admin";

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

/** Sets the study's notes and/or tags: `{"notes": "…", "tags": ["baseline"]}`. */
export function PATCH(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    const input = await readJson(request, annotationSchema);
    return Response.json(annotateStudyOf(id, input));
  });
}

/** Deletes a study that is not running or paused: its rows and its checkpoint folder. */
export function DELETE(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    return Response.json(deleteStudy(id));
  });
}

const notAllowed = methodNotAllowed("GET", "PATCH", "DELETE");
export { notAllowed as POST, notAllowed as PUT };
