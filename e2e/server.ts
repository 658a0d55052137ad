/** Starts and kills real servers (scripts/server.mjs, as `npm start` runs it) on the end-to-end build, for crash and load tests. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

// In the spawned process itself (no `npm start` wrapper), so that a SIGKILL to it is a real crash of the whole server.
const serveScript = path.join(__dirname, "..", "scripts", "server.mjs");

export type Server = { url: string; process: ChildProcess };

export async function startServer(port: number, dbFile: string): Promise<Server> {
  // A server left over on the port would answer for ours, with another database.
  const busy = await fetch(`http://127.0.0.1:${port}/api/objectives`).then(() => true, () => false);
  if (busy) throw new Error(`port ${port} is already in use; stop what listens there`);
  const child = spawn(process.execPath, [serveScript], {
    cwd: path.join(__dirname, ".."),
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", HYPERSIEVE_DB: dbFile, NEXT_DIST_DIR: process.env.E2E_DIST_DIR ?? ".next-e2e", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const start = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/api/objectives`)).ok) return { url, process: child };
    } catch {}
    if (child.exitCode !== null || child.signalCode !== null || Date.now() - start > 60_000) throw new Error(`server on ${port} did not start: ${stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGKILL to the server (one process, and its group): no shutdown code runs. */
export async function killServer(server: Server): Promise<void> {
  try {
    process.kill(-server.process.pid!, "SIGKILL");
  } catch {}
  if (server.process.exitCode === null && server.process.signalCode === null) await new Promise((r) => server.process.once("exit", r));
}

/** The server token every test server gets (playwright.config.ts sets HYPERSIEVE_TOKEN), as request headers. */
export function tokenHeaders(): Record<string, string> {
  return { authorization: `Bearer ${process.env.HYPERSIEVE_TOKEN}` };
}

/** A GET, or a POST of `body`, carrying the server token; throws on a status other than 2xx. */
export async function api<T>(url: string, pathname: string, body?: unknown): Promise<T> {
  const response = await fetch(
    `${url}${pathname}`,
    body === undefined ? { headers: tokenHeaders() } : { method: "POST", headers: { "content-type": "application/json", ...tokenHeaders() }, body: JSON.stringify(body) },
  );
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
