import { handle, readJson } from "@/lib/api/http";
import { studyIdOf } from "@/lib/api/route-params";
import { ruleDecisionSchema } from "@/lib/api/schemas";
import { decideRule } from "@/lib/engine/studies";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Accepts (activates) or rejects a rule; rejecting a user rule withdraws it. */
export function PATCH(request: Request, context: { params: Promise<{ id: string; ruleId: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    const { ruleId } = await context.params;
    const { status } = await readJson(request, ruleDecisionSchema);
    return Response.json(decideRule(id, decodeURIComponent(ruleId), status));
  });
}
