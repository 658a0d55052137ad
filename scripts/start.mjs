// Starts the built app on 127.0.0.1:3000 unless HOST / PORT say otherwise.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync(".next/BUILD_ID")) {
  console.error("No build found: run `npm run build` first (or `npm ci && npm run build && npm start`).");
  process.exit(1);
}
const host = process.env.HOST ?? "127.0.0.1";
const port = process.env.PORT ?? "3000";
const child = spawn("npx", ["next", "start", "-H", host, "-p", port], { stdio: "inherit", env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env } });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
