// The effects worker's entry, plain JavaScript so that Node runs it without a build step:
// tsx compiles the TypeScript on the fly, under next start, next dev, vitest and tsx alike.
import { parentPort, workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

try {
  const mod = await tsImport("./effects-worker.ts", import.meta.url);
  const serveEffects = mod.serveEffects ?? mod.default?.serveEffects;
  if (typeof serveEffects !== "function") throw new Error("effects-worker.ts exports no serveEffects");
  serveEffects(parentPort, workerData.job);
} catch (error) {
  parentPort.postMessage({ type: "boot-error", message: String(error?.stack ?? error) });
}
