import { listStudies } from "@/db/queries";
import { handle, methodNotAllowed, readJson } from "@/lib/api/http";
import { createStudySchema } from "@/lib/api/schemas";
import { createStudy } from "@/lib/engine/studies";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET() {
  return handle(() => Response.json(listStudies()));
}

export function POST(request: Request) {
  return handle(async () => {
    const input = await readJson(request, createStudySchema);
    return Response.json(createStudy(input), { status: 201 });
  });
}

const notAllowed = methodNotAllowed("GET", "POST");
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
