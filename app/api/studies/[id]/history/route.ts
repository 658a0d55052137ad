import { getHistory } from "@/db/dashboard";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId } from "@/lib/api/route-params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Best-so-far value against epochs spent. */
export function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => Response.json(getHistory(await existingStudyId(context))));
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
