import { handle } from "@/lib/api/http";
import { listObjectives } from "@/lib/objectives/registry";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET() {
  return handle(() => Response.json(listObjectives()));
}
