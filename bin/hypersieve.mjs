#!/usr/bin/env node
// The hypersieve command: runs lib/cli/entry.ts in a child process, with the react-server condition, under which the
// server modules' `import "server-only"` resolves to an empty module as it does in Next. The child runs the bundle
// dist/hypersieve-cli.mjs (scripts/build-cli.mjs) while no source is newer than it, which saves tsx compiling the
// sources at every start; after an edit the bundle is rebuilt first, and where it cannot be built (a syntax error,
// no esbuild) the child runs the sources under tsx, which reports the error as it always did.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCli, CLI_BUNDLE, cliBundleIsCurrent } from "../scripts/build-cli.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function entryArgs() {
  if (cliBundleIsCurrent()) return [CLI_BUNDLE];
  try {
    await buildCli({ quiet: true });
    return [CLI_BUNDLE];
  } catch {
    return ["--import", import.meta.resolve("tsx"), path.join(root, "lib", "cli", "entry.ts")];
  }
}

// fd 3 is a pipe only this process writes to: when it dies, even by SIGKILL, the child reads its end and stops as on SIGTERM.
const child = spawn(process.execPath, ["--conditions=react-server", ...(await entryArgs()), ...process.argv.slice(2)], {
  stdio: ["inherit", "inherit", "inherit", "pipe"],
  env: { ...process.env, HYPERSIEVE_ROOT: root, HYPERSIEVE_PARENT_PIPE: "3" },
});
// Ctrl-C reaches the child through the terminal; a SIGTERM sent to this process is passed on.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
