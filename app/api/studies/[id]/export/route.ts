import { exportStudy } from "@/db/dashboard";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId, queryOf } from "@/lib/api/route-params";
import { exportQuerySchema } from "@/lib/api/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Trials or measurements as a CSV or JSON download. */
export function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const { format, what } = queryOf(request, exportQuerySchema);
    return new Response(exportStudy(id, what, format), {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json",
        "content-disposition": `attachment; filename="study-${id}-${what}.${format}"`,
      },
    });
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
