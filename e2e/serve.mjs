// Serves the built app in this one process (no child server process), so that
// a SIGKILL to it is a real crash of the whole server. Used by the crash and load tests.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";

const port = Number(process.argv[2] ?? 3131);
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const app = next({ dev: false, dir, hostname: "127.0.0.1", port });
await app.prepare();
const handle = app.getRequestHandler();
http.createServer((req, res) => handle(req, res)).listen(port, "127.0.0.1");
