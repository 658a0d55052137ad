// The effects worker's entry, plain JavaScript so that Node runs it without a build step: it loads the bundle
// dist/effects-worker.mjs (scripts/build-cli.mjs) while no source is newer, else tsx compiles the TypeScript on the
// fly (about a second of CPU), under next start, next dev, vitest and tsx alike.
// Started with a job (workerData.job), it runs that one; started without, it stays and runs
// the jobs it is sent ({id, job}), answering each with its id, so TypeScript is compiled once; with workerData.warmUp
// it first runs a made-up sieve round a few times (warmUpRound in effects-worker.ts), so V8 has compiled the tests.
import { parentPort, workerData } from "node:worker_threads";
import { bundleIsCurrent } from "../../scripts/bundle-current.mjs";

async function load() {
  if (bundleIsCurrent("effects-worker")) return import(new URL("../../dist/effects-worker.mjs", import.meta.url).href);
  const { tsImport } = await import("tsx/esm/api");
  return tsImport("./effects-worker.ts", import.meta.url);
}

try {
  const mod = await load();
  const serveEffects = mod.serveEffects ?? mod.default?.serveEffects;
  if (typeof serveEffects !== "function") throw new Error("effects-worker.ts exports no serveEffects");
  if (workerData?.job !== undefined) serveEffects(parentPort, workerData.job);
  else {
    parentPort.on("message", ({ id, job }) => serveEffects({ postMessage: (message) => parentPort.postMessage({ ...message, id }) }, job));
    // The sieve's rounds' thread warms up on a made-up round, one run a turn, so a job sent meanwhile waits for one run at most.
    const warmUpRound = mod.warmUpRound ?? mod.default?.warmUpRound;
    if (workerData?.warmUp && typeof warmUpRound === "function") {
      const job = warmUpRound();
      const warm = (left) => setImmediate(() => {
        serveEffects({ postMessage() {} }, job);
        if (left > 1) warm(left - 1);
      });
      warm(3);
    }
  }
} catch (error) {
  parentPort.postMessage({ type: "boot-error", message: String(error?.stack ?? error) });
}
