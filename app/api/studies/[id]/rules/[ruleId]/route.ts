import { handle, methodNotAllowed, readJson } from "@/lib/api/http";
import { ruleIdOf, studyIdOf } from "@/lib/api/route-params";
import { ruleDecisionSchema } from "@/lib/api/schemas";
import { decideRule } from "@/lib/engine/studies";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Accepts (activates) or rejects a rule; rejecting a user rule withdraws it. */
export function PATCH(request: Request, context: { params: Promise<{ id: string; ruleId: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    const ruleId = await ruleIdOf(context);
    const { status } = await readJson(request, ruleDecisionSchema);
    return Response.json(decideRule(id, ruleId, status));
  });
}

const notAllowed = methodNotAllowed("PATCH");
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as DELETE };
