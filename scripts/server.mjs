// The one way the built app is served: `npm start` runs it (scripts/start.mjs, as its child), and so do the
// end-to-end tests and the load bench. A node:http server over Next's request handler, in this one process;
// each request is first offered to the agents' fast path that the app registers at start-up
// (lib/api/agent-fast-path.ts, from instrumentation-node.ts), so agents' reports skip Next's request machinery.
// HOST (default 127.0.0.1) and PORT (default 3000) say where it listens.
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(path.join(dir, process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID"))) {
  console.error("No build found: run `npm run build` first (or `npm ci && npm run build && npm start`).");
  process.exit(1);
}
const host = process.env.HOST ?? "127.0.0.1";
const loopback = ["127.0.0.1", "localhost", "::1"].includes(host);
if (!loopback && process.env.HYPERSIEVE_ALLOW_REMOTE !== "1") {
  // The browser UI has no login: anyone who reaches the port can launch studies, and command studies run programs.
  console.error(`Refusing to listen on ${host}: Hypersieve has no login for the browser UI. Put it behind an authenticating proxy and set HYPERSIEVE_ALLOW_REMOTE=1 (and HYPERSIEVE_ALLOWED_HOSTS) if you really mean it.`);
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
// As `next start`: a production server unless told otherwise, set before Next and React load.
process.env.NODE_ENV ??= "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const { default: next } = await import("next");
const app = next({ dev: false, dir, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();
const fastPath = Symbol.for("hypersieve.agentFastPath");
const server = http.createServer((req, res) => {
  if (globalThis[fastPath]?.(req, res)) return;
  void handle(req, res);
});
server.on("error", (error) => {
  console.error(`[hypersieve] cannot listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});
server.listen(port, host);
