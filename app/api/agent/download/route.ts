import fs from "node:fs";
import path from "node:path";
import { errorResponse, handle, methodNotAllowed } from "@/lib/api/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The bundled agent (npm run build:agent), so a cluster node needs only Node: `curl -O http://server/api/agent/download`. */
export function GET() {
  return handle(async () => {
    const file = path.join(/*turbopackIgnore: true*/ process.cwd(), "dist", "hypersieve-agent.mjs");
    let body: Buffer;
    try {
      body = await fs.promises.readFile(file);
    } catch {
      return errorResponse(404, `the bundled agent ${file} is not built: run \`npm run build:agent\` (npm run build does it too)`);
    }
    return new Response(new Uint8Array(body), {
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "content-disposition": 'attachment; filename="hypersieve-agent.mjs"',
        "cache-control": "no-store",
      },
    });
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
