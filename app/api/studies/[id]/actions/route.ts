import { handle, methodNotAllowed, readJson } from "@/lib/api/http";
import { studyIdOf } from "@/lib/api/route-params";
import { studyActionSchema } from "@/lib/api/schemas";
import { applyStudyAction } from "@/lib/engine/studies";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function POST(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    const { action } = await readJson(request, studyActionSchema);
    return Response.json(await applyStudyAction(id, action));
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
