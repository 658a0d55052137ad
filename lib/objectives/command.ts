/**
 * The external-command objective: a trial runs any program (argv, never a
 * shell) with its params, and the program prints one JSON object a line per
 * epoch. The protocol is docs/command-protocol.md.
 */
import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { commandCanWarmStart, commandTemplateProblems, fillPlaceholders, placeholdersOf } from "../api/command";
import type { ObjectiveInfo } from "../api/schemas";
import { assertSpace, type ParamValue, type Params, type Space } from "../optimizer/space";
import { newestCheckpoint } from "./checkpoint-file";
import { judgeEpoch, LineSplitter, LineTail, missingMetricMessage, parseMeasurementLine, tailText } from "./command-lines";
import { paramsSeed } from "./mlp/objective";
import { groupAlive, terminateGroup, trackGroup, untrackGroup } from "./process-group";
import type { Objective, TrainRequest } from "./types";
import type { Decision } from "../optimizer/types";

/** How to run a trial's program, and what it optimizes. */
export type CommandSpec = {
  /** The program and its arguments, with placeholders such as {lr} or {epochs}; never run through a shell. */
  argv: string[];
  cwd: string;
  /** The key of the optimized value in each line (default "value"); a first line without it fails the job. */
  metric?: string;
  direction: "minimize" | "maximize";
  maxEpochs: number;
  space: Space;
  /** Added to the server's environment; the HYPERSIEVE_* variables are set after it and win. */
  env?: Record<string, string>;
  /** Between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** A job that prints nothing, on stdout or stderr, for this long fails. */
  timeoutMs?: number;
  title?: string;
  /** Whether the program can start a trial from its parent's checkpoint; absent means: when argv uses {parent_checkpoint}. */
  warmStart?: boolean;
};

/** How one job of a command ended, with what it printed besides measurements. */
export type CommandJobSummary = {
  params: Params;
  fromEpoch: number;
  toEpoch: number;
  /** The last epoch reported (fromEpoch when none was). */
  lastEpoch: number;
  outcome: "completed" | "stopped" | "failed";
  error: string | null;
  exitCode: number | null;
  signal: string | null;
  /** Lines that were not measurements, log lines and malformed objects together. */
  ignoredLines: number;
  /** The ignored lines that started with "{" but broke the protocol. */
  malformedLines: number;
  /** Measurements of an epoch already reported, which are dropped. */
  repeatedEpochs: number;
  stdoutTail: string[];
  stderrTail: string[];
  durationMs: number;
};

/** Observers of a command objective's jobs. */
export type CommandHooks = { onJobEnd?: (summary: CommandJobSummary) => void };

/** A job that failed; the message names the cause and ends with the tail of stderr. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly summary: CommandJobSummary,
  ) {
    super(message);
    this.name = "CommandError";
  }
}

/** Between SIGTERM and SIGKILL, when the spec sets none. */
export const DEFAULT_GRACE_MS = 5000;
/** How long a job may print nothing, when the spec sets none: a slow epoch of a real model can take minutes. */
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

const LOG_TAIL_LINES = 50;
const ERROR_TAIL_LINES = 20;
const ERROR_TAIL_CHARS = 2000;
/** After the program's group is gone, a pipe still held by an escaped process must not hold the job. */
const CLOSE_WAIT_MS = 1000;

function formatValue(value: ParamValue): string {
  return typeof value === "string" ? value : String(value);
}

/** Throws an error naming each problem of a spec. */
function assertSpec(spec: CommandSpec): void {
  const problems: string[] = [];
  if (!Array.isArray(spec.argv) || spec.argv.length === 0 || spec.argv.some((a) => typeof a !== "string")) {
    problems.push("argv must be a non-empty list of strings");
  } else if (spec.argv[0].trim() === "") problems.push("argv[0] must name a program");
  if (typeof spec.cwd !== "string" || spec.cwd === "") problems.push("cwd must be a directory path");
  if (!Number.isInteger(spec.maxEpochs) || spec.maxEpochs < 1) problems.push(`maxEpochs must be a positive integer (got ${spec.maxEpochs})`);
  for (const key of ["graceMs", "timeoutMs"] as const) {
    const v = spec[key];
    if (v !== undefined && (!Number.isFinite(v) || v <= 0)) problems.push(`${key} must be a positive number of milliseconds (got ${v})`);
  }
  if (problems.length > 0) throw new Error(`invalid command: ${problems.join("; ")}`);
  assertSpace(spec.space);
  problems.push(...commandTemplateProblems(spec.argv, spec.space.map((p) => p.name)).map((p) => p.message));
  if (problems.length > 0) throw new Error(`invalid command: ${problems.join("; ")}`);
}

/**
 * Copies the parent's newest checkpoint at or before the branch epoch into
 * the branch's own folder, under the same name, and returns the copy's path.
 * Synchronous, before the program starts: the parent may train on and prune
 * its folder as soon as this tick ends; and a branch relaunched before its
 * first epoch finds the copy already there, as the MLP's warm start does.
 */
function copyParentCheckpoint(warm: NonNullable<TrainRequest["warmStart"]>, childDir: string): string {
  if (!childDir) throw new Error("a warm start needs the trial's checkpoint folder");
  // The branch writes only epochs after its start, so a checkpoint at or before it in its own folder is the copy.
  const prepared = newestCheckpoint(childDir, warm.epoch);
  if (prepared) return prepared;
  const source = newestCheckpoint(warm.checkpointDir, warm.epoch);
  if (!source) throw new Error(`warm start: no checkpoint at or before epoch ${warm.epoch} in the parent's folder ${warm.checkpointDir}`);
  const target = path.join(childDir, path.basename(source));
  fs.mkdirSync(childDir, { recursive: true });
  const partial = path.join(childDir, `.parent-${process.pid}-${path.basename(source)}`);
  fs.rmSync(partial, { recursive: true, force: true });
  fs.cpSync(source, partial, { recursive: true, mode: fs.constants.COPYFILE_FICLONE });
  fs.renameSync(partial, target);
  return target;
}

/** The program's argv (placeholders filled) and environment for one job; the first job of a branch copies its parent's checkpoint first. */
export function jobInvocation(spec: CommandSpec, request: Pick<TrainRequest, "params" | "fromEpoch" | "toEpoch" | "seed" | "checkpointDir" | "warmStart">) {
  const seed = String(request.seed ?? paramsSeed(request.params));
  const checkpointDir = request.checkpointDir ?? "";
  // A branch starts from its copy of the parent's checkpoint, in its own folder; a trial goes on from its own folder once it has reported.
  const parentCheckpoint = request.warmStart ? copyParentCheckpoint(request.warmStart, checkpointDir) : "";
  const resumeFrom = request.fromEpoch > 0 ? checkpointDir : "";
  const resumeFile = parentCheckpoint || (resumeFrom ? newestCheckpoint(resumeFrom, request.fromEpoch) : "");
  const shrinkPerturb = String(request.warmStart?.shrinkPerturb === true);
  const values = new Map<string, string>(Object.entries(request.params).map(([name, value]) => [name, formatValue(value)]));
  for (const [name, value] of [
    ["epochs", String(request.toEpoch)],
    ["from_epoch", String(request.fromEpoch)],
    ["checkpoint_dir", checkpointDir],
    ["resume_from", resumeFrom],
    ["resume_file", resumeFile],
    ["parent_checkpoint", parentCheckpoint],
    ["shrink_perturb", shrinkPerturb],
    ["seed", seed],
  ]) values.set(name, value);
  const missing = spec.argv.flatMap(placeholdersOf).filter((name) => !values.has(name));
  if (missing.length > 0) throw new Error(`the trial's params lack ${[...new Set(missing)].join(", ")}, which the command uses`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The server's token opens every state-changing route: a training program has no use for it.
    HYPERSIEVE_TOKEN: undefined,
    // Python block-buffers a piped stdout, which would hold every measurement back until exit.
    PYTHONUNBUFFERED: "1",
    ...spec.env,
    HYPERSIEVE_PARAMS: JSON.stringify(request.params),
    HYPERSIEVE_EPOCHS: String(request.toEpoch),
    HYPERSIEVE_FROM_EPOCH: String(request.fromEpoch),
    HYPERSIEVE_CHECKPOINT_DIR: checkpointDir,
    HYPERSIEVE_RESUME_FROM: resumeFrom,
    HYPERSIEVE_RESUME_FILE: resumeFile,
    HYPERSIEVE_PARENT_CHECKPOINT: parentCheckpoint,
    HYPERSIEVE_SHRINK_PERTURB: shrinkPerturb,
    HYPERSIEVE_SEED: seed,
  };
  return { argv: spec.argv.map((arg) => fillPlaceholders(arg, values)), env };
}

/** An objective that runs `spec.argv` once per job; throws when the spec is invalid. */
export function createCommandObjective(spec: CommandSpec, hooks: CommandHooks = {}): Objective {
  assertSpec(spec);
  const metric = spec.metric ?? "value";
  const info: ObjectiveInfo = {
    id: "command",
    title: spec.title ?? `Command: ${path.basename(spec.argv[0])}`,
    description: `Runs ${JSON.stringify(spec.argv)} in ${spec.cwd} for every job and reads one JSON line per epoch.`,
    metric,
    direction: spec.direction,
    maxEpochs: spec.maxEpochs,
    space: spec.space,
    defaultEpochDelayMs: 0,
    optimum: null,
    warmStart: commandCanWarmStart(spec),
  };
  return {
    info,
    async train(request) {
      if (request.signal.aborted) return;
      const cwd = path.resolve(spec.cwd);
      if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`the command's working directory ${cwd} does not exist`);
      if (request.checkpointDir) fs.mkdirSync(request.checkpointDir, { recursive: true });
      const { argv, env } = jobInvocation(spec, request);
      return runJob({ argv, env, cwd, metric, graceMs: spec.graceMs ?? DEFAULT_GRACE_MS, timeoutMs: spec.timeoutMs ?? DEFAULT_TIMEOUT_MS }, request, hooks);
    },
  };
}

type Launch = { argv: string[]; env: NodeJS.ProcessEnv; cwd: string; metric: string; graceMs: number; timeoutMs: number };

/** Why we end the program ourselves: a decision or an abort ends the job normally, a failure rejects it. */
type Ending = { kind: "stop" } | { kind: "fail"; message: string };

function runJob(launch: Launch, request: TrainRequest, hooks: CommandHooks): Promise<void> {
  const { fromEpoch, toEpoch, signal } = request;
  const started = Date.now();
  const name = path.basename(launch.argv[0]);
  const stdoutTail = new LineTail(LOG_TAIL_LINES);
  const stderrTail = new LineTail(LOG_TAIL_LINES);
  let last = fromEpoch;
  let ignoredLines = 0;
  let malformedLines = 0;
  let repeatedEpochs = 0;
  // Only the first line with an epoch decides whether the program reports the metric at all.
  let sawEpochLine = false;
  let ending: Ending | null = null;
  let killing: Promise<void> | null = null;
  let child: ChildProcess;
  // Reports the database has not taken yet (it is locked, or the disk is full): the job ends after them.
  let pendingReports = 0;
  let onReportsSettled: (() => void) | undefined;
  const reportsSettled = () => (pendingReports === 0 ? Promise.resolve() : new Promise<void>((done) => (onReportsSettled = done)));

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let spawnError: Error | null = null;
    let idleTimer: NodeJS.Timeout | undefined;

    const terminate = () => {
      clearTimeout(idleTimer);
      if (child.pid !== undefined && !killing) killing = terminateGroup(child.pid, launch.graceMs);
    };
    const end = (how: Ending) => {
      if (ending) return;
      ending = how;
      terminate();
    };
    const onAbort = () => end({ kind: "stop" });
    const armTimer = () => {
      clearTimeout(idleTimer);
      if (ending) return;
      idleTimer = setTimeout(() => end({ kind: "fail", message: `timed out: no output for ${launch.timeoutMs} ms` }), launch.timeoutMs);
    };

    const onStdoutLine = (line: string) => {
      if (line.trim() === "") return;
      const parsed = parseMeasurementLine(line, launch.metric);
      if (typeof parsed === "object" && "missingMetric" in parsed) {
        stdoutTail.push(line);
        if (!sawEpochLine && !ending) {
          sawEpochLine = true;
          return end({ kind: "fail", message: missingMetricMessage(parsed) });
        }
        ignoredLines++;
        malformedLines++;
        return;
      }
      if (typeof parsed === "string") {
        ignoredLines++;
        if (parsed === "malformed") malformedLines++;
        stdoutTail.push(line);
        return;
      }
      sawEpochLine = true;
      if (ending) return;
      const { epoch, value, extra } = parsed;
      const verdict = judgeEpoch(epoch, { fromEpoch, toEpoch, last });
      if (verdict === "repeat") {
        repeatedEpochs++;
        return;
      }
      if (typeof verdict === "object") return end({ kind: "fail", message: verdict.fail });
      if (verdict === "past-end" || signal.aborted) return end({ kind: "stop" });
      last = epoch;
      const failed = (error: unknown) => end({ kind: "fail", message: `recording epoch ${epoch} failed: ${(error as Error).message}` });
      const decided = (decision: Decision) => {
        if (decision !== "continue") end({ kind: "stop" });
      };
      let answer: Decision | Promise<Decision>;
      try {
        answer = request.report(epoch, value, Object.keys(extra).length > 0 ? extra : undefined);
      } catch (error) {
        return failed(error);
      }
      if (typeof answer === "string") return decided(answer);
      // The database holds writes (a lock, a full disk): the program's later lines queue behind this one, in order.
      pendingReports++;
      answer.then(decided, failed).finally(() => {
        pendingReports--;
        if (pendingReports === 0) onReportsSettled?.();
      });
    };
    const stdoutLines = new LineSplitter(onStdoutLine);
    const stderrLines = new LineSplitter((line) => stderrTail.push(line));

    const summary = (outcome: CommandJobSummary["outcome"], error: string | null): CommandJobSummary => ({
      params: request.params,
      fromEpoch,
      toEpoch,
      lastEpoch: last,
      outcome,
      error,
      exitCode: child?.exitCode ?? null,
      signal: child?.signalCode ?? null,
      ignoredLines,
      malformedLines,
      repeatedEpochs,
      stdoutTail: stdoutTail.last(),
      stderrTail: stderrTail.last(),
      durationMs: Date.now() - started,
    });

    const settle = async () => {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      signal.removeEventListener("abort", onAbort);
      stdoutLines.end();
      stderrLines.end();
      await killing;
      const failure = failureOf();
      const result = summary(failure ? "failed" : ending ? "stopped" : "completed", failure);
      try {
        hooks.onJobEnd?.(result);
      } catch (error) {
        console.error("[hypersieve] a command job's onJobEnd hook failed:", error);
      }
      if (failure) reject(new CommandError(withTail(failure, result), result));
      else resolve();
    };

    const failureOf = (): string | null => {
      if (spawnError) return `could not start ${launch.argv[0]}: ${spawnError.message}`;
      if (ending?.kind === "fail") return `${name}: ${ending.message} (after epoch ${last} of ${toEpoch})`;
      if (ending) return null;
      const { exitCode, signalCode } = child;
      if (signalCode) return `${name} was killed by ${signalCode} after epoch ${last} of ${toEpoch}`;
      if (exitCode !== 0) return `${name} exited with code ${exitCode} after epoch ${last} of ${toEpoch}`;
      if (last < toEpoch) return `${name} exited after epoch ${last} of ${toEpoch}`;
      return null;
    };

    try {
      child = spawn(launch.argv[0], launch.argv.slice(1), {
        cwd: launch.cwd,
        env: launch.env,
        shell: false,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      reject(new Error(`could not start ${launch.argv[0]}: ${(error as Error).message}`));
      return;
    }
    if (child.pid !== undefined) trackGroup(child.pid);
    signal.addEventListener("abort", onAbort, { once: true });
    armTimer();

    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      armTimer();
      stdoutLines.push(chunk);
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      armTimer();
      stderrLines.push(chunk);
    });
    child.on("error", (error) => {
      if (child.pid !== undefined) return;
      spawnError = error;
      void settle();
    });
    const closed = new Promise<void>((done) => child.once("close", () => done()));
    child.once("exit", async () => {
      clearTimeout(idleTimer);
      const pgid = child.pid;
      if (pgid === undefined) return void settle();
      // The program is gone, but what it started may not be: no process outlives its job.
      if (!killing && groupAlive(pgid)) killing = terminateGroup(pgid, launch.graceMs);
      if (!killing) untrackGroup(pgid);
      await killing;
      const timeout = new Promise<void>((done) => setTimeout(done, CLOSE_WAIT_MS).unref());
      await Promise.race([closed, timeout]);
      child.stdout!.destroy();
      child.stderr!.destroy();
      await reportsSettled();
      await settle();
    });
  });
}

/** A failure's message, its counts and the tail of stderr (or, when stderr is silent, of stdout). */
function withTail(message: string, s: CommandJobSummary): string {
  const parts = [message];
  if (s.ignoredLines > 0) parts.push(`; ${s.ignoredLines} non-measurement line${s.ignoredLines === 1 ? "" : "s"} ignored (${s.malformedLines} malformed)`);
  const stream = s.stderrTail.length > 0 ? "stderr" : "stdout";
  const lines = (s.stderrTail.length > 0 ? s.stderrTail : s.stdoutTail).slice(-ERROR_TAIL_LINES);
  if (lines.length > 0) parts.push(`\n--- last lines of ${stream} ---\n${tailText(lines, ERROR_TAIL_CHARS)}`);
  return parts.join("");
}
