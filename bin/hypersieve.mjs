#!/usr/bin/env node
// The hypersieve command: runs lib/cli/entry.ts under tsx (the sources are TypeScript), with the react-server
// condition, under which the server modules' `import "server-only"` resolves to an empty module as it does in Next.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// fd 3 is a pipe only this process writes to: when it dies, even by SIGKILL, the child reads its end and stops as on SIGTERM.
const child = spawn(process.execPath, ["--conditions=react-server", "--import", import.meta.resolve("tsx"), path.join(root, "lib", "cli", "entry.ts"), ...process.argv.slice(2)], {
  stdio: ["inherit", "inherit", "inherit", "pipe"],
  env: { ...process.env, HYPERSIEVE_ROOT: root, HYPERSIEVE_PARENT_PIPE: "3" },
});
// Ctrl-C reaches the child through the terminal; a SIGTERM sent to this process is passed on.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
