/**
 * One running training program of a command trial, and the jobs it serves.
 * Under the per-job protocol a program serves one job and exits; under the
 * persistent protocol it trains to the epoch it is given, waits on stdin for
 * the next instruction (`{"continue_to": 10}` or `{"stop": true}`), and may
 * serve every job of its trial; under the worker protocol a waiting program
 * may also be handed a job of another trial (`{"start": {argv, env}}`). The
 * protocol is docs/command-protocol.md.
 */
import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Params } from "../optimizer/space";
import type { Decision } from "../optimizer/types";
import { judgeEpoch, LineSplitter, LineTail, missingMetricMessage, parseMeasurementLine, tailText } from "./command-lines";
import { groupAlive, terminateGroup, trackGroup, untrackGroup } from "./process-group";
import type { TrainRequest } from "./types";

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
  /** Whether the job ran on a program kept alive from the trial's previous job (persistent protocol) rather than one it started. */
  reusedProcess: boolean;
  /** Whether the program was left running, waiting for the trial's next job (persistent protocol). */
  keptProcess: boolean;
};

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

/** Everything needed to start a trial's program. */
export type Launch = {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  metric: string;
  graceMs: number;
  timeoutMs: number;
  /** The persistent protocol: stdin is a pipe of instructions, and the program waits after each job. */
  persistent: boolean;
  /** The worker protocol (persistent, and more): a program whose trial ended waits too, for another trial. */
  reuse: boolean;
};

/** How a job begins: on a program started for it, on one that waits after this trial's last job, or on one handed this job as another trial's. */
export type JobStart = { kind: "fresh" } | { kind: "continue" } | { kind: "start"; argv: string[]; env: Record<string, string> };

const LOG_TAIL_LINES = 50;
const ERROR_TAIL_LINES = 20;
const ERROR_TAIL_CHARS = 2000;
/** After the program's group is gone, a pipe still held by an escaped process must not hold the job. */
const CLOSE_WAIT_MS = 1000;

/** Where a job listens: the program's lines and its activity go to the job it serves now. */
type Listener = { stdout: (line: string) => void; activity: () => void; gone: () => void };

/**
 * A trial's program: spawned in a process group of its own, its stdout split
 * into lines for whichever job it serves, and `gone` once it has exited and
 * nothing of its group runs.
 */
export class TrialProcess {
  readonly name: string;
  readonly child: ChildProcess | null;
  spawnError: Error | null = null;
  /** Set once the program has exited (or never started) and its group is gone. */
  isGone = false;
  readonly gone: Promise<void>;
  /** The last epoch a job recorded from it, and the params it trains: a job may reuse it only from there. */
  lastEpoch: number;
  params: Params;
  stdoutTail = new LineTail(LOG_TAIL_LINES);
  stderrTail = new LineTail(LOG_TAIL_LINES);
  private killing: Promise<void> | null = null;
  private listener: Listener | null = null;
  private readonly stdoutLines = new LineSplitter((line) => this.listener?.stdout(line) ?? this.idleLine(line));
  private readonly stderrLines = new LineSplitter((line) => this.stderrTail.push(line));

  constructor(
    readonly launch: Launch,
    request: Pick<TrainRequest, "params" | "fromEpoch">,
  ) {
    this.name = path.basename(launch.argv[0]);
    this.params = request.params;
    this.lastEpoch = request.fromEpoch;
    let child: ChildProcess | null = null;
    try {
      child = spawn(launch.argv[0], launch.argv.slice(1), {
        cwd: launch.cwd,
        env: launch.env,
        shell: false,
        detached: true,
        stdio: [launch.persistent ? "pipe" : "ignore", "pipe", "pipe"],
      });
    } catch (error) {
      this.spawnError = error as Error;
    }
    this.child = child;
    this.gone = new Promise<void>((resolve) => {
      const done = () => {
        this.isGone = true;
        this.stdoutLines.end();
        this.stderrLines.end();
        resolve();
        this.listener?.gone();
      };
      if (!child) return void queueMicrotask(done);
      if (child.pid !== undefined) trackGroup(child.pid);
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        this.listener?.activity();
        this.stdoutLines.push(chunk);
      });
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
        this.listener?.activity();
        this.stderrLines.push(chunk);
      });
      // A program that exits while we write an instruction closes the pipe: its exit says what happened.
      child.stdin?.on("error", () => undefined);
      child.on("error", (error) => {
        if (child.pid !== undefined) return;
        this.spawnError = error;
        done();
      });
      const closed = new Promise<void>((r) => child.once("close", () => r()));
      child.once("exit", async () => {
        const pgid = child.pid!;
        // The program is gone, but what it started may not be: no process outlives it.
        if (!this.killing && groupAlive(pgid)) this.killing = terminateGroup(pgid, launch.graceMs);
        if (!this.killing) untrackGroup(pgid);
        await this.killing;
        await Promise.race([closed, new Promise<void>((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
        child.stdout!.destroy();
        child.stderr!.destroy();
        done();
      });
    });
  }

  /** A line printed while no job listens (the program waits between jobs): kept in the log tail, never a value. */
  private idleLine(line: string): void {
    if (line.trim() !== "") this.stdoutTail.push(line);
  }

  /** Routes the program's output to a job, or to nobody. */
  listen(listener: Listener | null): void {
    this.listener = listener;
  }

  /** Writes one instruction line to a persistent program's stdin; false when it cannot be delivered. */
  send(instruction: Record<string, unknown>): boolean {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable || this.isGone) return false;
    stdin.write(`${JSON.stringify(instruction)}\n`);
    return true;
  }

  /** SIGTERM to the program's group, SIGKILL after the grace period; resolves once it is gone. */
  terminate(): Promise<void> {
    const pid = this.child?.pid;
    if (pid !== undefined && !this.killing && !this.isGone) this.killing = terminateGroup(pid, this.launch.graceMs);
    return this.gone;
  }

  /**
   * Ends a program that waits between jobs: the stop instruction and end of
   * stdin first, so it exits on its own; SIGTERM then SIGKILL if it has not
   * within the grace period.
   */
  async retire(): Promise<void> {
    if (this.isGone) return;
    if (this.send({ stop: true })) this.child!.stdin!.end();
    const timer = new Promise<"late">((r) => setTimeout(() => r("late"), this.launch.graceMs).unref());
    if ((await Promise.race([this.gone, timer])) === "late") await this.terminate();
  }

  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  get signalCode(): string | null {
    return this.child?.signalCode ?? null;
  }
}

/** Why we end the program ourselves: a decision or an abort ends the job normally, a failure rejects it. */
type Ending = { kind: "stop" } | { kind: "fail"; message: string };

/** How a job left its program: ended (exited, killed) or kept waiting (`trialOver`: for another trial's job). */
export type JobEnd = { kept: boolean; trialOver: boolean };

/**
 * Runs one job on a program: one started for it, one that waits after the
 * trial's previous job (told `{"continue_to": toEpoch}`), or a waiting one
 * handed this job as another trial's (`{"start": …}`, worker protocol).
 * Under the persistent protocol a job whose last epoch is answered with
 * `pause` (or `continue`) keeps the program, and under the worker protocol
 * so does `stop` there: it resolves with `kept` while the program waits.
 * Any other end is the per-job protocol's: the program's group is ended,
 * the exit judged.
 */
export function runJob(proc: TrialProcess, request: TrainRequest, how: JobStart, onEnd: (summary: CommandJobSummary) => void): Promise<JobEnd> {
  const reused = how.kind !== "fresh";
  if (how.kind === "start") {
    proc.params = request.params;
    proc.lastEpoch = request.fromEpoch;
  }
  const { fromEpoch, toEpoch, signal } = request;
  const { launch, name } = proc;
  const started = Date.now();
  proc.stdoutTail = new LineTail(LOG_TAIL_LINES);
  proc.stderrTail = new LineTail(LOG_TAIL_LINES);
  let last = fromEpoch;
  let ignoredLines = 0;
  let malformedLines = 0;
  let repeatedEpochs = 0;
  // Only the first line with an epoch decides whether the program reports the metric at all.
  let sawEpochLine = false;
  let ending: Ending | null = null;
  let kept = false;
  let pausedAtRung = false;
  let trialOver = false;
  // Reports the database has not taken yet (it is locked, or the disk is full): the job ends after them.
  let pendingReports = 0;
  let onReportsSettled: (() => void) | undefined;
  const reportsSettled = () => (pendingReports === 0 ? Promise.resolve() : new Promise<void>((done) => (onReportsSettled = done)));

  return new Promise<JobEnd>((resolve, reject) => {
    let settled = false;
    let idleTimer: NodeJS.Timeout | undefined;

    const end = (how: Ending) => {
      if (ending) return;
      ending = how;
      clearTimeout(idleTimer);
      // A persistent program that reached its last epoch waits on stdin: telling it to stop is enough.
      if (how.kind === "stop" && launch.persistent && last === toEpoch && !signal.aborted) void proc.retire();
      else void proc.terminate();
    };
    const onAbort = () => end({ kind: "stop" });
    const armTimer = () => {
      clearTimeout(idleTimer);
      if (ending || kept) return;
      idleTimer = setTimeout(() => end({ kind: "fail", message: `timed out: no output for ${launch.timeoutMs} ms` }), launch.timeoutMs);
    };

    const onStdoutLine = (line: string) => {
      if (line.trim() === "") return;
      const parsed = parseMeasurementLine(line, launch.metric);
      if (typeof parsed === "object" && "missingMetric" in parsed) {
        proc.stdoutTail.push(line);
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
        proc.stdoutTail.push(line);
        return;
      }
      sawEpochLine = true;
      if (ending || kept) return;
      const { epoch, value, extra } = parsed;
      const verdict = judgeEpoch(epoch, { fromEpoch, toEpoch, last });
      if (verdict === "repeat") {
        repeatedEpochs++;
        return;
      }
      if (typeof verdict === "object") return end({ kind: "fail", message: verdict.fail });
      if (verdict === "past-end" || signal.aborted) return end({ kind: "stop" });
      last = epoch;
      proc.lastEpoch = epoch;
      const failed = (error: unknown) => end({ kind: "fail", message: `recording epoch ${epoch} failed: ${(error as Error).message}` });
      const decided = (decision: Decision) => {
        if (launch.persistent && epoch === toEpoch && (decision !== "stop" || launch.reuse) && !signal.aborted) {
          kept = true;
          pausedAtRung = decision !== "continue";
          trialOver = decision === "stop";
          void settle();
          return;
        }
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

    const summary = (outcome: CommandJobSummary["outcome"], error: string | null): CommandJobSummary => ({
      params: request.params,
      fromEpoch,
      toEpoch,
      lastEpoch: last,
      outcome,
      error,
      exitCode: kept ? null : proc.exitCode,
      signal: kept ? null : proc.signalCode,
      ignoredLines,
      malformedLines,
      repeatedEpochs,
      stdoutTail: proc.stdoutTail.last(),
      stderrTail: proc.stderrTail.last(),
      durationMs: Date.now() - started,
      reusedProcess: reused,
      keptProcess: kept,
    });

    const failureOf = (): string | null => {
      if (proc.spawnError) return `could not start ${launch.argv[0]}: ${proc.spawnError.message}`;
      if (ending?.kind === "fail") return `${name}: ${ending.message} (after epoch ${last} of ${toEpoch})`;
      if (ending || kept) return null;
      if (proc.signalCode) return `${name} was killed by ${proc.signalCode} after epoch ${last} of ${toEpoch}`;
      if (proc.exitCode !== 0) return `${name} exited with code ${proc.exitCode} after epoch ${last} of ${toEpoch}`;
      if (last < toEpoch) return `${name} exited after epoch ${last} of ${toEpoch}`;
      return null;
    };

    const settle = async () => {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      signal.removeEventListener("abort", onAbort);
      proc.listen(null);
      if (!kept) await proc.gone;
      await reportsSettled();
      const failure = failureOf();
      // A program kept waiting, or stopped by a decision, ended its job normally whatever it does next.
      const result = summary(failure ? "failed" : (kept && pausedAtRung) || (!kept && ending) ? "stopped" : "completed", failure);
      try {
        onEnd(result);
      } catch (error) {
        console.error("[hypersieve] a command job's onJobEnd hook failed:", error);
      }
      if (failure) reject(new CommandError(withTail(failure, result), result));
      else resolve({ kept, trialOver });
    };
    proc.listen({ stdout: onStdoutLine, activity: armTimer, gone: () => void settle() });
    if (proc.isGone) return void settle();
    signal.addEventListener("abort", onAbort, { once: true });
    armTimer();
    const instruction = how.kind === "start" ? { start: { argv: how.argv, env: how.env } } : { continue_to: toEpoch };
    if (reused && !proc.send(instruction)) void proc.terminate();
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
