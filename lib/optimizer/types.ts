/** Shared vocabulary of the optimizer core: trials as the strategy sees them, jobs and decisions. */
import type { Params, Space } from "./space";
import type { Rng } from "./rng";
import type { Rule } from "./rules";
import type { RoundResult } from "./analysis/round";
import type { AnalysisSnapshot, PendingRound } from "./samplers/sieve";
import type { RaceDecision } from "./schedulers/race";

export type Direction = "minimize" | "maximize";

/** What the strategy answers after each report, as Ray Tune's schedulers do. */
export type Decision = "continue" | "pause" | "stop";

/** How a trial ended, or that it is still going. */
export type TrialStatus = "running" | "paused" | "completed" | "pruned" | "failed";

/** The answer to one report: the decision, and for a stop or pause, why. */
export type Verdict = { decision: Decision; status?: TrialStatus; reason?: string };

/** A trial as the strategy sees it. Values are losses: lower is better, whatever the study's direction. */
export interface TrialState {
  readonly number: number;
  readonly params: Params;
  /** The params in unit coordinates, in the order of the space. */
  readonly z: readonly number[];
  readonly status: TrialStatus;
  /** losses[e - 1] is the loss after epoch e; non-finite reports are stored as Infinity. */
  readonly losses: readonly number[];
  /** The epoch the current or last job trains to. */
  readonly targetEpoch: number;
  /** The epoch its first job trained to: the rung it entered the race at (max epochs for a trial trained straight to the end). */
  readonly entryEpoch?: number;
  readonly bestLoss: number;
  readonly bestEpoch: number;
  readonly reason?: string;
  /** How the sampler chose the configuration (the sieve marks full-space samples "fill"; branches are "warm", "schedule" or "exploit"). */
  readonly origin?: string;
  /** The trial whose checkpoint this one started from, for a branch. */
  readonly parent?: number;
  /** The epoch it started from: 0 from scratch; for a branch, losses up to it are the parent's, inherited and not paid for. */
  readonly startEpoch?: number;
  /** Its params as (from epoch, params) segments, the parent's first; one segment for a trial trained from scratch. */
  readonly schedule?: readonly Segment[];
}

/** One piece of a schedule: the params trained from `fromEpoch` on; `shrinkPerturb` when the weights were shrunk and perturbed there. */
export type Segment = { readonly fromEpoch: number; readonly params: Params; readonly shrinkPerturb?: boolean };

/**
 * The next piece of work: train a new configuration, continue a paused trial
 * from its checkpoint, or branch: start a new trial from the parent's
 * checkpoint at `fromEpoch` with its own params (a warm start or the next
 * segment of a schedule), shrinking and perturbing the weights when asked.
 */
export type Job =
  | { kind: "new"; trial: number; params: Params; toEpoch: number }
  | { kind: "continue"; trial: number; toEpoch: number }
  | { kind: "branch"; trial: number; parent: number; fromEpoch: number; params: Params; toEpoch: number; shrinkPerturb: boolean };

/** Why a branch is made: a warm-started neighbour, a schedule's next segment, or PBT's exploit step. */
export type BranchOrigin = "warm" | "schedule" | "exploit";

/**
 * What a scheduler wants next: a new configuration trained to an epoch, a
 * continuation, a branch (params absent: the sampler proposes a neighbour of
 * the parent), or nothing now.
 */
export type SchedulerJob =
  | { kind: "new"; toEpoch: number }
  | { kind: "continue"; trial: number; toEpoch: number }
  | { kind: "branch"; parent: number; fromEpoch: number; params?: Params; toEpoch: number; origin: BranchOrigin; shrinkPerturb?: boolean }
  | null;

/** Read-only view of the study that samplers and schedulers decide from. */
export interface StudyView {
  readonly space: Space;
  readonly maxEpochs: number;
  readonly trials: readonly TrialState[];
  /** Whether the objective can warm start, so a scheduler may ask for branches. */
  readonly allowBranch?: boolean;
  /** Params a branch keeps from its parent (the network's shape). */
  readonly branchKeeps?: readonly string[];
  /** The lowest epoch whose ranks the scheduler does not know to mislead (the race's entry rung); a sampler analyses no lower fidelity. */
  readonly trustedEpoch?: number;
  /** Whether the scheduler has checked that ranks from `trustedEpoch` up predict the end; until then a sampler should not narrow on them. */
  readonly fidelityJudged?: boolean;
}

/** Proposes configurations. A sampler never sees storage, only the study view and its own Rng. */
export interface Sampler {
  readonly name: string;
  sample(view: StudyView, rng: Rng, trialNumber: number): Params;
  /** Samplers that narrow the space (the sieve) take the user's rules into account and report what they found. */
  setUserRules?(rules: readonly Rule[]): void;
  rules?(): readonly Rule[];
  snapshots?(): readonly AnalysisSnapshot[];
  decideRule?(id: string, status: "active" | "rejected"): void;
  /** An analysis round waiting for its effect tests to run elsewhere (the sieve with deferAnalysis), or null. */
  pendingAnalysis?(view: StudyView): PendingRound | null;
  /** Completes the waiting round with its effects. */
  completeAnalysis?(view: StudyView, round: number, result: RoundResult): void;
  /** How trial n's configuration was chosen, for samplers that mix ways. */
  origin?(trial: number): string | undefined;
  /** A configuration near `of`, for a warm-started branch of it; samplers without one fall back to a Gaussian step in unit coordinates. */
  neighbour?(view: StudyView, rng: Rng, trialNumber: number, of: TrialState): Params;
  /** Its own state as plain data, for a strategy snapshot (lib/optimizer/state.ts); a sampler without it is rebuilt only by replay. */
  save?(): unknown;
  /** Takes back what save() returned, in a sampler just made with the same options. */
  restore?(state: unknown): void;
}

/** Decides how far each trial trains: which to start, continue, pause or stop. */
export interface Scheduler {
  readonly name: string;
  /** The next job it wants, or null when it waits for running trials. */
  next(view: StudyView): SchedulerJob;
  /** Judges a trial right after its newest loss was appended. */
  onReport(trial: TrialState, view: StudyView): Verdict;
  /** The lowest epoch whose ranks are not known to mislead, and whether the ones from there up were checked, for schedulers that check (the race). */
  trustedFidelity?(view: StudyView): { epoch: number; judged: boolean };
  /** How its rungs compare with the end and where new trials enter, for schedulers that check (the race). */
  decision?(view: StudyView): RaceDecision;
  /** Its own state as plain data, for a strategy snapshot (lib/optimizer/state.ts); a scheduler without it is rebuilt only by replay. */
  save?(): unknown;
  /** Takes back what save() returned, in a scheduler just made with the same options. */
  restore?(state: unknown): void;
}
