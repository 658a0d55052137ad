import type { Scheduler } from "../types";

export type FifoOptions = { patience?: number };

/**
 * Trains every configuration to max epochs, one job each, and stops a trial
 * early once it has not improved on its best loss for `patience` epochs.
 */
export function fifoScheduler(options: FifoOptions = {}): Scheduler {
  const patience = options.patience;
  if (patience !== undefined && (!Number.isInteger(patience) || patience < 1)) {
    throw new RangeError(`fifo: patience must be a positive integer, got ${patience}`);
  }
  return {
    name: patience ? `fifo(patience=${patience})` : "fifo",
    next(view) {
      return { kind: "new", toEpoch: view.maxEpochs };
    },
    onReport(trial, view) {
      const epoch = trial.losses.length;
      if (epoch >= view.maxEpochs) return { decision: "stop", status: "completed", reason: `reached ${view.maxEpochs} epochs` };
      if (patience && epoch - trial.bestEpoch >= patience) {
        return { decision: "stop", status: "pruned", reason: `no improvement for ${patience} epochs (best at epoch ${trial.bestEpoch})` };
      }
      return { decision: "continue" };
    },
  };
}
