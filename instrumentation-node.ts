/**
 * The Node.js side of instrumentation.ts: kept in its own module so that
 * Next's Edge compile of instrumentation.ts never sees Node APIs.
 */
import "server-only";
import { isDatabaseInUse } from "./lib/api/http";
import { getEngine } from "./lib/engine/engine";
import { signalAllGroups } from "./lib/objectives/process-group";

/** Starts this server process's study runner once, recovering studies that were running, and stops training programs on SIGTERM/SIGINT. */
export function startServer(): void {
  try {
    getEngine().start();
  } catch (error) {
    if (isDatabaseInUse(error)) {
      // One process drives a database's studies: a second server must not start on it.
      console.error(`[hypersieve] refusing to start: ${(error as Error).message}. Stop that process, or set HYPERSIEVE_DB to another file.`);
      process.exit(1);
    }
    // An unusable database must not take every page down with a bare 500: the routes answer 503 naming the cause.
    console.error("[hypersieve] the study runner did not start:", error instanceof Error ? error.message : error);
  }
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      // Training programs get SIGTERM now, so they can save a checkpoint while the server closes; the exit SIGKILLs what is left.
      signalAllGroups("SIGTERM");
      // Next's own handler exits; a custom server without one must still stop on the signal.
      if (process.listenerCount(signal) === 1) process.exit(signal === "SIGTERM" ? 143 : 130);
    });
  }
}
