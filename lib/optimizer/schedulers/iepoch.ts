/**
 * The i-epoch baseline: train every candidate for i epochs, judge it there,
 * and spend full training only on the few best of each batch.
 */
import type { Scheduler, TrialState } from "../types";
import { baseVerdict, checkInteger, rungLoss } from "./asha";

export type IEpochOptions = {
  /** Epochs every candidate trains before it is judged (default 1). */
  epochs?: number;
  /** Candidates per batch (default 10). */
  batchSize?: number;
  /** Best candidates of each batch continued to max epochs (default 1). */
  keep?: number;
  /** Stop a continued trial that has not improved for this many epochs. */
  patience?: number;
};

/**
 * Trial n belongs to batch ⌊n / batchSize⌋. Once every trial of a batch has
 * reported epoch i (or ended), the `keep` trials of the batch with the best
 * loss up to epoch i are each continued from their checkpoint to max epochs,
 * best first; a kept trial that ended before (early-stopped or failed) is not
 * replaced. A request for work continues the oldest such kept trial, else
 * starts a new candidate for i epochs, so batches overlap when work runs in
 * parallel. The paper's i-epoch discards every trial after i epochs; the
 * continuation makes the baseline report a fully trained model's value.
 * @see arXiv:2302.00441 (Egele, Guyon, Wu, Balaprakash 2023, "The Unreasonable Effectiveness of Early Discarding Baselines in Hyperparameter Optimization")
 */
export function iEpochScheduler(options: IEpochOptions = {}): Scheduler {
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 10;
  const keep = options.keep ?? 1;
  checkInteger("iepoch", "epochs", epochs, 1);
  checkInteger("iepoch", "batchSize", batchSize, 1);
  checkInteger("iepoch", "keep", keep, 1);
  checkInteger("iepoch", "patience", options.patience, 1);
  if (keep > batchSize) throw new RangeError(`iepoch: keep (${keep}) must not exceed batchSize (${batchSize})`);
  const patience = options.patience;
  return {
    name: `iepoch(i=${epochs},batch=${batchSize},keep=${keep}${patience ? `,patience=${patience}` : ""})`,
    next(view) {
      const i = Math.min(epochs, view.maxEpochs);
      const trials = view.trials;
      for (let start = 0; start + batchSize <= trials.length; start += batchSize) {
        const batch = trials.slice(start, start + batchSize);
        if (!batch.every((t) => judged(t, i))) continue;
        const kept = batch
          .map((t) => ({ t, loss: rungLoss(t, i) }))
          .sort((a, b) => a.loss - b.loss || a.t.number - b.t.number)
          .slice(0, keep);
        const candidate = kept.find(({ t }) => t.status === "paused" && t.losses.length === i);
        if (candidate) return { kind: "continue", trial: candidate.t.number, toEpoch: view.maxEpochs };
      }
      return { kind: "new", toEpoch: i };
    },
    onReport(trial, view) {
      return baseVerdict(trial, view.maxEpochs, patience);
    },
  };
}

function judged(t: TrialState, epoch: number): boolean {
  return t.losses.length >= epoch || t.status === "failed" || t.status === "pruned" || t.status === "completed";
}
