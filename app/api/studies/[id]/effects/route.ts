import { effectsQuerySchema } from "@/lib/api/explore-schemas";
import { handle, HttpError, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId, queryOf } from "@/lib/api/route-params";
import { studyEffects } from "@/lib/engine/study-analysis";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The sieve's effect tests run on the study's stored trials, whatever its strategy (cached per number of reports). */
export function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const { epoch } = queryOf(request, effectsQuerySchema);
    try {
      return Response.json(await studyEffects(id, epoch));
    } catch (error) {
      if (error instanceof RangeError) throw new HttpError(400, `epoch: ${error.message}`, [{ path: "epoch", message: error.message }]);
      throw error;
    }
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
