#!/usr/bin/env node
// The hypersieve command: runs lib/cli/entry.ts with the react-server condition, under which the server modules'
// `import "server-only"` resolves to an empty module as it does in Next. While no source is newer than the bundle
// dist/hypersieve-cli.mjs (scripts/build-cli.mjs), which esbuild built under that condition, this process imports it
// and runs the command itself: no TypeScript compiled, no second Node started (about 0.1 s before a study's first
// program starts). After an edit the bundle is rebuilt first; where it cannot be built (a syntax error, no esbuild),
// a child process runs the sources under tsx with the condition, which reports the error as it always did.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCli, CLI_BUNDLE, cliBundleIsCurrent } from "../scripts/build-cli.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function bundleUsable() {
  if (cliBundleIsCurrent()) return true;
  return buildCli({ quiet: true }).then(
    () => true,
    () => false,
  );
}

if (await bundleUsable()) {
  process.env.HYPERSIEVE_ROOT = root;
  await import(pathToFileURL(CLI_BUNDLE).href);
} else {
  // fd 3 is a pipe only this process writes to: when it dies, even by SIGKILL, the child reads its end and stops as on SIGTERM.
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", import.meta.resolve("tsx"), path.join(root, "lib", "cli", "entry.ts"), ...process.argv.slice(2)], {
    stdio: ["inherit", "inherit", "inherit", "pipe"],
    env: { ...process.env, HYPERSIEVE_ROOT: root, HYPERSIEVE_PARENT_PIPE: "3" },
  });
  // Ctrl-C reaches the child through the terminal; a SIGTERM sent to this process is passed on.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
