/**
 * The learning-curve race (DESIGN.md, "The method", idea 2): asynchronous
 * rungs of geometrically growing epochs that end at max epochs, promoting
 * the fastest learners — the best loss at equal budget, the recent slope
 * breaking ties — as ASHA does. "Fastest now" is not "best at the end": a
 * share of the budget trains audits, trials the race would drop, to the
 * end anyway, and when the dropped end as well as the kept, the rung that
 * dropped them misleads and new trials enter above it, up to full training.
 * A trial that stops improving for `patience` epochs is stopped: it overfits.
 *
 * Where the objective can warm start and the study asks for it (idea 3;
 * off by default, see RACE_WARM_START_DEFAULT), every third new candidate is
 * a neighbour of a leader started from the leader's checkpoint at its best
 * epoch, entering at the next rung above it; and a leader about to be
 * promoted whose curve has flattened is branched instead: it continues from
 * its own best checkpoint with the settings of `scheduleTarget`, the next
 * segment of its schedule, and the flattened trial is no longer promoted.
 * @see arXiv:1810.05934 (ASHA), arXiv:1803.02021 (Wu et al. 2018, short-horizon bias), arXiv:2109.15311 (FIRE-PBT, on greedy short-horizon bias), arXiv:1910.08475 (Ash and Adams 2020, shrink and perturb)
 */
import { pearson } from "../analysis/stats";
import { mixSeed } from "../rng";
import { branchable, decayTarget, flattened, scheduleTarget, type ScheduleDecay } from "../branching";
import { leaders } from "../leaders";
import { RACE_SCHEDULES_DEFAULT, RACE_WARM_START_DEFAULT } from "./race-defaults";
import type { Scheduler, SchedulerJob, TrialState, StudyView } from "../types";
import { baseVerdict, checkInteger, PATIENCE_REASON, rungEpochs, rungLoss } from "./asha";

export type RaceOptions = {
  eta?: number;
  minEpochs?: number;
  patience?: number;
  /** Finished trials kept and dropped at a rung, each, before the rung is judged (default 3). */
  minEvidence?: number;
  /** Share of all epochs spent on audits — trials the race would drop, trained to the end anyway — until every rung from the entry up is judged (default 1/(s+1), Hyperband's share for its full-training bracket). */
  auditShare?: number;
  /** Share of all epochs spent on audits once every rung from the entry up is judged, to keep checking (default 0.1). */
  keepAuditing?: number;
  /** Start every third new candidate from a leader's checkpoint, where the objective can warm start (default false: bench/warm-start.ts found no saving, see RACE_WARM_START_DEFAULT). */
  warmStart?: boolean;
  /** Branch flattened leaders into schedules, where the objective can warm start (default false, as warmStart). */
  schedules?: boolean;
  /** Shrink and perturb the weights a warm-started neighbour copies (default true). */
  shrinkPerturb?: boolean;
  /** A schedule's next segment multiplies this param by a factor (e.g. lr × 0.1), from the leader's best or latest checkpoint, instead of stepping towards the best trials at the highest rung (the default). */
  scheduleDecay?: ScheduleDecay;
  /** Epochs over which the flatten statistic looks back (default 3). */
  flattenWindow?: number;
  /** A curve has flattened when its best loss improved by less than this share over the window (default 0.02). */
  flattenThreshold?: number;
};

/** Whether the trial's loss at `epoch` is its own: it trained that epoch rather than inheriting it. */
const ownAt = (t: TrialState, epoch: number) => t.losses.length >= epoch && (t.startEpoch ?? 0) < epoch;

/** Recent improvement per epoch over the last `window` epochs before `epoch` (negative is learning). */
function slope(t: TrialState, epoch: number, window = 2): number {
  const a = t.losses[Math.max(0, epoch - 1 - window)];
  const b = t.losses[epoch - 1];
  return Number.isFinite(a) && Number.isFinite(b) ? (b - a) / window : 0;
}

/** How one rung's ranks compare with the end, for the race view and the entry decision. */
export type RungCheck = {
  rung: number;
  epoch: number;
  /** Finished trials that were in the top 1/η at this rung (kept), and finished ones that were not (dropped: audits, or promoted early and overtaken). */
  kept: number;
  dropped: number;
  /** The chance that a dropped trial does better than a kept one at `comparedAt` (Mann–Whitney's U / (n₁n₂)); null before `minEvidence` of each reached a later rung. */
  overtake: number | null;
  /** The epoch the kept and dropped were compared at: the end when enough of both finished, else the furthest rung between that enough reached. */
  comparedAt: number | null;
  /** Spearman's ρ between the losses at this rung and the final (best) losses of the finished trials. */
  rhoToEnd: number | null;
  /** Of the finished trials that end best (the top 1/η of them, at least `minEvidence`), the share this rung's cut kept; null before the rung is judged. */
  bestKept: number | null;
  /** Whether this rung's ranks predict the end: its dropped trials do not end better than its kept ones, and it keeps at least half of the trials that end best (null: not judged yet). */
  predicts: boolean | null;
};

/** The race's decision: per rung, how its ranks compare with the end, and where new trials enter and why. */
export type RaceDecision = {
  rungs: number[];
  checks: RungCheck[];
  entryRung: number;
  reason: string;
};

/** A trial that trained a rung itself (`at` its place in the trial list), with what the race ranks it by there: its best loss up to the rung, then its recent slope. */
type RungEntry = { t: TrialState; at: number; loss: number; slope: number };

/** The race's order at a rung: loss, then slope (the faster learner first), then trial number; a total order, so any insertion order sorts alike. */
const byRank = (a: RungEntry, b: RungEntry) => (a.loss < b.loss ? -1 : a.loss > b.loss ? 1 : a.slope - b.slope || a.t.number - b.t.number);

/** The first index in 0..length where `before` turns false, for a `before` true on a prefix of the indices (binary search). */
function partitionPoint(length: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every rung's trials in the race's order, kept up to date as trials report:
 * a trial joins a rung once, when it has trained the rung's epoch itself, and
 * its loss and slope there never change. Replaces a sort of every trial per
 * rung on every ask (O(n log n) each, a tenth of a second at 10,000 trials)
 * by a scan of the trials' lengths and binary-search inserts.
 */
export class RungIndex {
  private readonly ranked: RungEntry[][];
  /** Per rung, each member's entry by its place in the trial list. */
  private readonly entries: (RungEntry | undefined)[][];
  /** Per trial (by its place in the list, which only grows), the number of losses already indexed. */
  private readonly seen: number[] = [];
  /** Losses and trials seen by the last sync: when both are unchanged, nothing was reported since. */
  private seenLosses = -1;
  private seenTrials = -1;

  constructor(readonly rungs: readonly number[]) {
    this.ranked = rungs.slice(0, -1).map(() => []);
    this.entries = this.ranked.map(() => []);
  }

  /** Takes in what trials reported since the last call (trials only ever append losses). */
  sync(trials: readonly TrialState[]): this {
    let total = 0;
    for (const t of trials) total += t.losses.length;
    if (total === this.seenLosses && trials.length === this.seenTrials) return this;
    this.seenLosses = total;
    this.seenTrials = trials.length;
    const added: RungEntry[][] = this.ranked.map(() => []);
    for (let i = 0; i < trials.length; i++) {
      const t = trials[i];
      const len = t.losses.length;
      const prev = this.seen[i] ?? 0;
      if (len <= prev) continue;
      this.seen[i] = len;
      for (let k = 0; k < this.ranked.length; k++) {
        const epoch = this.rungs[k];
        if (epoch > prev && ownAt(t, epoch)) {
          const entry = { t, at: i, loss: rungLoss(t, epoch), slope: slope(t, epoch) };
          added[k].push(entry);
          this.entries[k][i] = entry;
        }
      }
    }
    added.forEach((entries, k) => {
      const ranked = this.ranked[k];
      if (entries.length > 16) {
        ranked.push(...entries);
        ranked.sort(byRank);
        return;
      }
      for (const entry of entries) ranked.splice(partitionPoint(ranked.length, (i) => byRank(ranked[i], entry) < 0), 0, entry);
    });
    return this;
  }

  /** Entries over all rungs: grows exactly when a trial trains a rung's epoch. */
  get size(): number {
    return this.ranked.reduce((n, r) => n + r.length, 0);
  }

  /** The entry at rung k of the trial at place `at` in the list, or undefined when it did not train the rung itself. */
  entryAt(k: number, at: number): RungEntry | undefined {
    return this.entries[k][at];
  }

  /** Rung k's trials (those that trained its epoch themselves) in the race's order. */
  at(k: number): readonly RungEntry[] {
    return this.ranked[k];
  }
}

/** Whether a trial is a full-space sample: samplers that narrow mark theirs "fill"; every other sampler's trials are. */
const fullSpace = (t: TrialState) => t.origin === undefined || t.origin === "fill";

/** Whether a trial has its final value: it reached the last rung, or early stopping for overfitting ended it (not a halt by the user or the study's end). */
const finished = (t: TrialState, maxEpochs: number) =>
  t.losses.length >= maxEpochs || (t.status === "pruned" && t.losses.length > 0 && (t.reason?.startsWith(PATIENCE_REASON) ?? false));

/**
 * Decides where new trials enter the race. For each rung it compares the
 * trials it kept there (its top 1/η) with the trials it would have dropped
 * there, at the end of training — or, while too few of either finished, at
 * the furthest rung enough of both reached. When a dropped trial does
 * better than a kept one at least half the time, the rung's ranks do not
 * predict the end — the short-horizon bias of settings that learn fast
 * and end worse (Wu et al. 2018) — and so does a rung whose cut would have
 * dropped more than half of the finished trials that end best (the top 1/η
 * of them): it may rank the many well on average and still lose the few a
 * search is for. New trials enter above the highest
 * such rung, up to full training; nothing is promoted from below it. A rung
 * is judged once `minEvidence` finished trials of each kind exist.
 * @see arXiv:1803.02021 (Wu, Ren, Liao, Grosse 2018, short-horizon bias), arXiv:2305.04559 (Egele et al. 2023: check that early ranks suffice)
 */
export function raceDecision(trials: readonly TrialState[], rungs: readonly number[], eta: number, minEvidence: number): RaceDecision {
  return decideWith(trials, new RungIndex(rungs).sync(trials), eta, minEvidence);
}

/**
 * raceDecision over an index of the trials' rungs that is up to date. One
 * scan of the trials finds the finished ones; everything else reads the
 * finished members of a rung and, where too few finished, the rungs' own
 * members: at 10,000 trials, a few hundred finished against thousands at
 * rung 0, and the decision is taken again whenever a rung gains a member.
 */
function decideWith(trials: readonly TrialState[], index: RungIndex, eta: number, minEvidence: number): RaceDecision {
  const rungs = index.rungs;
  const last = rungs.length - 1;
  const maxEpochs = rungs[last];
  // Evidence comes from full-space samples only: a sampler that narrows shifts the rest towards where it looks, and the verdict with it.
  // Trials are named by their place in the list from here on.
  const done: number[] = [];
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i];
    if (fullSpace(t) && finished(t, maxEpochs) && Number.isFinite(t.bestLoss)) done.push(i);
  }
  // The finished trials by their final loss, sorted once for every rung.
  const doneByEnd = [...done].sort((a, b) => trials[a].bestLoss - trials[b].bestLoss || trials[a].number - trials[b].number);
  const checks: RungCheck[] = rungs.slice(0, -1).map((epoch, k) => {
    const ranked = index.at(k);
    const member = (i: number) => ownAt(trials[i], epoch);
    const lossAt = (i: number) => index.entryAt(k, i)!.loss;
    // Kept: fewer than 1/η of the rung's trials strictly ahead of it, that is a loss at most the one at the cut's last place.
    const cut = ranked.length === 0 ? -Infinity : ranked[Math.ceil(ranked.length / eta) - 1].loss;
    const judged = done.filter(member);
    // The furthest rung that enough kept and dropped trials reached: the end, else a rung between.
    let overtake: number | null = null;
    let atEpoch: number | null = null;
    let keptN = 0;
    let droppedN = 0;
    for (let j = last; j > k && overtake === null; j--) {
      // Their final loss; below the end, the full-space members of rung j that trained rung k themselves, at rung j.
      const a: number[] = [];
      const d: number[] = [];
      if (j === last) for (const i of judged) (lossAt(i) <= cut ? a : d).push(trials[i].bestLoss);
      else for (const e of index.at(j)) if (fullSpace(e.t) && member(e.at)) (lossAt(e.at) <= cut ? a : d).push(e.loss);
      if (j === last) [keptN, droppedN] = [a.length, d.length];
      if (a.length < minEvidence || d.length < minEvidence) continue;
      overtake = overtakeShare(d, a);
      atEpoch = rungs[j];
    }
    // The rung's order restricted to its finished members: byRank is a total order, so sorting them gives the order filtering the rung would.
    const byRung = () => judged.map((i) => index.entryAt(k, i)!).sort(byRank).map((e) => e.at);
    const rho = judged.length >= 3 ? rankCorrelation(trials, judged, byRung(), doneByEnd.filter(member), lossAt) : NaN;
    // The tail, where a search's answer lies: a rung can rank the many well on average and still drop the few that end best.
    let bestKept: number | null = null;
    if (keptN >= minEvidence && droppedN >= minEvidence) {
      const best = doneByEnd.filter(member).slice(0, Math.max(minEvidence, Math.ceil(judged.length / eta)));
      bestKept = best.filter((i) => lossAt(i) <= cut).length / best.length;
    }
    return {
      rung: k,
      epoch,
      kept: keptN,
      dropped: droppedN,
      overtake,
      comparedAt: atEpoch,
      rhoToEnd: Number.isFinite(rho) ? rho : null,
      bestKept,
      predicts: overtake === null ? null : overtake < 0.5 && (bestKept === null || bestKept >= 0.5),
    };
  });
  let entryRung = 0;
  for (const c of checks) if (c.predicts === false) entryRung = c.rung + 1;
  const s = rungs.length - 1;
  const misled = checks[entryRung - 1];
  const reason =
    entryRung === 0
      ? checks.some((c) => c.predicts === true)
        ? "the trials kept at each rung judged so far end better than the ones dropped there: early ranks predict the end"
        : "too few audited trials have finished yet: trusting rung 0, as ASHA does"
      : `${
          misled.overtake! >= 0.5
            ? `trials dropped at epoch ${misled.epoch} beat the kept ones at epoch ${misled.comparedAt} ${Math.round(misled.overtake! * 100)}% of the time`
            : `the cut at epoch ${misled.epoch} would have dropped ${Math.round((1 - misled.bestKept!) * 100)}% of the finished trials that ended best`
        }: new trials enter at epoch ${rungs[entryRung]}${entryRung === s ? " (full training)" : ""}`;
  return { rungs: [...rungs], checks, entryRung, reason };
}

/**
 * Spearman's ρ between the trials' losses at a rung and their final losses,
 * from the trials (by place in `trials`) already in order of each (the
 * rung's order, and the final loss): average ranks with ties, as stats.ranks
 * gives them, without sorting again. `judged` fixes the order of the sums,
 * so the value is spearman's.
 */
function rankCorrelation(trials: readonly TrialState[], judged: readonly number[], byRung: readonly number[], byEnd: readonly number[], rungLossOf: (i: number) => number): number {
  const position = new Map(judged.map((i, p) => [i, p]));
  const ranksFrom = (sorted: readonly number[], value: (i: number) => number) => {
    const out = new Array<number>(judged.length);
    for (let start = 0; start < sorted.length; ) {
      let end = start;
      while (end + 1 < sorted.length && value(sorted[end + 1]) === value(sorted[start])) end++;
      const rank = (start + end) / 2 + 1;
      for (let i = start; i <= end; i++) out[position.get(sorted[i])!] = rank;
      start = end + 1;
    }
    return out;
  };
  return pearson(ranksFrom(byRung, rungLossOf), ranksFrom(byEnd, (i) => trials[i].bestLoss));
}

/** The chance that a value of `d` is below one of `a`, ties counting half (Mann–Whitney's U / (n₁n₂)), by binary search in the sorted `a`. */
function overtakeShare(d: readonly number[], a: readonly number[]): number {
  const sorted = [...a].sort((x, y) => x - y);
  let wins = 0;
  for (const x of d) {
    const below = partitionPoint(sorted.length, (i) => sorted[i] < x);
    const upTo = partitionPoint(sorted.length, (i) => sorted[i] <= x);
    wins += sorted.length - upTo + 0.5 * (upTo - below);
  }
  return wins / (a.length * d.length);
}

/**
 * The trials from position `quota` on when a rung is ranked by loss alone,
 * ties by trial number: the rung's order, except that among trials tied on
 * the loss at the cut, those with the highest numbers fall below it.
 */
function belowCut(ranked: readonly RungEntry[], quota: number): TrialState[] {
  if (quota >= ranked.length) return [];
  const cut = ranked[quota - 1]?.loss;
  const below: TrialState[] = [];
  const tied: TrialState[] = [];
  let tiedAbove = 0;
  ranked.forEach((e, r) => {
    if (quota > 0 && e.loss === cut) {
      tied.push(e.t);
      if (r < quota) tiedAbove++;
    } else if (r >= quota) below.push(e.t);
  });
  tied.sort((a, b) => a.number - b.number);
  return [...below, ...tied.slice(tiedAbove)];
}

/** Epochs each trial trained itself (a branch's inherited epochs are not its own). */
const ownEpochs = (t: TrialState) => Math.max(0, t.losses.length - (t.startEpoch ?? 0));

/** The race scheduler. */
export function raceScheduler(options: RaceOptions = {}): Scheduler & { decision(view: StudyView): RaceDecision; rungs(maxEpochs: number): number[] } {
  const eta = options.eta ?? 3;
  const minEpochs = options.minEpochs ?? 1;
  const minEvidence = options.minEvidence ?? 3;
  const auditShare = options.auditShare;
  const keepAuditing = options.keepAuditing ?? 0.1;
  checkInteger("race", "eta", eta, 2);
  checkInteger("race", "minEpochs", minEpochs, 1);
  checkInteger("race", "patience", options.patience, 1);
  checkInteger("race", "minEvidence", minEvidence, 2);
  const patience = options.patience;
  const warmStart = options.warmStart ?? RACE_WARM_START_DEFAULT;
  const schedules = options.schedules ?? RACE_SCHEDULES_DEFAULT;
  const shrinkPerturb = options.shrinkPerturb ?? true;
  const window = options.flattenWindow ?? 3;
  const threshold = options.flattenThreshold ?? 0.02;
  const decay = options.scheduleDecay;
  if (decay && !(decay.factor > 0 && decay.factor !== 1 && Number.isFinite(decay.factor))) throw new RangeError(`race: scheduleDecay.factor must be a positive number other than 1, got ${decay.factor}`);
  checkInteger("race", "flattenWindow", window, 1);
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`race: flattenThreshold must be a share between 0 and 1, got ${threshold}`);
  if (auditShare !== undefined && !(auditShare >= 0 && auditShare < 1)) throw new RangeError(`race: auditShare must be a share in [0, 1), got ${auditShare}`);
  if (!(keepAuditing >= 0 && keepAuditing < 1)) throw new RangeError(`race: keepAuditing must be a share in [0, 1), got ${keepAuditing}`);
  /** Trials sent to the end as audits; rebuilt exactly when a study's history is replayed, as every ask is. */
  const audited = new Set<number>();
  const rungsFor = (maxEpochs: number) => rungEpochs(Math.min(minEpochs, maxEpochs), eta, maxEpochs);

  /**
   * The decision for a view, computed once per state: an ask calls it for the
   * scheduler's job and again for the sampler's fidelity, with nothing
   * reported in between. The key is the trial list and every epoch and
   * status in it, so any report, pause or halt computes it afresh.
   */
  let memo: { trials: readonly TrialState[]; key: string; decision: RaceDecision } | null = null;
  function decide(view: StudyView): RaceDecision {
    // The decision reads the rungs' members and the finished trials only: reports between rungs leave it as it is.
    const rungs = indexOf(view);
    let done = 0;
    for (const t of view.trials) if (finished(t, view.maxEpochs)) done++;
    const key = `${view.maxEpochs}:${rungs.size}:${done}`;
    if (memo?.trials !== view.trials || memo.key !== key) memo = { trials: view.trials, key, decision: decideWith(view.trials, rungs, eta, minEvidence) };
    return memo.decision;
  }

  /** The rungs of the view's trials, kept from ask to ask while the trial list is the same one (a strategy's only grows). */
  let index: { trials: readonly TrialState[]; maxEpochs: number; rungs: RungIndex } | null = null;
  function indexOf(view: StudyView): RungIndex {
    if (index?.trials !== view.trials || index.maxEpochs !== view.maxEpochs) index = { trials: view.trials, maxEpochs: view.maxEpochs, rungs: new RungIndex(rungsFor(view.maxEpochs)) };
    return index.rungs.sync(view.trials);
  }

  /**
   * From the highest rung down to the entry rung, the fastest paused learner
   * in the top 1/η of its rung (ASHA's rule, slope breaking ties); a
   * flattened one branches into its schedule's next segment instead, and is
   * then superseded (with a decay alongside, every leader branches once,
   * flattened or not, and is then promoted too). Rungs below the entry rung
   * mislead, so nothing is promoted from them.
   */
  function promotion(view: StudyView, rungs: readonly number[], entryRung: number): SchedulerJob {
    const trials = view.trials;
    const branched = new Set(trials.filter((t) => t.origin === "schedule" && t.parent !== undefined).map((t) => t.parent!));
    const alongside = decay?.alongside === true;
    const index = indexOf(view);
    for (let k = rungs.length - 2; k >= entryRung; k--) {
      const epoch = rungs[k];
      const ranked = index.at(k);
      const quota = Math.floor(ranked.length / eta);
      if (quota === 0) continue;
      for (let r = 0; r < quota; r++) {
        const { t } = ranked[r];
        // A branched leader is superseded, unless the branch runs alongside it: then it is promoted as well, but branched once.
        if (t.status !== "paused" || t.losses.length !== epoch || (branched.has(t.number) && !alongside)) continue;
        const from = decay?.from === "latest" ? epoch : t.bestEpoch;
        const atRung = !decay?.lastRung || k === rungs.length - 2;
        const due = view.allowBranch && schedules && atRung && (alongside ? !branched.has(t.number) : flattened(t, window, threshold));
        if (due && branchable(t, from)) {
          const params = decay ? decayTarget(view.space, t, decay) : scheduleTarget(view.space, t, trials, rungs, view.branchKeeps);
          if (params) return { kind: "branch", parent: t.number, fromEpoch: from, params, toEpoch: rungs[k + 1], origin: "schedule", shrinkPerturb: false };
        }
        return { kind: "continue", trial: t.number, toEpoch: rungs[k + 1] };
      }
    }
    return null;
  }

  /**
   * Every third new candidate, a neighbour of one of the three leaders that
   * passed rung 0 and can be branched at its best epoch (taken in turn),
   * started from that checkpoint and trained to the next rung above it.
   */
  function warmStarted(view: StudyView, rungs: readonly number[]): SchedulerJob {
    if (!view.allowBranch || !warmStart || rungs.length < 2 || view.trials.length % 3 !== 2) return null;
    const eligible = leaders(view.trials, rungs, 3).filter((t) => t.losses.length >= rungs[1] && t.bestEpoch < view.maxEpochs && branchable(t, t.bestEpoch));
    if (eligible.length === 0) return null;
    const parent = eligible[Math.floor(view.trials.length / 3) % eligible.length];
    const toEpoch = rungs.find((r) => r > parent.bestEpoch)!;
    return { kind: "branch", parent: parent.number, fromEpoch: parent.bestEpoch, toEpoch, origin: "warm", shrinkPerturb };
  }

  /**
   * An audit: a paused trial below the cut at the lowest rung one can be
   * found at, from the entry rung up (a full-space sample where there is one),
   * trained to the end anyway while the audits' epochs are below
   * `auditShare` of all epochs. Audits are the unbiased evidence of whether
   * early ranks predict the end: promoted trials only show how the early
   * leaders end. Which trial is audited is a hash of its number, not its rank.
   */
  function audit(view: StudyView, rungs: readonly number[], decision: RaceDecision): SchedulerJob {
    const last = rungs.length - 1;
    const entryRung = decision.entryRung;
    const judged = decision.checks.slice(entryRung).every((c) => c.predicts !== null);
    const share = judged ? keepAuditing : (auditShare ?? 1 / (last + 1));
    if (share === 0 || entryRung >= last) return null;
    let auditEpochs = 0;
    let total = 0;
    for (const t of view.trials) {
      const own = t.status === "running" ? Math.max(ownEpochs(t), t.targetEpoch - (t.startEpoch ?? 0)) : ownEpochs(t);
      total += own;
      if (audited.has(t.number)) auditEpochs += own;
    }
    // The audit's own epochs count: the share holds after it, not just before.
    const cost = view.maxEpochs - rungs[entryRung];
    if (auditEpochs + cost > share * (total + cost)) return null;
    const index = indexOf(view);
    for (let k = entryRung; k < last; k++) {
      const epoch = rungs[k];
      const ranked = index.at(k);
      const quota = Math.max(1, Math.floor(ranked.length / eta));
      // Below the cut (ranked by loss alone, ties by trial number), full-space samples first (a sampler that narrows marks them "fill"; other samplers' trials all are).
      let pick: TrialState | null = null;
      let pickKey = Infinity;
      for (const t of belowCut(ranked, quota)) {
        if (t.status !== "paused" || t.losses.length !== epoch) continue;
        const key = (fullSpace(t) ? 0 : 2 ** 32) + mixSeed(t.number, k);
        if (key < pickKey) [pick, pickKey] = [t, key];
      }
      if (pick) {
        audited.add(pick.number);
        return { kind: "continue", trial: pick.number, toEpoch: view.maxEpochs };
      }
    }
    return null;
  }

  return {
    name: `race(eta=${eta},r=${minEpochs}${patience ? `,patience=${patience}` : ""})`,
    rungs: rungsFor,
    decision: decide,
    trustedFidelity(view) {
      const d = decide(view);
      return { epoch: d.rungs[d.entryRung], judged: d.checks.slice(d.entryRung).every((c) => c.predicts === true) };
    },
    next(view) {
      const rungs = rungsFor(view.maxEpochs);
      const decision = decide(view);
      return promotion(view, rungs, decision.entryRung) ?? audit(view, rungs, decision) ?? warmStarted(view, rungs) ?? { kind: "new", toEpoch: rungs[decision.entryRung] };
    },
    onReport(trial, view) {
      // A schedule branch's patience counts from its own start: a branch from a leader's latest checkpoint inherits a best epoch the new settings had no part in.
      const start = trial.origin === "schedule" ? (trial.startEpoch ?? 0) : 0;
      return baseVerdict(start > trial.bestEpoch ? { ...trial, bestEpoch: start } : trial, view.maxEpochs, patience);
    },
    // A strategy snapshot (lib/optimizer/state.ts): the audits are its only state; the memo is rebuilt on demand.
    save: () => ({ audited: [...audited] }),
    restore(state) {
      audited.clear();
      for (const n of (state as { audited: number[] }).audited) audited.add(n);
      memo = null;
      index = null;
    },
  };
}
