/**
 * The command line: `hypersieve run FILE`, `export STUDY`, `bench ...`.
 * Runs the same engine and database as the server, headless.
 */
import fs from "node:fs";
import path from "node:path";
import { getFailureStats, getStudyDetail, getStudySummary } from "../../db/queries";
import { databaseFile } from "../../db/client";
import { exportStudy } from "../../db/dashboard";
import { main as benchMain } from "../../bench/command";
import { isDatabaseInUse, isHttpError } from "../api/http";
import { tokenFileOf } from "../api/server-token";
import { getEngine } from "../engine/engine";
import { DEFAULT_GRACE_MS } from "../objectives/command";
import { watchGroupsOnParentDeath } from "../objectives/process-group";
import { trustProblems } from "../engine/failures";
import { createStudyFromFile, studyInputOfFile } from "../engine/study-files";
import { AGENT_USAGE, agentCommand } from "./agent-command";
import { StudyFileError } from "./study-file";

const USAGE = `usage:
  hypersieve run FILE [--db DB]  run the study a YAML or JSON file defines, headless, and print its best trial;
                                 exits 1 when the study failed or measured nothing, 3 when its best trial is not
                                 trustworthy (too many trials failed; see docs/command-protocol.md)
  hypersieve export STUDY [--format csv|json] [--what trials|measurements]
  hypersieve ${AGENT_USAGE}
  hypersieve bench ...           replay learning-curve tables (see: hypersieve bench --help)

environment: HYPERSIEVE_DB (default data/hypersieve.db) is the database the server uses too; --db overrides it.
One process drives a database's studies: \`run\` refuses a database a running server owns.`;

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

function progressLine(id: number): string {
  const s = getStudySummary(id)!;
  const width = 30;
  const filled = Math.round(s.progress * width);
  const best = s.bestValue === null ? "–" : s.bestValue.toPrecision(5);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(s.progress * 100).toFixed(0).padStart(3)}%  ${s.epochsSpent} epochs · ${s.trialCount} trials · ${s.runningCount} running · ${s.failedCount} failed · best ${s.metric} ${best}`;
}

/** The shell's exit code of a process ended by a signal: 130 for SIGINT, 143 for SIGTERM. */
function exitCodeOf(signal: NodeJS.Signals): number {
  return signal === "SIGINT" ? 130 : 143;
}

async function run(file: string, watchPrograms: boolean): Promise<number> {
  const text = fs.readFileSync(file, "utf8");
  // The same steps as POST /api/studies {studyFile}: a bad file is reported before the database is touched.
  const read = studyInputOfFile(text, file);
  const { input } = read;
  // A SIGKILL ends this process before it can stop anything: a watchdog per training program then ends the program.
  if (watchPrograms) watchGroupsOnParentDeath(DEFAULT_GRACE_MS);
  try {
    getEngine().start();
  } catch (error) {
    if (!isDatabaseInUse(error)) throw error;
    throw new Error(
      `${error.message}: a Hypersieve server (or another \`hypersieve run\`) is running on it, and one process drives a database's studies.\n` +
        `Launch this study through the running server (New study in the browser, or POST /api/studies with 'Authorization: Bearer' and the token in ${tokenFileOf(databaseFile())}), or run it here on another database: hypersieve run ${file} --db other.db`,
    );
  }
  // Ctrl-C, or a SIGTERM (sent to bin/hypersieve.mjs and passed on, or sent by entry.ts when bin/hypersieve.mjs died):
  // stop the study, so its programs and what they started get SIGTERM, then SIGKILL after the grace period. Listening
  // before the study starts its programs: a signal that came meanwhile would otherwise end this process and leave them.
  let interrupted: NodeJS.Signals | null = null;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      if (interrupted) return;
      interrupted = signal;
      process.stderr.write("\nstopping: running trials keep what they reported…\n");
      void getEngine().stop(id);
    });
  }
  // Set before any signal can be handled: creating the study is synchronous.
  const created = createStudyFromFile(text, file, read);
  const id = created.id;
  const budget = created.budget;
  process.stderr.write(`study ${id}: ${input.name} (${input.strategy}, ${budget.value} ${budget.kind})\n`);
  const tty = process.stderr.isTTY;
  let lastShown = -1;
  let lastLooked = 0;
  // The live run's status is in memory: checking it often ends the run as soon as the study does, without querying.
  const over = () => ["completed", "stopped", "failed"].includes(getEngine().loaded(id)?.status ?? getStudySummary(id)!.status);
  // …and waking on its end, rather than at the next 50 ms tick, saves that much of every run's tail.
  const ended = getEngine().loaded(id)?.ended;
  while (!over()) {
    if (Date.now() - lastLooked >= (tty ? 200 : 1000)) {
      lastLooked = Date.now();
      const pct = Math.floor(getStudySummary(id)!.progress * 20);
      if (tty) process.stderr.write(`\r${progressLine(id)}`);
      else if (pct !== lastShown) process.stderr.write(`${progressLine(id)}\n`);
      lastShown = pct;
    }
    const tick = new Promise((r) => setTimeout(r, 50));
    await (ended ? Promise.race([ended, tick]) : tick);
  }
  // A failed or stopped study may still be ending its running trials (and waiting programs): let them settle first.
  await getEngine().loaded(id)?.idle();
  process.stderr.write(`${tty ? "\r" : ""}${progressLine(id)}\n`);
  const detail = getStudyDetail(id)!;
  const s = detail.study;
  if (s.status === "failed") {
    console.error(`study ${id} failed: ${s.error}`);
    return 1;
  }
  const stats = getFailureStats(id);
  const best = detail.trials.find((t) => t.number === s.bestTrial);
  if (!best) {
    console.log(`study ${id} ${s.status} with no measurement`);
    if (stats.lastFailure) console.error(`${stats.failed} of ${stats.trials} trials failed; the last, trial #${stats.lastFailure.trial}: ${stats.lastFailure.reason}`);
    return interrupted ? exitCodeOf(interrupted) : 1;
  }
  console.log(`best trial #${best.number}: ${s.metric} = ${s.bestValue} at epoch ${s.bestEpoch}`);
  console.log(JSON.stringify(best.params));
  const problems = trustProblems(stats);
  if (problems.length > 0) {
    console.error(`the best trial of study ${id} is not trustworthy:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    if (stats.lastFailure) console.error(`the last failure, trial #${stats.lastFailure.trial}: ${stats.lastFailure.reason}`);
    return interrupted ? exitCodeOf(interrupted) : 3;
  }
  return interrupted ? exitCodeOf(interrupted) : 0;
}

/**
 * Runs one command; returns the exit code. `watchPrograms`: give every training program `run` starts a watchdog
 * that ends it if this process is killed with SIGKILL (bin/hypersieve.mjs runs the command in its own process).
 */
export async function main(argv: string[], { watchPrograms = false }: { watchPrograms?: boolean } = {}): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === "run" && args[0]) return await run(args[0], watchPrograms);
    if (command === "export" && args[0]) {
      const id = Number(args[0]);
      if (!Number.isInteger(id) || id < 1 || !getStudySummary(id)) throw new Error(`study ${args[0]} does not exist`);
      const format = flag(args, "format", "csv");
      const what = flag(args, "what", "trials");
      if (format !== "csv" && format !== "json") throw new Error(`--format must be csv or json, not ${format}`);
      if (what !== "trials" && what !== "measurements") throw new Error(`--what must be trials or measurements, not ${what}`);
      process.stdout.write(exportStudy(id, what, format));
      return 0;
    }
    if (command === "bench") return benchMain(args);
    if (command === "agent") return await agentCommand(args);
    console.error(USAGE);
    return command === "help" || command === "--help" ? 0 : 2;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return error instanceof StudyFileError ? 2 : 1;
  }
}

/** Lets running trials settle before the process exits. */
export async function shutdown(): Promise<void> {
  await getEngine().reset().catch(() => undefined);
}
