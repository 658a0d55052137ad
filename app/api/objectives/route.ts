import { handle, methodNotAllowed } from "@/lib/api/http";
import { listObjectives } from "@/lib/objectives/registry";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET() {
  return handle(() => Response.json(listObjectives()));
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
