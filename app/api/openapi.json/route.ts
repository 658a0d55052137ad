import { handle, methodNotAllowed } from "@/lib/api/http";
import { openApiDocument } from "@/lib/api/openapi";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 description of this API. */
export function GET() {
  return handle(() => Response.json(openApiDocument()));
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
