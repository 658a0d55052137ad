// Starts the built app on 127.0.0.1:3000 unless HOST / PORT say otherwise.
// SIGTERM and SIGINT are passed to the server, which stops its training programs and exits; this process waits for it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

if (!existsSync(`${process.env.NEXT_DIST_DIR ?? ".next"}/BUILD_ID`)) {
  console.error("No build found: run `npm run build` first (or `npm ci && npm run build && npm start`).");
  process.exit(1);
}
const host = process.env.HOST ?? "127.0.0.1";
const loopback = ["127.0.0.1", "localhost", "::1"].includes(host);
if (!loopback && process.env.HYPERSIEVE_ALLOW_REMOTE !== "1") {
  // The browser UI has no login: anyone who reaches the port can launch studies, and command studies run programs.
  console.error(`Refusing to listen on ${host}: Hypersieve has no login for the browser UI. Put it behind an authenticating proxy and set HYPERSIEVE_ALLOW_REMOTE=1 (and HYPERSIEVE_ALLOWED_HOSTS) if you really mean it.`);
  process.exit(1);
}
const port = process.env.PORT ?? "3000";
// Next's own bin under this node, not `npx next`: npx puts a process between us that does not pass signals on.
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const child = spawn(process.execPath, [nextBin, "start", "-H", host, "-p", port], { stdio: "inherit", env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env } });
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
