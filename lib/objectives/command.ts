/**
 * The external-command objective: a trial runs any program (argv, never a
 * shell) with its params, and the program prints one JSON object a line per
 * epoch. The protocol is docs/command-protocol.md.
 */
import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { commandCanWarmStart, commandTemplateProblems, fillPlaceholders, placeholdersOf } from "../api/command";
import type { ObjectiveInfo } from "../api/schemas";
import { assertSpace, type ParamValue, type Params, type Space } from "../optimizer/space";
import { newestCheckpoint } from "./checkpoint-file";
import { CommandError, runJob, TrialProcess, type CommandJobSummary, type JobStart, type Launch } from "./command-process";
import { WaitingPrograms } from "./command-waiting";
import { paramsSeed } from "./mlp/objective";
import type { Objective, TrainRequest } from "./types";
import type { Decision } from "../optimizer/types";

export { CommandError, type CommandJobSummary };

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
  /**
   * "per-job" (default): a new process for every job. "persistent": one
   * process per trial, which waits on stdin after each job for the next
   * instruction, and is resumed from its checkpoint once it was ended.
   * "worker": persistent, and a waiting program may be handed a job of
   * another trial, so a study needs about as many processes as it runs at once.
   */
  protocol?: CommandProtocol;
  /** Persistent protocol: how long a program may wait for its trial's next job before it is ended to free what it holds. */
  keepAliveMs?: number;
  /** Persistent protocol: at most this many programs wait at once; beyond, the least promising is ended. */
  maxWaiting?: number;
};

/** How a trial's program lives: one process per job, or one per trial across jobs. */
export type CommandProtocol = "per-job" | "persistent" | "worker";

/** Observers of a command objective's jobs. */
export type CommandHooks = { onJobEnd?: (summary: CommandJobSummary) => void };

/** Between SIGTERM and SIGKILL, when the spec sets none. */
export const DEFAULT_GRACE_MS = 5000;
/** How long a job may print nothing, when the spec sets none: a slow epoch of a real model can take minutes. */
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** How long a persistent program waits for its trial's next job, when the spec sets none. */
export const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;
/** How many persistent programs may wait at once, when the spec sets none. */
export const DEFAULT_MAX_WAITING = 8;


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
  for (const key of ["graceMs", "timeoutMs", "keepAliveMs"] as const) {
    const v = spec[key];
    if (v !== undefined && (!Number.isFinite(v) || v <= 0)) problems.push(`${key} must be a positive number of milliseconds (got ${v})`);
  }
  if (spec.protocol !== undefined && !["per-job", "persistent", "worker"].includes(spec.protocol)) problems.push(`protocol must be "per-job", "persistent" or "worker" (got ${JSON.stringify(spec.protocol)})`);
  if (spec.maxWaiting !== undefined && (!Number.isInteger(spec.maxWaiting) || spec.maxWaiting < 0)) problems.push(`maxWaiting must be a whole number ≥ 0 (got ${spec.maxWaiting})`);
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

/**
 * OpenMP threads for one job's program when neither the user's environment nor the study sets OMP_NUM_THREADS: its
 * share of the cores but one, which is left to Hypersieve's own process beside it (as Ray Tune sets OMP_NUM_THREADS to
 * a trial's CPUs). Without it, PyTorch and NumPy start a thread per core, and a pool thread that spins between
 * parallel regions competes with the server for the core it works on (bench/README.md, "OpenMP threads").
 */
export function openMpThreads(jobsAtOnce = 1, cores = os.availableParallelism()): string {
  return String(Math.max(1, Math.floor((cores - 1) / Math.max(1, jobsAtOnce))));
}

/** The program's argv (placeholders filled) and environment for one job; the first job of a branch copies its parent's checkpoint first. */
export function jobInvocation(spec: Pick<CommandSpec, "argv" | "env" | "protocol">, request: Pick<TrainRequest, "params" | "fromEpoch" | "toEpoch" | "seed" | "checkpointDir" | "warmStart" | "jobsAtOnce">) {
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
    OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? openMpThreads(request.jobsAtOnce),
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
    HYPERSIEVE_PROTOCOL: spec.protocol ?? "per-job",
  };
  return { argv: spec.argv.map((arg) => fillPlaceholders(arg, values)), env };
}

/** Which trial a job belongs to, so that its next job can find the program it left waiting; null when it cannot be told. */
function trialKey(request: Pick<TrainRequest, "trial" | "checkpointDir">): string | null {
  if (request.trial) return `${request.trial.studyId}:${request.trial.number}`;
  return request.checkpointDir ? `dir:${request.checkpointDir}` : null;
}

/**
 * An objective that runs `spec.argv` for its jobs: a new process per job,
 * or under the persistent protocol one per trial, kept waiting between its
 * jobs (see WaitingPrograms); throws when the spec is invalid.
 */
export function createCommandObjective(spec: CommandSpec, hooks: CommandHooks = {}): Objective {
  assertSpec(spec);
  const metric = spec.metric ?? "value";
  const reuse = spec.protocol === "worker";
  const persistent = spec.protocol === "persistent" || reuse;
  const info: ObjectiveInfo = {
    id: "command",
    title: spec.title ?? `Command: ${path.basename(spec.argv[0])}`,
    description: `Runs ${JSON.stringify(spec.argv)} in ${spec.cwd} for ${reuse ? "jobs of any trial, kept between them" : persistent ? "every trial, kept across its jobs" : "every job"} and reads one JSON line per epoch.`,
    metric,
    direction: spec.direction,
    maxEpochs: spec.maxEpochs,
    space: spec.space,
    defaultEpochDelayMs: 0,
    optimum: null,
    warmStart: commandCanWarmStart(spec),
  };
  const waiting = new WaitingPrograms(spec.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS, spec.maxWaiting ?? DEFAULT_MAX_WAITING, spec.direction);
  const onEnd = (summary: CommandJobSummary) => hooks.onJobEnd?.(summary);

  /** Runs a job on `proc`; a kept program goes to the waiting pool, any other is ended by then. */
  const serve = async (proc: TrialProcess, request: TrainRequest, how: JobStart, key: string | null): Promise<void> => {
    let lastValue = NaN;
    const report: TrainRequest["report"] = (epoch, value, extra) => ((lastValue = value), request.report(epoch, value, extra));
    const { kept, trialOver } = await runJob(proc, { ...request, report }, how, onEnd);
    if (!kept) return;
    if (key) waiting.put(trialOver ? null : key, proc, lastValue);
    else void proc.retire();
  };

  /** A job on a waiting program, or null when it could not take the job (it ended on its own meanwhile, having reported nothing). */
  const tryWaiting = async (proc: TrialProcess, request: TrainRequest, how: JobStart, key: string | null): Promise<"done" | null> => {
    try {
      await serve(proc, request, how, key);
      return "done";
    } catch (error) {
      // A program that ended on its own while it waited (a per-job program under this protocol, or one that
      // exited 0 on a closed stdin) reported nothing of this job: the job runs on a fresh process instead.
      const s = error instanceof CommandError ? error.summary : null;
      if (!s || s.lastEpoch !== request.fromEpoch || s.exitCode !== 0 || request.signal.aborted) throw error;
      return null;
    }
  };

  return {
    info,
    async train(request) {
      if (request.signal.aborted) return;
      const key = persistent ? trialKey(request) : null;
      const own = key ? waiting.take(key) : undefined;
      if (own) {
        const same = !request.warmStart && own.lastEpoch === request.fromEpoch && JSON.stringify(own.params) === JSON.stringify(request.params);
        if (same && !own.isGone && (await tryWaiting(own, request, { kind: "continue" }, key))) return;
        if (!same) await own.retire();
      }
      const cwd = path.resolve(spec.cwd);
      if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`the command's working directory ${cwd} does not exist`);
      if (request.checkpointDir) fs.mkdirSync(request.checkpointDir, { recursive: true });
      const { argv, env } = jobInvocation(spec, request);
      // The worker protocol hands the job to the waiting program least likely to be needed by its own trial.
      const other = reuse && key ? waiting.takeAny() : undefined;
      if (other && !other.isGone) {
        const hypersieveEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith("HYPERSIEVE_") && e[1] !== undefined));
        if (await tryWaiting(other, request, { kind: "start", argv, env: hypersieveEnv }, key)) return;
      }
      const launch: Launch = { argv, env, cwd, metric, graceMs: spec.graceMs ?? DEFAULT_GRACE_MS, timeoutMs: spec.timeoutMs ?? DEFAULT_TIMEOUT_MS, persistent, reuse };
      return serve(new TrialProcess(launch, request), request, { kind: "fresh" }, key);
    },
    release(trial) {
      return waiting.release(trial ? `${trial.studyId}:${trial.number}` : undefined);
    },
  };
}
