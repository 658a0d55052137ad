// The built app as every entry serves it (scripts/server.mjs, in this process, on PORT), with an event-loop
// delay monitor that bench/load.ts resets and reads over IPC: the longest stall of the server's event loop
// during a measured phase, and the CPU time it used.
import { monitorEventLoopDelay } from "node:perf_hooks";

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
await import("../scripts/server.mjs");
// `--path next`: every request through Next, the agents' fast path taken away, for a comparison on one build.
if (process.env.LOAD_PATH === "next") delete globalThis[Symbol.for("hypersieve.agentFastPath")];
