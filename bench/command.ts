/**
 * The bench command's logic (bench/cli.ts runs it).
 *   npm run bench -- --table FILE --strategy NAME --seeds N [--first-seed S] --budget-fte B --out FILE [--settings JSON]
 *   npm run bench -- --summary FILE... [--table FILE]
 * The first replays a strategy on an lc-table/1 table for seeds S..S+N-1 (S 0 unless given) and
 * writes an lc-trace/1 file; the second prints a side-by-side summary of
 * trace files against their table.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, basename } from "node:path";
import { performance } from "node:perf_hooks";
import { parseLcTable, tableSpace, type LcTable } from "../lib/objectives/lc-table";
import { createStrategy, type SchedulerSettings, type SamplerSettings } from "../lib/optimizer/registry";
import { replay } from "./replay";
import { renderSummaries, summarize } from "./summary";
import { parseLcTrace, type LcTrace } from "./trace";

const DEFAULT_TABLE = "lib/objectives/tables/digits-mlp.json";

/** A command-line mistake; the CLI prints its message and exits with status 2. */
class UsageError extends Error {}

type Args = { flags: Map<string, string>; summary: string[] | null };

function parseArgs(argv: string[]): Args {
  const flags = new Map<string, string>();
  let summary: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--summary") {
      summary = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) summary.push(argv[++i]);
      if (summary.length === 0) throw new UsageError("--summary needs at least one trace file");
      continue;
    }
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument '${arg}'`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value`);
    flags.set(arg.slice(2), value);
    i++;
  }
  return { flags, summary };
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} '${file}': ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} '${file}' is not valid JSON: ${(error as Error).message}`);
  }
}

function loadTable(file: string): LcTable {
  try {
    return parseLcTable(readJson(file, "table"));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`table '${file}' is malformed: ${(error as Error).message}`);
  }
}

function positive(flags: Map<string, string>, name: string, integer: boolean): number {
  const raw = flags.get(name);
  if (raw === undefined) throw new UsageError(`--${name} is required`);
  const x = Number(raw);
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) {
    throw new UsageError(`--${name} must be a positive ${integer ? "integer" : "number"}, got '${raw}'`);
  }
  return x;
}

function runBench(flags: Map<string, string>): void {
  const known = new Set(["table", "strategy", "seeds", "first-seed", "budget-fte", "out", "settings"]);
  for (const key of flags.keys()) if (!known.has(key)) throw new UsageError(`unknown option --${key}`);
  const tableFile = flags.get("table") ?? DEFAULT_TABLE;
  const name = flags.get("strategy");
  if (!name) throw new UsageError("--strategy is required (e.g. tpe+asha)");
  const out = flags.get("out");
  if (!out) throw new UsageError("--out is required");
  const seeds = positive(flags, "seeds", true);
  const budget = positive(flags, "budget-fte", false);
  const firstSeed = flags.has("first-seed") ? Number(flags.get("first-seed")) : 0;
  if (!Number.isInteger(firstSeed) || firstSeed < 0) throw new UsageError(`--first-seed must be an integer ≥ 0, got '${flags.get("first-seed")}'`);
  let settings: SchedulerSettings & { sampler?: SamplerSettings } = {};
  if (flags.has("settings")) {
    try {
      settings = JSON.parse(flags.get("settings")!);
    } catch (error) {
      throw new UsageError(`--settings must be a JSON object: ${(error as Error).message}`);
    }
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) throw new UsageError("--settings must be a JSON object");
  }
  const { sampler: samplerSettings, ...schedulerSettings } = settings;
  const table = loadTable(tableFile);
  const space = tableSpace(table);
  const runs: LcTrace["runs"] = [];
  let label = name;
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    let strategy;
    try {
      strategy = createStrategy({ name, space, direction: table.direction, maxEpochs: table.maxEpochs, seed, settings: schedulerSettings, samplerSettings });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    label = strategy.name;
    const result = replay(table, strategy, budget, () => performance.now());
    runs.push({ seed, seconds: Number(result.seconds.toFixed(4)), trace: result.trace });
    const last = result.trace[result.trace.length - 1];
    process.stderr.write(`${name} seed ${seed}: ${result.trials} trials, ${last[0]} FTE, incumbent ${last[1]}, ${result.seconds.toFixed(2)} s\n`);
  }
  const trace: LcTrace = {
    format: "lc-trace/1",
    table: table.name,
    optimizer: "hypersieve 0.1.0",
    strategy: `${label}${flags.has("settings") ? ` settings=${JSON.stringify(settings)}` : ""}; sequential, one job at a time; paused trials resume from their checkpoints`,
    budget_fte: budget,
    runs,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(trace) + "\n");
  process.stderr.write(`wrote ${out}\n`);
}

function runSummary(files: string[], flags: Map<string, string>): void {
  for (const key of flags.keys()) if (key !== "table") throw new UsageError(`unknown option --${key} with --summary`);
  const table = loadTable(flags.get("table") ?? DEFAULT_TABLE);
  const summaries = files.map((file) => {
    let trace: LcTrace;
    try {
      trace = parseLcTrace(readJson(file, "trace"));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`trace '${file}' is malformed: ${(error as Error).message}`);
    }
    try {
      return summarize(`${basename(dirname(file))}/${basename(file)}`, trace, table);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
  process.stdout.write(renderSummaries(summaries, table) + "\n");
}

/** Runs the command for `argv`; returns the exit status. */
export function main(argv: string[]): number {
  try {
    const args = parseArgs(argv);
    if (args.summary) runSummary(args.summary, args.flags);
    else runBench(args.flags);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
