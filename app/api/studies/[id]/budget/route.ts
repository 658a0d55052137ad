import { handle, methodNotAllowed, readJson } from "@/lib/api/http";
import { studyIdOf } from "@/lib/api/route-params";
import { extendBudgetSchema } from "@/lib/api/schemas";
import { extendBudget } from "@/lib/engine/study-admin";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Raises a completed or stopped study's budget to `value` (same kind) and lets it go on where it was. */
export function POST(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    const { value } = await readJson(request, extendBudgetSchema);
    return Response.json(extendBudget(id, value));
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
