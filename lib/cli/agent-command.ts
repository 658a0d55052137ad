/**
 * The agent's command line, shared by `hypersieve agent` and the one-file
 * bundle (dist/hypersieve-agent.mjs, which needs only Node): flags, the
 * token, and the signals a cluster scheduler sends. It imports no server
 * module (no database, no engine), so esbuild can bundle it alone.
 */
import fs from "node:fs";
import path from "node:path";
import { tokenFileOf } from "../api/server-token";
import { DEFAULT_GRACE_MS } from "../objectives/command";
import { watchGroupsOnParentDeath } from "../objectives/process-group";
import { AgentClient, agentDefaults } from "./agent";
import { DEFAULT_AGENT_GRACE_MS, runAgent } from "./agent-run";

export const AGENT_USAGE = `agent --server URL --study ID [--name NAME] [--token-file FILE] [--grace SECONDS] -- PROGRAM ARGS...
    trains jobs of an agent study; the token comes from --token-file, HYPERSIEVE_TOKEN or, on the server's
    machine, the server token beside the database (DB.token) — never from the command line.
    SIGTERM (or Ctrl-C): claim nothing more, send the program SIGTERM, give the job back within --grace
    seconds (default ${DEFAULT_AGENT_GRACE_MS / 1000}, plus ${DEFAULT_GRACE_MS / 1000} s before SIGKILL), and exit 143 (130). A second signal exits at once.
    exit codes: 0 the study is over; 143/130 stopped by SIGTERM/SIGINT, its job given back; 1 an error.
    environment: HYPERSIEVE_AGENT_CHECKPOINTS (default .hypersieve/checkpoints), HYPERSIEVE_AGENT_GRACE (seconds).`;

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

/**
 * The token an agent sends: --token-file, else HYPERSIEVE_TOKEN (the study's agent token), else the server
 * token in the file beside the database (an agent on the server's own machine, as the server's user).
 */
export function agentToken(tokenFile: string, env: Record<string, string | undefined> = process.env): string {
  if (tokenFile) return fs.readFileSync(tokenFile, "utf8").trim();
  if (env.HYPERSIEVE_TOKEN?.trim()) return env.HYPERSIEVE_TOKEN.trim();
  const serverFile = tokenFileOf(path.resolve(env.HYPERSIEVE_DB ?? path.join("data", "hypersieve.db")));
  const token = fs.existsSync(serverFile) ? fs.readFileSync(serverFile, "utf8").trim() : "";
  if (!token) throw new Error(`no agent token: set HYPERSIEVE_TOKEN or pass --token-file (never put it on the command line); no server token in ${serverFile} either`);
  return token;
}

/** Runs an agent until its study is over or it is told to stop; returns the exit code. */
export async function agentCommand(args: string[]): Promise<number> {
  const split = args.indexOf("--");
  const argv = split >= 0 ? args.slice(split + 1) : [];
  const opts = split >= 0 ? args.slice(0, split) : args;
  const server = flag(opts, "server", "");
  const study = Number(flag(opts, "study", ""));
  if (!server || !Number.isInteger(study) || study < 1 || argv.length === 0) throw new Error(`usage: ${AGENT_USAGE}`);
  const graceSeconds = Number(flag(opts, "grace", process.env.HYPERSIEVE_AGENT_GRACE ?? String(DEFAULT_AGENT_GRACE_MS / 1000)));
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0) throw new Error(`--grace must be a number of seconds, not ${flag(opts, "grace", "")}`);
  const token = agentToken(flag(opts, "token-file", ""));
  const defaults = agentDefaults();
  const name = flag(opts, "name", defaults.name);
  const client = new AgentClient(server, token, study, name);
  const ackLog = process.env.HYPERSIEVE_AGENT_ACK_LOG;
  if (ackLog) client.onAcknowledged = (ack) => fs.appendFileSync(ackLog, `${JSON.stringify({ study, agent: name, ...ack })}\n`);
  // The training program must not outlive this process, even when it is killed with SIGKILL.
  watchGroupsOnParentDeath(DEFAULT_GRACE_MS);
  const stopping = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) {
      // A second signal: the user (or the scheduler) means it; the exit hook kills the program's group.
      console.error(`agent ${name}: ${signal} again, exiting now`);
      process.exit(143);
    }
    console.error(`agent ${name}: ${signal}: claiming no more jobs; giving the running one back`);
    stopping.abort();
  };
  let stoppedBy: NodeJS.Signals | null = null;
  process.on("SIGTERM", (signal) => ((stoppedBy ??= signal), onSignal(signal)));
  process.on("SIGINT", (signal) => ((stoppedBy ??= signal), onSignal(signal)));
  console.error(`agent ${name}: study ${study} at ${server}`);
  const outcome = await runAgent({
    client,
    argv,
    cwd: process.env.HYPERSIEVE_AGENT_CWD ?? process.cwd(),
    checkpointRoot: defaults.checkpointRoot,
    stopping: stopping.signal,
    graceMs: graceSeconds * 1000,
    log: (line) => console.error(`agent ${name}: ${line}`),
  });
  if (outcome === "done") {
    console.error(`study ${study} is over; agent ${name} exits`);
    return 0;
  }
  // Stopped before the study was over: 128 + the signal, as a killed process would, so that a scheduler
  // (a Kubernetes Job, say) starts another agent; the job it had is back on the queue.
  console.error(`agent ${name} stopped`);
  return stoppedBy === "SIGINT" ? 130 : 143;
}
