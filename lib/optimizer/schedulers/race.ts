/**
 * The learning-curve race (DESIGN.md, "The method", idea 2): asynchronous
 * rungs of geometrically growing epochs, promoting the fastest learners —
 * the best loss at equal budget, the recent slope breaking ties — and
 * checking that early ranks predict later ones. When the ranks at the
 * entry rung do not predict those one rung up, new trials enter one rung
 * higher ("fastest now" is not "best at the end"). A trial that stops
 * improving for `patience` epochs is stopped: it overfits.
 * @see arXiv:1810.05934 (ASHA), arXiv:2109.15311 (FIRE-PBT, on greedy short-horizon bias)
 */
import { spearman } from "../analysis/stats";
import type { Scheduler, SchedulerJob, TrialState, StudyView } from "../types";
import { baseVerdict, checkInteger, rungEpochs, rungLoss } from "./asha";

export type RaceOptions = {
  eta?: number;
  minEpochs?: number;
  patience?: number;
  /** Trials at the next rung needed before the agreement is judged. */
  minPairs?: number;
};

/** Recent improvement per epoch over the last `window` epochs before `epoch` (negative is learning). */
function slope(t: TrialState, epoch: number, window = 2): number {
  const a = t.losses[Math.max(0, epoch - 1 - window)];
  const b = t.losses[epoch - 1];
  return Number.isFinite(a) && Number.isFinite(b) ? (b - a) / window : 0;
}

/** Spearman's ρ between the losses at rung k and rung k+1 of the trials that reached k+1. */
export function rankAgreement(trials: readonly TrialState[], rungs: readonly number[], k: number): { rho: number; pairs: number } {
  const reached = trials.filter((t) => t.losses.length >= rungs[k + 1]);
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

  /** From the highest rung down, the fastest paused learner in the top 1/η of its rung (ASHA's rule, slope breaking ties). */
  function promotion(trials: readonly TrialState[], rungs: readonly number[]): SchedulerJob {
    for (let k = rungs.length - 2; k >= 0; k--) {
      const epoch = rungs[k];
      const members = trials.filter((t) => t.losses.length >= epoch);
      const quota = Math.floor(members.length / eta);
      if (quota === 0) continue;
      const ranked = members
        .map((t) => ({ t, loss: rungLoss(t, epoch), slope: slope(t, epoch) }))
        .sort((a, b) => a.loss - b.loss || a.slope - b.slope || a.t.number - b.t.number);
      for (let r = 0; r < quota; r++) {
        const { t } = ranked[r];
        if (t.status === "paused" && t.losses.length === epoch) return { kind: "continue", trial: t.number, toEpoch: rungs[k + 1] };
      }
    }
    return null;
  }

  return {
    name: `race(eta=${eta},r=${minEpochs}${patience ? `,patience=${patience}` : ""})`,
    entryRung,
    next(view) {
      const rungs = rungEpochs(minEpochs, eta, view.maxEpochs);
      return promotion(view.trials, rungs) ?? { kind: "new", toEpoch: rungs[entryRung(view)] };
    },
    onReport(trial, view) {
      return baseVerdict(trial, view.maxEpochs, patience);
    },
  };
}
