// `npm start`: serves the built app (scripts/server.mjs, which checks the build and refuses non-loopback
// addresses) on 127.0.0.1:3000 unless HOST / PORT say otherwise. SIGTERM and SIGINT are passed to the server,
// which stops its training programs and exits; this process waits for it and exits after it.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The server under this node, not through npx or a shell: a process between us would not pass signals on.
const server = path.join(path.dirname(fileURLToPath(import.meta.url)), "server.mjs");
const child = spawn(process.execPath, [server], { stdio: "inherit", env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env } });
let forwarded = null;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    // A second signal while the server shuts down is passed on as SIGKILL: the user means it.
    child.kill(forwarded ? "SIGKILL" : signal);
    forwarded = signal;
  });
}
child.on("exit", (code, signal) => {
  if (forwarded) process.exit(forwarded === "SIGINT" ? 130 : forwarded === "SIGHUP" ? 129 : 143);
  process.exit(code ?? (signal ? 1 : 0));
});
