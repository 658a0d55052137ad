// The esbuild settings of the two bundles (the one-file agent, the CLI): our TypeScript for Node 20, as ES modules,
// under the react-server condition, so a server module's `import "server-only"` is the empty module it is in Next.
// Uses the esbuild that tsx already brings.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles `entry` (relative to the repository) into `outfile`; the rest of `options` goes to esbuild as is. */
export async function bundle(entry, outfile, options = {}) {
  const { build } = await import("esbuild");
  return build({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["react-server"],
    logLevel: "warning",
    ...options,
  });
}
