import { handle, methodNotAllowed, readJson } from "@/lib/api/http";
import { studyIdOf } from "@/lib/api/route-params";
import { userRuleSchema } from "@/lib/api/schemas";
import { addUserRule } from "@/lib/engine/studies";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Adds a user rule (pin, range or exclusion) to a running or paused study. */
export function POST(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    const input = await readJson(request, userRuleSchema);
    return Response.json(addUserRule(id, input), { status: 201 });
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
