import { errorResponse } from "@/lib/api/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Any path under /api that no route serves: a JSON 404 naming it, never an HTML page. */
function notFound(request: Request) {
  return errorResponse(404, `no API route ${request.method} ${new URL(request.url).pathname}`);
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
