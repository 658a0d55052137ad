/**
 * The Node.js side of instrumentation.ts: kept in its own module so that
 * Next's Edge compile of instrumentation.ts never sees Node APIs.
 */
import "server-only";
import { databaseFile } from "./db/client";
import { AGENT_FAST_PATH, agentFastPath } from "./lib/api/agent-fast-path";
import { isDatabaseInUse } from "./lib/api/http";
import { listeningAddresses } from "./lib/api/listen-address";
import { establishServerToken } from "./lib/api/server-token-file";
import { getEngine } from "./lib/engine/engine";
import { signalAllGroups } from "./lib/objectives/process-group";

/**
 * Starts this server process's study runner once, recovering studies that were running; sets the server
 * token, registers the agents' fast path and prints the address to open; and stops training programs on SIGTERM/SIGINT. A database this
 * process cannot own or use ends the process with the cause: a server that cannot keep records must not serve.
 */
export function startServer(): void {
  try {
    getEngine().start();
  } catch (error) {
    if (isDatabaseInUse(error)) {
      // One process drives a database's studies: a second server must not start on it.
      console.error(`[hypersieve] refusing to start: ${(error as Error).message}. Stop that process, or set HYPERSIEVE_DB to another file.`);
    } else {
      console.error(`[hypersieve] refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(1);
  }
  let token: string;
  try {
    token = establishServerToken(databaseFile()).token;
  } catch (error) {
    console.error(`[hypersieve] refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // The server entry (scripts/server.mjs) offers agents' requests to it before Next: same process, same engine.
  (globalThis as Record<symbol, unknown>)[AGENT_FAST_PATH] = agentFastPath;
  console.log(`[hypersieve] open ${serverUrl()}/?token=${token}\n[hypersieve] (the token is also in ${databaseFile()}.token, readable only by this user; state-changing requests need it)`);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      // Training programs get SIGTERM now, so they can save a checkpoint while the server closes; the exit SIGKILLs what is left.
      signalAllGroups("SIGTERM");
      // Next's own handler exits; a custom server without one must still stop on the signal.
      if (process.listenerCount(signal) === 1) process.exit(signal === "SIGTERM" ? 143 : 130);
    });
  }
}

/** The address a person opens: the socket's own address, or HOST for a wildcard one, and its port. */
function serverUrl(): string {
  const listening = listeningAddresses()[0];
  const wildcard = !listening || listening.address === "0.0.0.0" || listening.address === "::";
  const host = wildcard ? (process.env.HOST && process.env.HOST !== "0.0.0.0" ? process.env.HOST : "127.0.0.1") : listening.address;
  const port = listening?.port ?? process.env.PORT ?? 3000;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
