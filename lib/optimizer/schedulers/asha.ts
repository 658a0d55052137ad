/**
 * Asynchronous successive halving: rungs at r·η^k epochs; a trial pauses at
 * each rung it reaches, and whenever a worker asks for work the best paused
 * trial that sits in the top 1/η of its rung and was not yet promoted
 * continues from its checkpoint to the next rung; otherwise a new trial
 * starts at rung 0.
 */
import type { Scheduler, SchedulerJob, TrialState, Verdict } from "../types";

export type AshaOptions = {
  /** Reduction factor η (default 3). */
  eta?: number;
  /** Epochs of rung 0, r (default 1). */
  minEpochs?: number;
  /** Stop a trial that has not improved for this many epochs. */
  patience?: number;
};

/** Checks a scheduler option; throws an error naming the option and the rule. */
export function checkInteger(scheduler: string, name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new RangeError(`${scheduler}: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/**
 * Rung epochs R·η^−(s−k), k = 0 … s, rounded, with s = ⌊log_η(R/r)⌋: a
 * geometric ladder that ends at the study's max epochs R (1, 3, 10, 30 for
 * R = 30), so the trials promoted to the top are trained to the end and no
 * short last step (27 → 30) is paid for. Rung 0 is never below r.
 * @see arXiv:1603.06560 (Hyperband's r_i = R·η^−i)
 */
export function rungEpochs(minEpochs: number, eta: number, maxEpochs: number): number[] {
  let s = 0;
  while (minEpochs * eta ** (s + 1) <= maxEpochs) s++;
  const rungs: number[] = [];
  for (let k = 0; k <= s; k++) {
    const epoch = Math.min(maxEpochs, Math.max(minEpochs, Math.round(maxEpochs / eta ** (s - k))));
    if (rungs.length === 0 || epoch > rungs[rungs.length - 1]) rungs.push(epoch);
  }
  if (rungs[rungs.length - 1] !== maxEpochs) rungs.push(maxEpochs);
  return rungs;
}

/** How the reason of a trial stopped by patience begins: its best epoch is its final value, as if it had trained to the end. */
export const PATIENCE_REASON = "no improvement for";

/** Completes a trial at max epochs and stops one whose best loss is `patience` epochs old; else continue. */
export function baseVerdict(trial: TrialState, maxEpochs: number, patience: number | undefined): Verdict {
  const epoch = trial.losses.length;
  if (epoch >= maxEpochs) return { decision: "stop", status: "completed", reason: `reached ${maxEpochs} epochs` };
  if (patience && epoch - trial.bestEpoch >= patience) {
    return { decision: "stop", status: "pruned", reason: `${PATIENCE_REASON} ${patience} epochs (best at epoch ${trial.bestEpoch})` };
  }
  return { decision: "continue" };
}

/** The loss a trial is ranked by at a rung: its best loss over the epochs up to the rung (early stopping keeps that epoch). */
export function rungLoss(trial: TrialState, epoch: number): number {
  let best = Infinity;
  for (let e = 0; e < epoch; e++) if (trial.losses[e] < best) best = trial.losses[e];
  return best;
}

/**
 * The ASHA promotion among `trials`: from the highest rung down, the best
 * paused trial in the top ⌊n_k/η⌋ of rung k that has not gone past rung k,
 * sent on to rung k+1; null when no trial qualifies.
 * @see arXiv:1810.05934 (Li et al. 2018, Algorithm 2, get_job)
 */
export function ashaPromotion(trials: readonly TrialState[], rungs: readonly number[], eta: number): SchedulerJob {
  for (let k = rungs.length - 2; k >= 0; k--) {
    const epoch = rungs[k];
    // Only the best trial paused at exactly rung k can be the answer: if it is not in the top set, no worse one is.
    let members = 0;
    let best: { t: TrialState; loss: number } | null = null;
    for (const t of trials) {
      if (t.losses.length < epoch) continue;
      members++;
      if (t.status !== "paused" || t.losses.length !== epoch) continue;
      const loss = rungLoss(t, epoch);
      if (best === null || loss < best.loss) best = { t, loss };
    }
    const quota = Math.floor(members / eta);
    if (best === null || quota === 0) continue;
    let rank = 0;
    for (const t of trials) {
      if (t.losses.length < epoch || t === best.t) continue;
      const loss = rungLoss(t, epoch);
      if (loss < best.loss || (loss === best.loss && t.number < best.t.number)) rank++;
    }
    if (rank < quota) return { kind: "continue", trial: best.t.number, toEpoch: rungs[k + 1] };
  }
  return null;
}

/**
 * ASHA with reduction factor η (default 3) and rung 0 at r epochs (default
 * 1); the top rung is the study's max epochs. Paused trials resume from
 * their checkpoints, so a promotion pays only the epochs between rungs.
 * @see arXiv:1810.05934 (Li, Jamieson, Rostamizadeh, Gonina, Hardt, Recht, Talwalkar 2018, "A System for Massively Parallel Hyperparameter Tuning")
 */
export function ashaScheduler(options: AshaOptions = {}): Scheduler {
  const eta = options.eta ?? 3;
  const minEpochs = options.minEpochs ?? 1;
  checkInteger("asha", "eta", eta, 2);
  checkInteger("asha", "minEpochs", minEpochs, 1);
  checkInteger("asha", "patience", options.patience, 1);
  const patience = options.patience;
  return {
    name: `asha(eta=${eta},r=${minEpochs}${patience ? `,patience=${patience}` : ""})`,
    next(view) {
      const rungs = rungEpochs(minEpochs, eta, view.maxEpochs);
      return ashaPromotion(view.trials, rungs, eta) ?? { kind: "new", toEpoch: rungs[0] };
    },
    onReport(trial, view) {
      return baseVerdict(trial, view.maxEpochs, patience);
    },
  };
}
