/**
 * The learning-curve race (DESIGN.md, "The method", idea 2): asynchronous
 * rungs of geometrically growing epochs, promoting the fastest learners —
 * the best loss at equal budget, the recent slope breaking ties — and
 * checking that early ranks predict later ones. When the ranks at the
 * entry rung do not predict those one rung up, new trials enter one rung
 * higher ("fastest now" is not "best at the end"). A trial that stops
 * improving for `patience` epochs is stopped: it overfits.
 *
 * Where the objective can warm start (idea 3), every third new candidate is
 * a neighbour of a leader started from the leader's checkpoint at its best
 * epoch, entering at the next rung above it; and a leader about to be
 * promoted whose curve has flattened is branched instead: it continues from
 * its own best checkpoint with the settings of `scheduleTarget`, the next
 * segment of its schedule, and the flattened trial is no longer promoted.
 * @see arXiv:1810.05934 (ASHA), arXiv:2109.15311 (FIRE-PBT, on greedy short-horizon bias), arXiv:1910.08475 (Ash and Adams 2020, shrink and perturb)
 */
import { spearman } from "../analysis/stats";
import { branchable, flattened, scheduleTarget } from "../branching";
import { leaders } from "../samplers/sieve";
import type { Scheduler, SchedulerJob, TrialState, StudyView } from "../types";
import { baseVerdict, checkInteger, rungEpochs, rungLoss } from "./asha";

export type RaceOptions = {
  eta?: number;
  minEpochs?: number;
  patience?: number;
  /** Trials at the next rung needed before the agreement is judged. */
  minPairs?: number;
  /** Start every third new candidate from a leader's checkpoint, where the objective can warm start (default true). */
  warmStart?: boolean;
  /** Branch flattened leaders into schedules, where the objective can warm start (default true). */
  schedules?: boolean;
  /** Shrink and perturb the weights a warm-started neighbour copies (default true). */
  shrinkPerturb?: boolean;
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

/** Spearman's ρ between the losses at rung k and rung k+1 of the trials that reached k+1. */
export function rankAgreement(trials: readonly TrialState[], rungs: readonly number[], k: number): { rho: number; pairs: number } {
  const reached = trials.filter((t) => ownAt(t, rungs[k]) && t.losses.length >= rungs[k + 1]);
  const early = reached.map((t) => rungLoss(t, rungs[k]));
  const late = reached.map((t) => rungLoss(t, rungs[k + 1]));
  return { rho: reached.length >= 3 ? spearman(early, late) : NaN, pairs: reached.length };
}

/**
 * The first rung whose ranks predict the next rung's (ρ significantly
 * positive, or too few pairs to tell yet); new trials enter there.
 */
export function chooseEntryRung(agreementAt: (k: number) => { rho: number; pairs: number }, rungCount: number, minPairs = 12): number {
  let k = 0;
  while (k < rungCount - 2) {
    const { rho, pairs } = agreementAt(k);
    if (pairs < minPairs || rho * Math.sqrt(pairs - 1) >= 1.645) break;
    k++;
  }
  return k;
}

/** The race scheduler. */
export function raceScheduler(options: RaceOptions = {}): Scheduler & { entryRung(view: StudyView): number } {
  const eta = options.eta ?? 3;
  const minEpochs = options.minEpochs ?? 1;
  const minPairs = options.minPairs ?? 12;
  checkInteger("race", "eta", eta, 2);
  checkInteger("race", "minEpochs", minEpochs, 1);
  checkInteger("race", "patience", options.patience, 1);
  const patience = options.patience;
  const warmStart = options.warmStart ?? true;
  const schedules = options.schedules ?? true;
  const shrinkPerturb = options.shrinkPerturb ?? true;
  const window = options.flattenWindow ?? 3;
  const threshold = options.flattenThreshold ?? 0.02;
  checkInteger("race", "flattenWindow", window, 1);
  // ρ needs at least 3 pairs; fewer would raise the entry rung on no evidence.
  checkInteger("race", "minPairs", minPairs, 3);
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`race: flattenThreshold must be a share between 0 and 1, got ${threshold}`);

  /**
   * The rung new trials enter at: raised past every rung whose ranks do not
   * predict the next one's. The promoted trials are the top of their rung,
   * a restricted range that weakens any correlation, so the test asks only
   * whether ρ is significantly positive (one-sided 5%, ρ·√(n−1) ≥ 1.645).
   */
  function entryRung(view: StudyView): number {
    const rungs = rungEpochs(minEpochs, eta, view.maxEpochs);
    return chooseEntryRung((k) => rankAgreement(view.trials, rungs, k), rungs.length, minPairs);
  }

  /**
   * From the highest rung down, the fastest paused learner in the top 1/η of
   * its rung (ASHA's rule, slope breaking ties); a flattened one branches
   * into its schedule's next segment instead, and is then superseded.
   */
  function promotion(view: StudyView, rungs: readonly number[]): SchedulerJob {
    const trials = view.trials;
    const superseded = new Set(trials.filter((t) => t.origin === "schedule" && t.parent !== undefined).map((t) => t.parent!));
    for (let k = rungs.length - 2; k >= 0; k--) {
      const epoch = rungs[k];
      const members = trials.filter((t) => ownAt(t, epoch));
      const quota = Math.floor(members.length / eta);
      if (quota === 0) continue;
      const ranked = members
        .map((t) => ({ t, loss: rungLoss(t, epoch), slope: slope(t, epoch) }))
        .sort((a, b) => a.loss - b.loss || a.slope - b.slope || a.t.number - b.t.number);
      for (let r = 0; r < quota; r++) {
        const { t } = ranked[r];
        if (t.status !== "paused" || t.losses.length !== epoch || superseded.has(t.number)) continue;
        if (view.allowBranch && schedules && flattened(t, window, threshold) && branchable(t, t.bestEpoch)) {
          const params = scheduleTarget(view.space, t, trials, rungs, view.branchKeeps);
          if (params) return { kind: "branch", parent: t.number, fromEpoch: t.bestEpoch, params, toEpoch: rungs[k + 1], origin: "schedule", shrinkPerturb: false };
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

  return {
    name: `race(eta=${eta},r=${minEpochs}${patience ? `,patience=${patience}` : ""})`,
    entryRung,
    next(view) {
      const rungs = rungEpochs(minEpochs, eta, view.maxEpochs);
      return promotion(view, rungs) ?? warmStarted(view, rungs) ?? { kind: "new", toEpoch: rungs[entryRung(view)] };
    },
    onReport(trial, view) {
      return baseVerdict(trial, view.maxEpochs, patience);
    },
  };
}
