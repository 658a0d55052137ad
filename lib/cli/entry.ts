/**
 * Process entry of the hypersieve command (bin/hypersieve.mjs starts it under tsx).
 * Paths the user gave are resolved against their folder; then the process works
 * from the package root, where the tables, datasets and migrations are, before
 * any module that reads them is loaded.
 */
import net from "node:net";
import path from "node:path";

const args = process.argv.slice(2);
// Run in a child of bin/hypersieve.mjs (the sources under tsx), which holds the other end of this pipe: when it dies,
// however it dies, this process stops as on SIGTERM. Run in bin/hypersieve.mjs's own process (the bundle), nothing
// outlives a SIGKILL of it but the training programs, and a watchdog per program ends those (see main.ts).
const inChild = process.env.HYPERSIEVE_PARENT_PIPE === "3";
if (inChild) {
  delete process.env.HYPERSIEVE_PARENT_PIPE;
  const parent = new net.Socket({ fd: 3, readable: true, writable: false });
  parent.on("end", () => process.kill(process.pid, "SIGTERM"));
  parent.on("error", () => process.kill(process.pid, "SIGTERM"));
  parent.resume();
  parent.unref();
}
// --db FILE (any command) stands for HYPERSIEVE_DB=FILE; after "--" the words are an agent's program's.
const dbFlag = args.indexOf("--db");
const programStart = args.indexOf("--");
if (dbFlag >= 0 && args[dbFlag + 1] && (programStart < 0 || dbFlag < programStart)) process.env.HYPERSIEVE_DB = args.splice(dbFlag, 2)[1];
if (args[0] === "run" && args[1]) args[1] = path.resolve(args[1]);
// The agent runs the user's program from the folder it was started in.
process.env.HYPERSIEVE_AGENT_CWD ??= process.cwd();
process.env.HYPERSIEVE_AGENT_CHECKPOINTS = path.resolve(process.env.HYPERSIEVE_AGENT_CHECKPOINTS ?? path.join(".hypersieve", "checkpoints"));
process.env.HYPERSIEVE_DB = path.resolve(process.env.HYPERSIEVE_DB ?? path.join("data", "hypersieve.db"));
process.chdir(process.env.HYPERSIEVE_ROOT ?? process.cwd());

import("./main").then(
  async ({ main, shutdown }) => {
    const code = await main(args, { watchPrograms: !inChild });
    await shutdown();
    process.exit(code);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
