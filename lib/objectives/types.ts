/** What a trial trains: the objective interface the engine runs jobs through. */
import type { ObjectiveInfo } from "../api/schemas";
import type { Params } from "../optimizer/space";
import type { Decision } from "../optimizer/types";

/** One job: train `params` from the checkpoint at `fromEpoch` (0 = scratch) up to `toEpoch`. */
export type TrainRequest = {
  params: Params;
  fromEpoch: number;
  toEpoch: number;
  /** Added to every epoch, so a person can watch a replay. */
  epochDelayMs: number;
  /** The trial's seed (weights, shuffles, dropout); objectives that need one derive it from the params when absent. */
  seed?: number;
  /** The trial's own folder for checkpoints; objectives that checkpoint resume from it, and retrain when absent. */
  checkpointDir?: string;
  /**
   * For the first job of a branch: start from the parent's checkpoint folder
   * at `epoch` (= fromEpoch) instead of the trial's own, shrinking and
   * perturbing the weights when `shrinkPerturb`. Only objectives whose info
   * says `warmStart` receive one.
   */
  warmStart?: { checkpointDir: string; epoch: number; shrinkPerturb: boolean };
  /** Which study and trial the job belongs to (remote agents need to know). */
  trial?: { studyId: number; number: number };
  /** How many jobs this machine runs at once (the study's parallelism; 1 for an agent): a command's program gets its share of the cores (OMP_NUM_THREADS). */
  jobsAtOnce?: number;
  /** Aborted when the study is paused or stopped. */
  signal: AbortSignal;
  /**
   * Called once per epoch, in order; training goes on only while it answers "continue". The answer is a
   * promise while the database holds writes (locked by another process, or a full disk): wait for it.
   * `wait: false` asks for a 503 HttpError instead (agents, which retry the report themselves).
   * `alongside` runs inside the transaction that stores the report (the agent board notes its job's
   * epoch and lease there, saving a commit per report); it does not run when nothing is stored.
   */
  report: (epoch: number, value: number, extra?: Record<string, number>, options?: { wait?: boolean; alongside?: () => void }) => Decision | Promise<Decision>;
  /**
   * Called once per epoch up to fromEpoch that had to be trained again (a resumed job whose checkpoint
   * was not at hand, as on another agent): the epoch counts against the budget. "stop" when it is spent.
   */
  retrain?: (epoch: number, note: string) => Decision;
};

export interface Objective {
  readonly info: ObjectiveInfo;
  /** Trains one job; resolves when it ends (stopped, paused, aborted or at toEpoch). */
  train(request: TrainRequest): Promise<void>;
  /**
   * Frees what an objective keeps for a trial's next job between jobs (a
   * command's program waiting on stdin): one trial's, or every trial's when
   * none is named. Resolves once it is freed.
   */
  release?(trial?: { studyId: number; number: number }): Promise<void>;
}

/** Resolves after ms, or early when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Runs a job over a pure curve function: one value per epoch, reported in
 * order, with the request's delay between epochs. Replays and synthetic
 * functions both train this way.
 */
export async function replayCurve(request: TrainRequest, valueAt: (epoch: number) => number): Promise<void> {
  for (let epoch = request.fromEpoch + 1; epoch <= request.toEpoch; epoch++) {
    await sleep(request.epochDelayMs, request.signal);
    if (request.signal.aborted) return;
    if ((await request.report(epoch, valueAt(epoch))) !== "continue") return;
    // Yield to the event loop so that parallel trials interleave even without a delay.
    if (request.epochDelayMs <= 0) await new Promise((resolve) => setImmediate(resolve));
  }
}
