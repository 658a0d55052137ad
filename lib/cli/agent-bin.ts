/**
 * Entry of the one-file agent (npm run build:agent bundles it into
 * dist/hypersieve-agent.mjs): `node hypersieve-agent.mjs --server URL --study ID -- PROGRAM ...`.
 * It needs Node and nothing else: no repository, no npm ci.
 */
import { agentCommand } from "./agent-command";

const args = process.argv.slice(2);
if (args[0] === "agent") args.shift();
agentCommand(args).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
