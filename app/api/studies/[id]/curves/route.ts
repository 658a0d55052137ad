import { getCurves, getStudyRecord } from "@/db/queries";
import { handle } from "@/lib/api/http";
import { found, studyIdOf } from "@/lib/api/route-params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    found(getStudyRecord(id), id);
    return Response.json(getCurves(id));
  });
}
