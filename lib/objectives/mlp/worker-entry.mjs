// The worker thread's entry, plain JavaScript so that Node runs it without a build step:
// tsx compiles the TypeScript worker on the fly, under next start, next dev, vitest and tsx alike.
import { parentPort } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

try {
  const mod = await tsImport("./worker.ts", import.meta.url);
  const serveJobs = mod.serveJobs ?? mod.default?.serveJobs;
  if (typeof serveJobs !== "function") throw new Error("worker.ts exports no serveJobs");
  serveJobs(parentPort);
} catch (error) {
  parentPort.postMessage({ type: "boot-error", message: String(error?.stack ?? error) });
}
