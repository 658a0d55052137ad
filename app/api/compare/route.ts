import { getComparison } from "@/db/compare";
import type { CompareResponse } from "@/lib/api/compare-schema";
import { compareQuerySchema } from "@/lib/api/compare-schema";
import { handle, HttpError, methodNotAllowed, parseWith } from "@/lib/api/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Several studies side by side: each one's summary and best-so-far against the epochs it spent (`?ids=1,2,3`). */
export function GET(request: Request) {
  return handle(() => {
    const params = new URL(request.url).searchParams;
    const raw = params.getAll("ids");
    const { ids } = parseWith(compareQuerySchema, { ids: raw.length === 0 ? undefined : raw }, "query");
    const { series, missing } = getComparison(ids);
    if (missing.length > 0) throw new HttpError(404, `${missing.length === 1 ? "study" : "studies"} ${missing.join(", ")} ${missing.length === 1 ? "does" : "do"} not exist`);
    return Response.json({ series } satisfies CompareResponse);
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
