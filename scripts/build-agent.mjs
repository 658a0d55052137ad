// Bundles the agent (lib/cli/agent-bin.ts) into one file that needs only Node: dist/hypersieve-agent.mjs.
// Uses the esbuild that tsx already brings; the react-server condition makes `server-only` an empty module.
// `node scripts/build-agent.mjs [OUTFILE]`; the server serves the default one at GET /api/agent/download.
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.resolve(process.argv[2] ?? path.join(root, "dist", "hypersieve-agent.mjs"));
await build({
  entryPoints: [path.join(root, "lib", "cli", "agent-bin.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  conditions: ["react-server"],
  minify: true,
  legalComments: "inline",
  banner: { js: "#!/usr/bin/env node\n// Hypersieve agent: one file, needs only Node >= 20. Usage: node hypersieve-agent.mjs --server URL --study ID -- PROGRAM ARGS..." },
  logLevel: "warning",
});
console.log(`built ${path.relative(process.cwd(), outfile) || outfile}`);
