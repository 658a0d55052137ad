// Starts the built app on 127.0.0.1:3000 unless HOST / PORT say otherwise.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync(".next/BUILD_ID")) {
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
const child = spawn("npx", ["next", "start", "-H", host, "-p", port], { stdio: "inherit", env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env } });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
