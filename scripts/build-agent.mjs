// Bundles the agent (lib/cli/agent-bin.ts) into one file that needs only Node: dist/hypersieve-agent.mjs.
// `node scripts/build-agent.mjs [OUTFILE]`; the server serves the default one at GET /api/agent/download.
import path from "node:path";
import { bundle, root } from "./bundle.mjs";

const outfile = path.resolve(process.argv[2] ?? path.join(root, "dist", "hypersieve-agent.mjs"));
await bundle(path.join("lib", "cli", "agent-bin.ts"), outfile, {
  minify: true,
  legalComments: "inline",
  banner: { js: "#!/usr/bin/env node\n// Hypersieve agent: one file, needs only Node >= 20. Usage: node hypersieve-agent.mjs --server URL --study ID -- PROGRAM ARGS..." },
});
console.log(`built ${path.relative(process.cwd(), outfile) || outfile}`);
