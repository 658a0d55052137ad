import { getStudyRecord } from "@/db/queries";
import { getScatter } from "@/db/dashboard";
import { handle, HttpError, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId, queryOf } from "@/lib/api/route-params";
import { scatterQuerySchema } from "@/lib/api/schemas";
import type { Space } from "@/lib/optimizer/space";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Two parameters of the trials with each trial's best value, for the pair scatter. */
export function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const { x, y, limit } = queryOf(request, scatterQuerySchema);
    const space = getStudyRecord(id)!.space as Space;
    for (const [key, name] of [["x", x], ["y", y]] as const) {
      if (!space.some((p) => p.name === name)) throw new HttpError(400, `${key}: '${name}' is not a parameter of study ${id}`, [{ path: key, message: `unknown parameter '${name}'` }]);
    }
    return Response.json(getScatter(id, x, y, limit));
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
