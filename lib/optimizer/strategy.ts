/**
 * Ask/tell: a sampler and a scheduler over one study's history.
 * A strategy's state is a pure function of its seed and the sequence of
 * asks and tells it received, so replaying a study's event log rebuilds it.
 */
import { branchable, branchSchedule, gaussianNeighbour } from "./branching";
import { deriveRng } from "./rng";
import { buildSubspace, clampToBox, contains, isEmptyBox, sampleSubspace, type Rule, type Subspace } from "./rules";
import type { RoundResult } from "./analysis/round";
import type { AnalysisSnapshot, PendingRound } from "./samplers/sieve";
import type { RaceDecision } from "./schedulers/race";
import { assertSpace, decode, encode, type Params, type Space } from "./space";
import type { Direction, Job, Sampler, Scheduler, SchedulerJob, Segment, StudyView, TrialState, TrialStatus, Verdict } from "./types";

export type StrategyOptions = {
  space: Space;
  direction: Direction;
  maxEpochs: number;
  seed: number;
  sampler: Sampler;
  scheduler: Scheduler;
  /** Whether the objective can warm start from another trial's checkpoint; without it the strategy never branches. */
  allowBranch?: boolean;
  /** Params a branch keeps from its parent, because a checkpoint cannot carry over a change of them (the network's shape). */
  branchKeeps?: readonly string[];
};

type MutableTrial = {
  number: number;
  params: TrialState["params"];
  z: number[];
  status: TrialStatus;
  losses: number[];
  targetEpoch: number;
  entryEpoch: number;
  bestLoss: number;
  bestEpoch: number;
  reason?: string;
  origin?: string;
  parent?: number;
  startEpoch: number;
  schedule: Segment[];
};

/** A strategy's state as plain data (Strategy.save). */
export type StrategyState = { version: 1; trials: readonly TrialState[]; userRules: readonly Rule[]; sampler: unknown; scheduler: unknown };

/** The best point seen so far: which trial, at which epoch, and its loss. */
export type Incumbent = { trial: number; epoch: number; loss: number };

export class Strategy {
  readonly space: Space;
  readonly direction: Direction;
  readonly maxEpochs: number;
  readonly seed: number;
  private readonly sampler: Sampler;
  private readonly scheduler: Scheduler;
  private readonly allowBranch: boolean;
  private readonly branchKeeps: readonly string[];
  private readonly list: MutableTrial[] = [];
  private userRules: Rule[] = [];
  private userSubspace: Subspace | null = null;

  constructor(options: StrategyOptions) {
    assertSpace(options.space);
    if (!Number.isInteger(options.maxEpochs) || options.maxEpochs < 1) {
      throw new RangeError(`strategy: maxEpochs must be a positive integer, got ${options.maxEpochs}`);
    }
    this.space = options.space;
    this.direction = options.direction;
    this.maxEpochs = options.maxEpochs;
    this.seed = options.seed;
    this.sampler = options.sampler;
    this.scheduler = options.scheduler;
    this.allowBranch = options.allowBranch ?? false;
    this.branchKeeps = options.branchKeeps ?? [];
  }

  /** A short name such as "random+fifo(patience=5)". */
  get name(): string {
    return `${this.sampler.name}+${this.scheduler.name}`;
  }

  /** Every trial so far, in order of creation. */
  get trials(): readonly TrialState[] {
    return this.list;
  }

  private view(): StudyView {
    return { space: this.space, maxEpochs: this.maxEpochs, trials: this.list, allowBranch: this.allowBranch, branchKeeps: this.branchKeeps };
  }

  /**
   * The next job, or null when the scheduler waits for running trials (or
   * wants a new configuration while `allowNew` is false).
   */
  ask(options: { allowNew?: boolean } = {}): Job | null {
    const want = this.scheduler.next(this.view());
    if (want === null) return null;
    const toEpoch = Math.min(this.maxEpochs, want.toEpoch);
    if (want.kind === "continue") {
      const trial = this.list[want.trial];
      if (!trial || trial.status !== "paused") throw new Error(`scheduler asked to continue trial ${want.trial}, which is not paused`);
      if (toEpoch <= trial.losses.length) throw new Error(`scheduler asked to continue trial ${want.trial} to epoch ${toEpoch}, which it has passed`);
      trial.status = "running";
      trial.targetEpoch = toEpoch;
      trial.reason = undefined;
      return { kind: "continue", trial: trial.number, toEpoch };
    }
    if (options.allowNew === false) return null;
    if (want.kind === "branch") return this.branch(want, toEpoch);
    const number = this.list.length;
    const params = this.sampleWithinRules(number);
    this.list.push({
      number,
      params,
      z: encode(this.space, params),
      status: "running",
      losses: [],
      targetEpoch: toEpoch,
      entryEpoch: toEpoch,
      bestLoss: Infinity,
      bestEpoch: 0,
      origin: this.sampler.origin?.(number),
      startEpoch: 0,
      schedule: [{ fromEpoch: 0, params }],
    });
    return { kind: "new", trial: number, params, toEpoch };
  }

  /**
   * Starts a new trial from the parent's checkpoint at `fromEpoch`: it
   * inherits the parent's losses up to there (not paid for), so rungs count
   * absolute epochs. Its params are the scheduler's, or a neighbour of the
   * parent from the sampler; either way they obey the user's rules and keep
   * the parent's values of `branchKeeps`.
   */
  private branch(want: Extract<SchedulerJob, { kind: "branch" }>, toEpoch: number): Job {
    if (!this.allowBranch) throw new Error(`scheduler asked to branch trial ${want.parent}, but this objective cannot warm start`);
    const parent = this.list[want.parent];
    if (!parent || !branchable(parent, want.fromEpoch)) {
      throw new Error(`scheduler asked to branch trial ${want.parent} at epoch ${want.fromEpoch}, which has no checkpoint to branch from`);
    }
    if (toEpoch <= want.fromEpoch) throw new Error(`scheduler asked to branch trial ${want.parent} at epoch ${want.fromEpoch} up to epoch ${toEpoch}`);
    const number = this.list.length;
    const rng = deriveRng(this.seed, "branch", number);
    let params = want.params ?? this.sampler.neighbour?.(this.view(), rng, number, parent) ?? gaussianNeighbour(this.space, parent.z, rng);
    params = this.withinUserRules(params);
    for (const name of this.branchKeeps) if (Object.hasOwn(parent.params, name)) params = { ...params, [name]: parent.params[name] };
    const shrinkPerturb = want.shrinkPerturb ?? false;
    const losses = parent.losses.slice(0, want.fromEpoch);
    let bestLoss = Infinity;
    let bestEpoch = 0;
    losses.forEach((loss, i) => {
      if (loss < bestLoss) [bestLoss, bestEpoch] = [loss, i + 1];
    });
    this.list.push({
      number,
      params,
      z: encode(this.space, params),
      status: "running",
      losses,
      targetEpoch: toEpoch,
      entryEpoch: toEpoch,
      bestLoss,
      bestEpoch,
      origin: want.origin,
      parent: parent.number,
      startEpoch: want.fromEpoch,
      schedule: branchSchedule(parent, want.fromEpoch, params, shrinkPerturb),
    });
    return { kind: "branch", trial: number, parent: parent.number, fromEpoch: want.fromEpoch, params, toEpoch, shrinkPerturb };
  }

  /** Moves params chosen outside the sampler into the user's subspace (the nearest point of its box) and applies the pins. */
  private withinUserRules(params: Params): Params {
    const sub = this.userSubspace;
    if (!sub) return params;
    let next = params;
    const z = encode(this.space, params);
    if (!contains(sub, z)) {
      const clamped = clampToBox(sub, z);
      next = contains(sub, clamped) ? decode(this.space, clamped) : decode(this.space, sampleSubspace(sub, deriveRng(this.seed, "subspace", this.list.length)) ?? clamped);
    }
    for (const rule of this.userRules) if (rule.kind === "pin" && rule.status === "active") next = { ...next, [rule.param]: rule.value };
    return next;
  }

  /**
   * Asks the sampler for a configuration that obeys the user's rules: a
   * sampler that does not know rules gets a few more tries, then the
   * configuration is drawn uniformly from the user's subspace. Pins hold exactly.
   */
  private sampleWithinRules(number: number): Params {
    const rng = deriveRng(this.seed, "sample", number);
    const view = this.samplerView();
    let params = this.sampler.sample(view, rng, number);
    const sub = this.userSubspace;
    if (sub) {
      for (let attempt = 1; attempt < 10 && !contains(sub, encode(this.space, params)); attempt++) {
        params = this.sampler.sample(view, deriveRng(this.seed, "sample", number, attempt), number);
      }
      if (!contains(sub, encode(this.space, params))) {
        const z = sampleSubspace(sub, deriveRng(this.seed, "subspace", number));
        if (z) params = decode(this.space, z);
      }
      for (const rule of this.userRules) if (rule.kind === "pin" && rule.status === "active") params = { ...params, [rule.param]: rule.value };
    }
    return params;
  }

  /** The view a sampler samples in: the study, and the fidelity the scheduler trusts. */
  private samplerView(): StudyView {
    const base = this.view();
    const fidelity = this.scheduler.trustedFidelity?.(base);
    return fidelity ? { ...base, trustedEpoch: fidelity.epoch, fidelityJudged: fidelity.judged } : base;
  }

  /** The sampler's analysis round waiting for its effect tests (run them elsewhere, then completeAnalysis), or null. */
  pendingAnalysis(): PendingRound | null {
    return this.sampler.pendingAnalysis?.(this.view()) ?? null;
  }

  /** Completes the waiting analysis round with its job's result, as of now: its rules hold for every configuration asked for from here on. */
  completeAnalysis(round: number, result: RoundResult): void {
    if (!this.sampler.completeAnalysis) throw new Error(`strategy ${this.name} has no analysis rounds`);
    this.sampler.completeAnalysis(this.samplerView(), round, result);
  }

  /** Replaces the user's rules (pins, ranges, exclusions); they hold for every configuration asked for from now on. */
  setUserRules(rules: readonly Rule[]): void {
    const own = rules.filter((r) => r.origin === "user");
    const sub = buildSubspace(this.space, own);
    if (isEmptyBox(sub)) throw new RangeError("these rules leave no configuration to try");
    this.userRules = own;
    this.userSubspace = own.some((r) => r.status === "active") ? sub : null;
    this.sampler.setUserRules?.(own);
  }

  /** The user's rules, as last set. */
  get userRuleList(): readonly Rule[] {
    return this.userRules;
  }

  /** Accepts or rejects a rule the sampler discovered. */
  decideRule(id: string, status: "active" | "rejected"): void {
    if (!this.sampler.decideRule) throw new RangeError(`strategy ${this.name} discovers no rules`);
    this.sampler.decideRule(id, status);
  }

  /** The rules in play: the user's, then those the sampler discovered. */
  rules(): readonly Rule[] {
    return [...this.userRules, ...(this.sampler.rules?.() ?? [])];
  }

  /** The sampler's analysis rounds so far (empty for samplers that do not analyse). */
  snapshots(): readonly AnalysisSnapshot[] {
    return this.sampler.snapshots?.() ?? [];
  }

  /** The scheduler's decision on its rungs now (the race's), or null for schedulers that do not check them. */
  decision(): RaceDecision | null {
    return this.scheduler.decision?.(this.view()) ?? null;
  }

  /** Takes one epoch's reported value and answers continue, pause or stop. */
  tell(report: { trial: number; epoch: number; value: number }): Verdict {
    const trial = this.list[report.trial];
    if (!trial) throw new Error(`tell: unknown trial ${report.trial}`);
    if (trial.status !== "running") throw new Error(`tell: trial ${report.trial} is ${trial.status}, not running`);
    if (report.epoch !== trial.losses.length + 1) {
      throw new Error(`tell: trial ${report.trial} expected epoch ${trial.losses.length + 1}, got ${report.epoch}`);
    }
    const loss = this.toLoss(report.value);
    trial.losses.push(loss);
    if (loss < trial.bestLoss) {
      trial.bestLoss = loss;
      trial.bestEpoch = report.epoch;
    }
    let verdict = this.scheduler.onReport(trial, this.view());
    if (verdict.decision === "continue" && loss === Infinity) {
      // A diverged run (NaN or an infinite value) does not come back: it ends here as pruned, not failed — the
      // program did its job, and a wide learning-rate range should not read as a broken program.
      verdict = { decision: "stop", status: "pruned", reason: `diverged: the metric was ${report.value} at epoch ${report.epoch}` };
    }
    if (verdict.decision === "continue" && report.epoch >= trial.targetEpoch) {
      verdict =
        report.epoch >= this.maxEpochs
          ? { decision: "stop", status: "completed", reason: `reached ${this.maxEpochs} epochs` }
          : { decision: "pause", status: "paused", reason: `reached epoch ${report.epoch}` };
    }
    if (verdict.decision !== "continue") {
      trial.status = verdict.status ?? (verdict.decision === "pause" ? "paused" : "pruned");
      trial.reason = verdict.reason;
    }
    return verdict;
  }

  /** Marks a running trial failed (crashed, interrupted, or stopped from outside). */
  fail(trialNumber: number, reason: string): void {
    const trial = this.list[trialNumber];
    if (!trial) throw new Error(`fail: unknown trial ${trialNumber}`);
    trial.status = "failed";
    trial.reason = reason;
  }

  /** Ends a running trial at the user's request, keeping what it reported. */
  halt(trialNumber: number, reason: string): void {
    const trial = this.list[trialNumber];
    if (!trial) throw new Error(`halt: unknown trial ${trialNumber}`);
    if (trial.status === "running" || trial.status === "paused") {
      trial.status = "pruned";
      trial.reason = reason;
    }
  }

  /**
   * The whole state as plain data (lib/optimizer/state.ts), or null when its
   * sampler or scheduler cannot save theirs: then only a replay of the
   * history rebuilds it.
   */
  save(): StrategyState | null {
    if (!this.sampler.save || !this.scheduler.save) return null;
    return { version: 1, trials: this.list, userRules: this.userRules, sampler: this.sampler.save(), scheduler: this.scheduler.save() };
  }

  /** Takes back a state from save() (after a JSON round trip), in a strategy just made with the same setup. */
  restore(state: StrategyState): void {
    if (state.version !== 1 || !this.sampler.restore || !this.scheduler.restore) throw new Error(`strategy ${this.name} cannot restore this snapshot`);
    if (this.list.length > 0) throw new Error("restore: the strategy has already run");
    for (const t of state.trials) this.list.push({ ...t, losses: [...t.losses], z: [...t.z] } as MutableTrial);
    const own = state.userRules.filter((r) => r.origin === "user");
    this.userRules = own;
    this.userSubspace = own.some((r) => r.status === "active") ? buildSubspace(this.space, own) : null;
    this.sampler.restore(state.sampler);
    this.scheduler.restore(state.scheduler);
  }

  /** The best loss over every trial and epoch reported, or null before the first report. */
  incumbent(): Incumbent | null {
    let best: Incumbent | null = null;
    for (const t of this.list) {
      if (t.bestEpoch > 0 && (best === null || t.bestLoss < best.loss)) best = { trial: t.number, epoch: t.bestEpoch, loss: t.bestLoss };
    }
    return best;
  }

  /** Converts a reported value into a loss (lower is better); non-finite values are the worst loss. */
  toLoss(value: number): number {
    if (!Number.isFinite(value)) return Infinity;
    return this.direction === "minimize" ? value : -value;
  }

  /** Converts a loss back into the study's metric. */
  fromLoss(loss: number): number {
    return this.direction === "minimize" ? loss : -loss;
  }
}
