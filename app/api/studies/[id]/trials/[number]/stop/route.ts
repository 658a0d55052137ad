import { handle, methodNotAllowed } from "@/lib/api/http";
import { studyIdOf, trialNumberOf } from "@/lib/api/route-params";
import { stopTrial } from "@/lib/engine/studies";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Stops one running or paused trial; it keeps what it reported. */
export function POST(_request: Request, context: { params: Promise<{ id: string; number: string }> }) {
  return handle(async () => {
    const id = await studyIdOf(context);
    const number = await trialNumberOf(context);
    return Response.json(await stopTrial(id, number));
  });
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
