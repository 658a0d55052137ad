// Over 400 lines: one study's lifecycle (ask, launch, report, pause, fail, replay) shares one state; the failure watch and checkpoints already live apart.
/**
 * One study in motion: its strategy rebuilt from the event log, the trials it
 * is training, and the loop that asks for jobs until the budget is spent.
 */
import "server-only";
import {
  continueTrial,
  finishTrial,
  getRecentJobOutcomes,
  getReplayEvents,
  getStudyRecord,
  getTrialRecords,
  insertTrial,
  pruneWaitingTrials,
  recordMeasurement,
  recordRetrainedEpoch,
  valueOfEvent,
  recordAnalysisEvent,
  recordRuleEvent,
  rungSettingsOf,
  saveRules,
  saveSnapshots,
  schedulerSettingsOf,
  setStudyStatus,
} from "../../db/queries";
import type { StudyStatus } from "../api/schemas";
import { objectiveForStudy } from "../objectives/registry";
import { getAgentBoard, type AgentSpec } from "./agent-board";
import { FAILURE_WINDOW, FailureWatch } from "./failures";
import { dbFaultOf, stalledError, WriteLane } from "./write-lane";
import { setStudyFault } from "../../db/faults";
import { cleanupStudyCheckpoints, cleanupTrialCheckpoints } from "./checkpoint-sweep";
import type { Objective, TrainRequest } from "../objectives/types";
import path from "node:path";
import { databaseFile } from "../../db/client";
import { getStrategySnapshot, lastEventIdOf, pointSnapshotAt, writeSnapshotFile } from "../../db/strategy-snapshots";
import { stateFromJson, stateToJson } from "../optimizer/state";
import type { StrategyState } from "../optimizer/strategy";
import { createStrategy } from "../optimizer/registry";
import { runRoundInWorker, warmRoundThread } from "../workers/effects-thread";
import { nextTurn, turnSpent } from "./turn-budget";
import { mixSeed } from "../optimizer/rng";
import { buildSubspace, contains, type Rule } from "../optimizer/rules";
import type { Params, Space } from "../optimizer/space";
import type { RaceDecision } from "../optimizer/schedulers/race";
import type { Strategy } from "../optimizer/strategy";
import type { Decision, Job, Verdict } from "../optimizer/types";
import type { RoundResult } from "../optimizer/analysis/round";

/** Why a running trial is being taken off the worker pool from outside the strategy. */
type Interruption = "suspend" | "halt";

type Active = {
  trialId: number;
  number: number;
  controller: AbortController;
  interruption?: Interruption;
  haltReason?: string;
  verdict?: Verdict;
  done: Promise<void>;
};

type StudyRecord = NonNullable<ReturnType<typeof getStudyRecord>>;

/** A study being loaded: step() replays for about budgetMs and says whether it is done; finish() replays the rest and returns the run. */
export type StudyLoader = { step(budgetMs: number): boolean; finish(): StudyRun };

/**
 * Strategy work (milliseconds in ask and tell) between two strategy
 * snapshots: about what a restart replays after the last one. A snapshot
 * (the JSON of every trial) is also kept under a quarter of that work, so
 * cheap strategies, whose replay costs next to nothing, are seldom saved.
 */
const SNAPSHOT_AFTER_MS = 100;
/** Waiting trials a finished study ends per write. */
const PRUNE_AT_END_PER_WRITE = 200;

export class StudyRun {
  private readonly active = new Map<number, Active>();
  private readonly trialIds = new Map<number, number>();
  private state: StudyStatus;
  private epochsSpent: number;
  private pumping = false;
  private snapshotsSaved = 0;
  private detached = false;
  private suspendedMayExist = true;
  /** Continue jobs waiting for their trial's previous job to settle. */
  private readonly deferred = new Map<number, { params: Params; fromEpoch: number; toEpoch: number }>();
  /** The last jobs' outcomes, from the event log, so a restart does not forget a run of failures. */
  private readonly failures: FailureWatch;
  /** Every write that feeds the strategy goes through it, in order, waiting out locks and stopping on disk faults. */
  private readonly lane = new WriteLane({ drained: () => this.pump(), broke: (reason) => this.breakDown(reason) });
  /** Programs being ended that waited between their trial's jobs (persistent command protocol). */
  private releasing: Promise<void> = Promise.resolve();

  /** Milliseconds of strategy work since its last snapshot (or replayed at load after it): what a restart would replay. */
  private strategyMs: number;
  /** What the last snapshot took to write. */
  private snapshotMs = 0;
  private pumpScheduled = false;
  /** The strategy snapshot being encoded or written, if one is. */
  private snapshotting: Promise<void> | null = null;
  /** The analysis round whose effect tests run in a worker thread now, if any. */
  private analysing: number | null = null;
  /**
   * Whether the analysis thread is still to be started. It starts at the study's first report, before the first round
   * (which needs the initial design), so that round does not wait for it to compile the analysis (about half a second
   * of CPU) — and not with the study, where that half second competes with a training program's own start (a Python
   * program importing torch on the same cores reached its first epoch 0.4–1.3 s later on 2 cores).
   */
  private roundThreadDue: boolean;
  private markEnded: () => void = () => undefined;
  /** Resolves once this run has completed, stopped or failed (its trials may still be settling: see idle()). */
  readonly ended: Promise<void> = new Promise<void>((resolve) => (this.markEnded = resolve));

  private constructor(
    private readonly record: StudyRecord,
    private readonly strategy: Strategy,
    private readonly objective: Objective,
    replayMs: number,
  ) {
    this.state = record.status;
    this.epochsSpent = record.epochsSpent;
    for (const t of getTrialRecords(record.id)) this.trialIds.set(t.number, t.id);
    this.failures = new FailureWatch(getRecentJobOutcomes(record.id, FAILURE_WINDOW));
    this.roundThreadDue = record.analysisInWorker && record.strategy.startsWith("sieve") && (record.status === "running" || record.status === "paused");
    this.saveAnalysis();
    // A long replay at load is saved at once, so the next restart does not pay for it again.
    this.strategyMs = replayMs;
    this.snapshotWhenDue();
  }

  /** Persists analysis rounds and rule changes the strategy made since the last call. */
  private saveAnalysis(): void {
    const snapshots = this.strategy.snapshots();
    if (snapshots.length === this.snapshotsSaved) return;
    try {
      saveSnapshots(this.record.id, snapshots.slice(this.snapshotsSaved));
      saveRules(this.record.id, this.strategy.rules());
      this.snapshotsSaved = snapshots.length;
    } catch (error) {
      // Derived from the strategy, never replayed: a later call saves what this one could not.
      if (!dbFaultOf(error)) throw error;
    }
  }

  /** Rebuilds a study's strategy by replaying its event log (DESIGN.md, "Strategy"). */
  static load(studyId: number): StudyRun {
    return StudyRun.loader(studyId).finish();
  }

  /**
   * Loads a study in steps, so a server can answer requests while a long
   * history replays: the strategy starts from its latest snapshot (when it
   * has one that restores) and replays the events logged after it.
   */
  static loader(studyId: number): StudyLoader {
    let prepared: { record: StudyRecord; objective: Objective; strategy: Strategy; events: ReturnType<typeof getReplayEvents> } | null = null;
    let position = 0;
    let replayMs = 0;
    const prepare = () => {
      if (prepared) return prepared;
      const record = getStudyRecord(studyId);
      if (!record) throw new Error(`study ${studyId} does not exist`);
      const objective =
        record.objective === "agent" ? getAgentBoard().objective(record.objectiveConfig as AgentSpec) : objectiveForStudy(record.objective, record.objectiveConfig);
      if (!objective) throw new Error(`study ${studyId}: objective '${record.objective}' is not available`);
      const fresh = () =>
        createStrategy({
          name: record.strategy,
          space: record.space as Space,
          direction: record.direction,
          maxEpochs: record.maxEpochs,
          seed: record.seed,
          settings: { patience: record.patience ?? undefined, ...schedulerSettingsOf(record), ...rungSettingsOf(record) },
          samplerSettings: { deferAnalysis: record.analysisInWorker },
          allowBranch: objective.info.warmStart ?? false,
          branchKeeps: objective.info.warmStartKeeps,
        });
      let strategy = fresh();
      let after = 0;
      const saved = getStrategySnapshot(studyId);
      if (saved) {
        try {
          strategy.restore(stateFromJson(saved.state) as StrategyState);
          after = saved.lastEventId;
        } catch (error) {
          // A snapshot is a shortcut, never the record: the whole log rebuilds the same state.
          console.error(`[hypersieve] study ${studyId}: its strategy snapshot does not restore (${error instanceof Error ? error.message : error}); replaying its whole history`);
          strategy = fresh();
        }
      }
      return (prepared = { record, objective, strategy, events: getReplayEvents(studyId, after) });
    };
    const step = (budgetMs: number): boolean => {
      const { strategy, events } = prepare();
      const started = performance.now();
      const end = started + budgetMs;
      while (position < events.length) {
        replay(strategy, events[position].type, events[position].payload);
        position++;
        if (performance.now() > end) break;
      }
      replayMs += performance.now() - started;
      return position >= events.length;
    };
    return {
      step,
      finish() {
        step(Infinity);
        const { record, strategy, objective, events } = prepared!;
        return new StudyRun(record, strategy, objective, replayMs);
      },
    };
  }

  /**
   * Writes a strategy snapshot when a restart would otherwise replay enough
   * work; call it only when the strategy has taken in every logged event.
   * The state is taken now (the trials copied, everything else encoded),
   * then the trials are encoded 250 at a time between other work and
   * the file written asynchronously: at 10,000 trials the JSON is about 7 MB,
   * whose encoding and writing in one go held the event loop for 100 ms and
   * more. One snapshot at a time.
   */
  private snapshotWhenDue(): void {
    if (this.strategyMs < Math.max(SNAPSHOT_AFTER_MS, 4 * this.snapshotMs) || this.detached || this.snapshotting) return;
    this.strategyMs = 0;
    let started = performance.now();
    const state = this.strategy.save();
    if (!state) return;
    let lastEventId: number;
    try {
      lastEventId = lastEventIdOf(this.record.id);
    } catch (error) {
      return console.error(`[hypersieve] study ${this.record.id}: could not save a strategy snapshot:`, error instanceof Error ? error.message : error);
    }
    // Trials change in place as they report: copy what changes. The rest of the state is encoded now.
    const trials = state.trials.map((t) => ({ ...t, losses: [...t.losses] }));
    const rest = stateToJson({ ...state, trials: undefined });
    let busyMs = performance.now() - started;
    async function* encode(): AsyncGenerator<string> {
      yield `{"trials":[`;
      for (let i = 0; i < trials.length; i += 250) {
        await new Promise((resolve) => setImmediate(resolve));
        started = performance.now();
        const chunk = stateToJson(trials.slice(i, i + 250)).slice(1, -1);
        busyMs += performance.now() - started;
        yield i === 0 ? chunk : `,${chunk}`;
      }
      yield `],${rest.slice(1)}`;
    }
    const id = this.record.id;
    this.snapshotting = writeSnapshotFile(id, lastEventId, encode())
      .then((name) => {
        // A study let go of meanwhile (its database closed) is not written to again.
        if (this.detached) return;
        this.snapshotMs = busyMs;
        return pointSnapshotAt(id, lastEventId, name);
      })
      .catch((error: unknown) => {
        // Only a restart's speed depends on it: the event log stays the record.
        console.error(`[hypersieve] study ${id}: could not save a strategy snapshot:`, error instanceof Error ? error.message : error);
      })
      .finally(() => {
        this.snapshotting = null;
      });
  }

  get id(): number {
    return this.record.id;
  }

  get status(): StudyStatus {
    return this.state;
  }

  get space(): Space {
    return this.strategy.space;
  }

  /** The scheduler's live decision on its rungs (the race's), or null for schedulers that do not check them. */
  raceDecision(): RaceDecision | null {
    return this.strategy.decision();
  }

  /**
   * Lets the objective free what it keeps between a trial's jobs (a waiting
   * program): one trial's, or all when the study stops needing them.
   */
  private release(number?: number): void {
    const freeing = this.objective.release?.(number === undefined ? undefined : { studyId: this.record.id, number });
    if (!freeing) return;
    const logged = freeing.catch((error: unknown) => console.error(`[hypersieve] study ${this.record.id}: could not end a waiting program:`, error));
    this.releasing = Promise.all([this.releasing, logged]).then(() => undefined);
  }

  /** Resolves once the given trial is not training. */
  async idleTrial(number: number): Promise<void> {
    await this.active.get(number)?.done;
  }

  private budgetSpent(): boolean {
    return this.record.budgetKind === "epochs" && this.epochsSpent >= this.record.budgetValue;
  }

  private mayStartNew(): boolean {
    return this.record.budgetKind !== "trials" || this.trialIds.size < this.record.budgetValue;
  }

  /**
   * Runs one write through the lane (now, or once the database takes it), then `after`; a failure that is no
   * database fault fails the study.
   */
  private write<T>(op: () => T, after?: (value: T) => void): void {
    const guarded = after && ((value: T) => {
      try {
        after(value);
      } catch (error) {
        this.fail(error);
      }
    });
    let result: T | Promise<T>;
    try {
      result = this.lane.run(op, guarded);
    } catch (error) {
      return this.fail(error);
    }
    if (result instanceof Promise) result.catch((error: unknown) => this.fail(error));
  }

  /**
   * Pumps once on the next turn of the event loop, however many trials settle
   * before it: trials that settle together (a turn's reports) cost one round
   * of asks, and the scheduler's decision is computed once for them.
   */
  private pumpSoon(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Starts jobs until the pool is full, and finishes the study when nothing is left to do; waits while writes are held. */
  pump(): void {
    if (this.state !== "running" || this.pumping || this.detached || this.lane.stalled) return;
    this.pumping = true;
    try {
      // Suspended trials exist only after a pause or a restart: look for them then, not on every settle.
      if (this.suspendedMayExist) {
        this.suspendedMayExist = false;
        this.relaunchSuspended();
      }
      // A held write (a new trial's row) is part of the pool already: ask for nothing more until it is written.
      // A sieve round out in the worker thread holds the asks until its rules are known, as a round inside the ask did.
      let asked = 0;
      while (this.strategy.pendingAnalysis() === null && this.active.size < this.record.parallelism && !this.budgetSpent() && !this.lane.stalled) {
        // Past the turn's budget the rest of the pool is filled on the next turn (after at least one ask here).
        if (asked++ > 0 && turnSpent()) return this.pumpSoon();
        const started = performance.now();
        const job = this.strategy.ask({ allowNew: this.mayStartNew() });
        this.strategyMs += performance.now() - started;
        if (!job) break;
        this.start(job);
      }
      if (this.strategy.pendingAnalysis() !== null) this.analyseWhenDue();
      else if (this.active.size === 0 && !this.lane.stalled) this.finish("completed");
    } catch (error) {
      this.fail(error);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Runs a due analysis round's tests in a worker thread (a second or more at
   * thousands of trials), then logs that their result came back and completes
   * the round in the same step: a replay completes it at the same point of
   * the log, with the logged result. No job is asked for meanwhile (trials
   * already running go on), so every later configuration sees the round's
   * rules, as when the round ran inside the ask: the study waits a moment,
   * the event loop does not.
   */
  private analyseWhenDue(): void {
    const due = this.strategy.pendingAnalysis();
    if (!due || this.analysing === due.round) return;
    const round = due.round;
    this.analysing = round;
    runRoundInWorker(due.job).then(
      (result) => {
        // A study that ended meanwhile still gets the round (its analysis would be missing otherwise); it is never replayed again.
        if (this.detached || this.strategy.pendingAnalysis()?.round !== round) return;
        // The live strategy takes the result as a replay will read it back from the log.
        const logged = stateToJson(result);
        this.write(
          () => recordAnalysisEvent(this.record.id, round, logged),
          () => {
            this.analysing = null;
            const started = performance.now();
            this.strategy.completeAnalysis(round, stateFromJson(logged) as RoundResult);
            this.strategyMs += performance.now() - started;
            this.saveAnalysis();
            this.pump();
          },
        );
      },
      (error: unknown) => this.fail(error),
    );
  }

  private start(job: Job): void {
    // The strategy has asked already: only the write is retried, never the ask.
    if (job.kind === "new") {
      this.saveAnalysis();
      this.write(
        () => insertTrial(this.record.id, job),
        (trialId) => {
          this.trialIds.set(job.trial, trialId);
          this.launch(job.trial, job.params, 0, job.toEpoch);
        },
      );
      return;
    }
    if (job.kind === "branch") {
      this.saveAnalysis();
      const parentTrialId = this.trialIds.get(job.parent);
      if (parentTrialId === undefined) throw new Error(`strategy branched unknown trial ${job.parent}`);
      this.write(
        () => insertTrial(this.record.id, job, { parent: job.parent, parentTrialId, fromEpoch: job.fromEpoch, shrinkPerturb: job.shrinkPerturb }),
        (trialId) => {
          this.trialIds.set(job.trial, trialId);
          this.launch(job.trial, job.params, job.fromEpoch, job.toEpoch, this.warmStartOf(job.trial));
        },
      );
      return;
    }
    const trialId = this.trialIds.get(job.trial);
    if (trialId === undefined) throw new Error(`strategy continued unknown trial ${job.trial}`);
    this.write(
      () => continueTrial(this.record.id, trialId, job),
      () => {
        const state = this.strategy.trials[job.trial];
        // The strategy may continue a trial whose last job is still winding down (it paused it a moment ago):
        // the new job starts when that one has settled, so one trial never trains in two places at once.
        const next = { params: state.params, fromEpoch: state.losses.length, toEpoch: job.toEpoch };
        if (this.active.has(job.trial)) this.deferred.set(job.trial, next);
        else this.launch(job.trial, next.params, next.fromEpoch, next.toEpoch);
      },
    );
  }

  /** Trials cut short by a pause are still running for the strategy: they go on from their last epoch. */
  private relaunchSuspended(): void {
    for (const t of getTrialRecords(this.record.id, "paused")) {
      // A branch has trained nothing of its own until past its start epoch.
      const from = Math.max(t.lastEpoch, t.startEpoch);
      if (from >= t.targetEpoch || this.active.has(t.number)) continue;
      this.write(
        () => continueTrial(this.record.id, t.id, { trial: t.number, toEpoch: t.targetEpoch }, false),
        () => this.launch(t.number, t.params as Params, from, t.targetEpoch, from === t.startEpoch ? this.warmStartOf(t.number) : undefined),
      );
    }
  }

  /** Where a branch starts: its parent's folder at its start epoch, as its schedule's last segment says (undefined for a trial from scratch). */
  private warmStartOf(number: number): TrainRequest["warmStart"] {
    const state = this.strategy.trials[number];
    const segment = state?.schedule?.[state.schedule.length - 1];
    if (!state || state.parent === undefined || !segment) return undefined;
    return { checkpointDir: checkpointDir(this.record.id, state.parent), epoch: segment.fromEpoch, shrinkPerturb: segment.shrinkPerturb === true };
  }

  private launch(number: number, params: Params, fromEpoch: number, toEpoch: number, warmStart?: TrainRequest["warmStart"]): void {
    const trialId = this.trialIds.get(number)!;
    const controller = new AbortController();
    const active: Active = { trialId, number, controller, done: Promise.resolve() };
    this.active.set(number, active);
    active.done = this.objective
      .train({
        params,
        fromEpoch,
        toEpoch,
        epochDelayMs: this.record.epochDelayMs,
        seed: mixSeed(this.record.seed, number),
        trial: { studyId: this.record.id, number },
        jobsAtOnce: this.record.parallelism,
        checkpointDir: checkpointDir(this.record.id, number),
        ...(warmStart ? { warmStart } : {}),
        signal: controller.signal,
        report: (epoch, value, extra, options) => this.report(active, epoch, value, extra, options),
        retrain: (epoch, note) => this.retrain(active, epoch, note),
      })
      .then(
        () => this.settle(active, null),
        (error: unknown) => this.settle(active, error),
      );
  }

  /**
   * Persists one epoch, then asks the strategy; the answer is given only after the commit. While writes are
   * held the answer waits too (a promise), or, for a caller that retries by itself (`wait: false`, agents),
   * is a 503 that tells it to keep the result and send it again.
   */
  private report(active: Active, epoch: number, value: number, extra?: Record<string, number>, options?: { wait?: boolean; alongside?: () => void }): Decision | Promise<Decision> {
    if (active.controller.signal.aborted || this.detached) return "stop";
    if (this.roundThreadDue) {
      this.roundThreadDue = false;
      warmRoundThread();
    }
    const op = () => this.recordReport(active, epoch, value, extra, options?.alongside);
    if (options?.wait === false) return this.lane.runNow(op);
    // Past the turn's budget a report waits for the next turn; one that must answer now (agents) does not.
    if (turnSpent()) return nextTurn().then(() => this.report(active, epoch, value, extra, options));
    return this.lane.run(op);
  }

  private recordReport(active: Active, epoch: number, value: number, extra?: Record<string, number>, alongside?: () => void): Decision {
    // After a verdict the job is over: a line the program printed before it was stopped (its report waited for a
    // later turn) is not stored — the strategy has ended the trial, and a report it cannot take would also stop
    // the study's event log from replaying.
    if (active.controller.signal.aborted || this.detached || active.verdict) return "stop";
    const outcome = recordMeasurement({
      studyId: this.record.id,
      trialId: active.trialId,
      trialNumber: active.number,
      epoch,
      value,
      loss: this.strategy.toLoss(value),
      extra: extra ?? null,
      alongside,
    });
    if (outcome === "duplicate") return "continue";
    this.epochsSpent += 1;
    const told = performance.now();
    const verdict = this.strategy.tell({ trial: active.number, epoch, value });
    this.strategyMs += performance.now() - told;
    this.snapshotWhenDue();
    if (verdict.decision !== "continue") active.verdict = verdict;
    if (this.budgetSpent()) {
      for (const other of this.active.values()) this.interrupt(other, "halt", "the study's budget is spent");
      return "stop";
    }
    return verdict.decision;
  }

  /** Charges an epoch trained a second time to the budget; the measurement it repeats is already stored. */
  private retrain(active: Active, epoch: number, note: string): Decision {
    if (active.controller.signal.aborted || this.detached) return "stop";
    recordRetrainedEpoch({ studyId: this.record.id, trialId: active.trialId, trialNumber: active.number, epoch, note });
    this.epochsSpent += 1;
    if (this.budgetSpent()) {
      for (const other of this.active.values()) this.interrupt(other, "halt", "the study's budget is spent");
      return "stop";
    }
    return "continue";
  }

  private interrupt(active: Active, how: Interruption, reason: string): void {
    if (active.verdict || active.interruption) return;
    active.interruption = how;
    active.haltReason = reason;
    active.controller.abort();
  }

  /** Records how a job ended, frees its slot and asks for more work. */
  /**
   * Lets go of the study without touching the database again: running jobs
   * are aborted and whatever they do next is ignored (tests closing their
   * database, process shutdown). On the next start, its running trials are
   * marked interrupted as after a crash.
   */
  async detach(): Promise<void> {
    this.detached = true;
    this.lane.close();
    for (const a of this.active.values()) a.controller.abort();
    await Promise.race([Promise.all([...this.active.values()].map((a) => a.done)), new Promise((r) => setTimeout(r, 1000))]);
    this.release();
    await this.releasing;
    await this.snapshotting;
  }

  private settle(active: Active, error: unknown): void {
    if (this.detached) return;
    if (this.active.get(active.number) === active) this.active.delete(active.number);
    const studyId = this.record.id;
    const deferred = this.deferred.get(active.number);
    this.deferred.delete(active.number);
    // One write per outcome, the strategy told after it: a held write changed nothing, so it can run again.
    this.write(
      () => {
        if (active.verdict && deferred && active.verdict.decision === "pause") {
          // Already continued: the trial's row says running, to the new target. If the study was paused or
          // stopped meanwhile, the trial waits as a suspended one (paused short of its target).
          if (this.state === "running") this.launch(active.number, deferred.params, deferred.fromEpoch, deferred.toEpoch);
          else finishTrial(studyId, active.trialId, active.number, "paused", "the study was paused", "trial_suspended");
          this.failures.record({ failed: false, trial: active.number, reason: null });
        } else if (active.verdict) {
          const status = active.verdict.status ?? (active.verdict.decision === "pause" ? "paused" : "pruned");
          finishTrial(studyId, active.trialId, active.number, status, active.verdict.reason ?? null);
          this.failures.record({ failed: false, trial: active.number, reason: null });
        } else if (active.interruption === "suspend") {
          finishTrial(studyId, active.trialId, active.number, "paused", "the study was paused", "trial_suspended");
        } else if (active.interruption === "halt") {
          finishTrial(studyId, active.trialId, active.number, "pruned", active.haltReason!, "trial_halted");
          this.strategy.halt(active.number, active.haltReason!);
        } else {
          const reason = error instanceof Error ? error.message : error ? String(error) : "the objective ended before its last epoch";
          finishTrial(studyId, active.trialId, active.number, "failed", reason, "trial_failed");
          this.strategy.fail(active.number, reason);
          this.failures.record({ failed: true, trial: active.number, reason });
        }
      },
      () => {
        const cleanup = () => this.cleanupCheckpoints(() => cleanupTrialCheckpoints(studyId, active.number));
        const tooMany = this.state === "running" ? this.failures.verdict() : null;
        if (tooMany) {
          cleanup();
          return this.fail(tooMany, "the study failed: too many of its trials failed");
        }
        this.pumpSoon();
        // After the pump (immediates run in order): the next job starts first, and a program waiting for its next
        // instruction (persistent and worker protocols) gets it without waiting for the clean-up's queries and deletes.
        setImmediate(() => {
          if (!this.detached) cleanup();
        });
      },
    );
  }

  /** Runs a checkpoint clean-up; a file that cannot be deleted is logged, never a reason to fail the study. */
  private cleanupCheckpoints(run: () => unknown): void {
    try {
      run();
    } catch (error) {
      console.error(`[hypersieve] study ${this.record.id}: checkpoint clean-up failed:`, error);
    }
  }

  /** Adds a user rule (pin, range, exclusion); it holds for every trial asked for from now on. Returns it and the running trials outside it. */
  addUserRule(rule: Rule): { rule: Rule; outside: number[] } {
    const next = [...this.strategy.userRuleList, rule];
    this.lane.runNow(() => {
      recordRuleEvent(this.record.id, "user_rules", { rules: next });
      this.strategy.setUserRules(next);
    });
    this.saveRulesIfPossible();
    return { rule, outside: this.runningOutside() };
  }

  /** Accepts or rejects a rule: a discovered one through the strategy, a user one by changing its status. */
  decideRule(ruleId: string, status: "active" | "rejected"): { rule: Rule; outside: number[] } {
    const user = this.strategy.userRuleList.find((r) => r.id === ruleId);
    if (!user && !this.strategy.rules().some((r) => r.id === ruleId)) throw new RangeError(`study ${this.record.id} has no rule '${ruleId}'`);
    if (user) {
      const next = this.strategy.userRuleList.map((r) => (r.id === ruleId ? { ...r, status } : r));
      this.lane.runNow(() => {
        recordRuleEvent(this.record.id, "user_rules", { rules: next });
        this.strategy.setUserRules(next);
      });
    } else {
      this.lane.runNow(() => {
        recordRuleEvent(this.record.id, "rule_decision", { rule: ruleId, status });
        this.strategy.decideRule(ruleId, status);
      });
    }
    this.saveRulesIfPossible();
    const rule = this.strategy.rules().find((r) => r.id === ruleId)!;
    return { rule, outside: this.runningOutside() };
  }

  /** Saves the rules table (derived from the strategy; the next change saves it again if this one cannot). */
  private saveRulesIfPossible(): void {
    try {
      saveRules(this.record.id, this.strategy.rules());
    } catch (error) {
      if (!dbFaultOf(error)) throw error;
    }
  }

  /** The next free id for a user rule. */
  nextUserRuleId(): string {
    return `user:${this.strategy.userRuleList.length + 1}`;
  }

  /** Numbers of the running trials that lie outside the current subspace. */
  private runningOutside(): number[] {
    const sub = buildSubspace(this.strategy.space, this.strategy.rules());
    return this.strategy.trials.filter((t) => t.status === "running" && !contains(sub, t.z)).map((t) => t.number);
  }

  /** Stops one running or paused trial at the user's request; it keeps what it reported. */
  stopTrial(number: number, reason = "stopped by the user"): boolean {
    const active = this.active.get(number);
    if (active) {
      this.interrupt(active, "halt", reason);
      return true;
    }
    const state = this.strategy.trials[number];
    const trialId = this.trialIds.get(number);
    if (!state || trialId === undefined || state.status !== "paused") return false;
    this.lane.runNow(() => {
      finishTrial(this.record.id, trialId, number, "pruned", reason, "trial_halted");
      this.strategy.halt(number, reason);
    });
    this.release(number);
    this.pump();
    return true;
  }

  /** Takes every running trial off the pool, keeping its progress, and waits until they settle. */
  async pause(): Promise<void> {
    if (this.state !== "running") return;
    this.lane.runNow(() => setStudyStatus(this.record.id, "paused"));
    this.state = "paused";
    const settling = [...this.active.values()].map((a) => (this.interrupt(a, "suspend", "the study was paused"), a.done));
    await Promise.all(settling);
    // A paused study frees what its trials hold: they resume from their checkpoints.
    this.release();
    await this.releasing;
    await this.snapshotting;
  }

  /**
   * Continues a paused study: suspended trials go on, then new jobs are asked for. After a disk fault the
   * held writes are tried first; when the database still refuses them, the study stays paused (a 503).
   */
  resume(): void {
    if (this.state !== "paused") return;
    if (this.lane.fault !== null && !this.lane.resume() && this.lane.fault !== null) throw stalledError(this.lane.fault);
    this.write(() => setStudyStatus(this.record.id, "running"));
    if (this.lane.fault !== null) throw stalledError(this.lane.fault);
    setStudyFault(this.record.id, null);
    this.state = "running";
    this.suspendedMayExist = true;
    this.pump();
  }

  /** A write failed for want of disk or for an I/O error: the study pauses with the cause, and its trials wait with their work. */
  private breakDown(reason: string): void {
    console.error(`[hypersieve] study ${this.record.id} paused: ${reason}`);
    if (this.state === "running") this.state = "paused";
    setStudyFault(this.record.id, `paused: ${reason}; free space or fix the disk, then resume`);
    try {
      setStudyStatus(this.record.id, "paused", `paused: ${reason}; free space or fix the disk, then resume`);
    } catch {
      // The disk refuses this too: the fault, held in memory, shows the study paused meanwhile.
    }
  }

  /** Ends the study for good; running trials stop and keep what they reported. */
  async stop(): Promise<void> {
    if (this.state !== "running" && this.state !== "paused") return;
    // Its trials wait on writes the disk refused: stopping them must write too.
    if (this.lane.fault !== null) throw stalledError(`${this.lane.fault}; resume it once the disk takes writes again`);
    this.state = "stopped";
    this.markEnded();
    const settling = [...this.active.values()].map((a) => (this.interrupt(a, "halt", "the study was stopped"), a.done));
    await Promise.all(settling);
    for (const t of getTrialRecords(this.record.id, "paused")) {
      this.write(() => {
        finishTrial(this.record.id, t.id, t.number, "pruned", "the study was stopped", "trial_halted");
        this.strategy.halt(t.number, "the study was stopped");
      });
    }
    this.release();
    this.write(() => setStudyStatus(this.record.id, "stopped"), () => this.cleanupCheckpoints(() => cleanupStudyCheckpoints(this.record.id)));
    await this.releasing;
  }

  /** Resolves once no trial of this study is training (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.all([...this.active.values()].map((a) => a.done));
    await this.releasing;
  }

  private finish(status: "completed"): void {
    // Trials the race left waiting at a rung will not go on: they end pruned, so a finished study has no paused trial.
    // A few hundred per write, a turn of the event loop apart: thousands of them in one transaction held the loop for a tenth of a second.
    const prune = () =>
      this.write(
        () => pruneWaitingTrials(this.record.id, PRUNE_AT_END_PER_WRITE),
        (ended) => {
          for (const t of ended) this.strategy.halt(t.number, t.reason);
          if (ended.length === PRUNE_AT_END_PER_WRITE) return void setImmediate(prune);
          this.write(() => setStudyStatus(this.record.id, status), () => this.cleanupCheckpoints(() => cleanupStudyCheckpoints(this.record.id)));
        },
      );
    this.release();
    this.state = status;
    prune();
    this.markEnded();
  }

  /** Ends the study as failed with `error` as its reason; its running trials stop with `haltReason`. */
  private fail(error: unknown, haltReason?: string): void {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[hypersieve] study ${this.record.id} failed:`, error);
    this.state = "failed";
    this.markEnded();
    const reason = haltReason ?? `the study failed: ${message}`;
    for (const a of this.active.values()) this.interrupt(a, "halt", reason);
    this.release();
    try {
      setStudyStatus(this.record.id, "failed", message);
    } catch (e) {
      console.error(`[hypersieve] study ${this.record.id}: could not record its failure:`, e);
    }
    try {
      // Trials the strategy paused at a rung will never be continued now.
      for (const t of getTrialRecords(this.record.id, "paused")) {
        if (this.active.has(t.number)) continue;
        finishTrial(this.record.id, t.id, t.number, "pruned", reason, "trial_halted");
        this.strategy.halt(t.number, reason);
      }
    } catch (e) {
      console.error(`[hypersieve] study ${this.record.id}: could not close its paused trials:`, e);
    }
  }
}

/** A trial's checkpoint folder: beside the database, under checkpoints/<study>/<trial>. */
export function checkpointDir(studyId: number, trialNumber: number): string {
  return path.join(path.dirname(databaseFile()), "checkpoints", String(studyId), String(trialNumber));
}

/** Applies one logged event to a strategy being rebuilt; a job must come out of ask() exactly as logged. */
export function replay(strategy: Strategy, type: string, payload: Record<string, unknown>): void {
  const trial = payload.trial as number;
  if (type === "job") {
    const job = strategy.ask({ allowNew: true });
    const sameBranch = job?.kind !== "branch" || (job.parent === payload.parent && job.fromEpoch === payload.fromEpoch);
    if (!job || job.kind !== payload.kind || job.trial !== trial || job.toEpoch !== payload.toEpoch || !sameBranch) {
      throw new Error(`replay diverged at trial ${trial}: the log has ${JSON.stringify(payload)}, the strategy asked ${JSON.stringify(job)}`);
    }
  } else if (type === "report") {
    // A log written before diverged trials were stopped at their first non-finite report may go on past it: the
    // strategy has ended that trial on a non-finite loss (stored as Infinity), and takes no more of its reports.
    const t = strategy.trials[trial];
    if (t && t.status === "pruned" && t.losses[t.losses.length - 1] === Infinity) return;
    strategy.tell({ trial, epoch: payload.epoch as number, value: valueOfEvent(payload.value) });
  } else if (type === "trial_failed") {
    strategy.fail(trial, String(payload.reason ?? "failed"));
  } else if (type === "trial_halted") {
    strategy.halt(trial, String(payload.reason ?? "halted"));
  } else if (type === "user_rules") {
    strategy.setUserRules(payload.rules as Rule[]);
  } else if (type === "rule_decision") {
    strategy.decideRule(String(payload.rule), payload.status as "active" | "rejected");
  } else if (type === "analysis") {
    strategy.completeAnalysis(payload.round as number, stateFromJson(String(payload.result)) as RoundResult);
  }
}
