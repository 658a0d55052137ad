// The built app in one process (as e2e/serve.mjs), with an event-loop delay
// monitor that bench/load.ts resets and reads over IPC: the longest stall of
// the server's event loop during a measured phase, and the CPU time it used.
import http from "node:http";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import next from "next";

const port = Number(process.argv[2] ?? 3136);
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let cpu = process.cpuUsage();
process.on("message", (message) => {
  if (message === "reset") {
    delay.reset();
    cpu = process.cpuUsage();
  }
  if (message === "exit") process.exit(0);
  if (message === "read") {
    const used = process.cpuUsage(cpu);
    process.send?.({ maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, meanMs: delay.mean / 1e6, cpuMs: (used.user + used.system) / 1000 });
  }
});
const app = next({ dev: false, dir, hostname: "127.0.0.1", port });
await app.prepare();
const handle = app.getRequestHandler();
http.createServer((req, res) => handle(req, res)).listen(port, "127.0.0.1");
