/** The leaders of a study, as successive halving ranks them; the sieve samples near them and the race warm-starts from them. */
import { rungLoss } from "./schedulers/asha";
import type { TrialState } from "./types";

/** Trials ordered as successive halving would: the highest rung reached first, then the loss there. */
export function leaders(trials: readonly TrialState[], rungs: readonly number[], count: number): TrialState[] {
  const key = (t: TrialState) => {
    let level = -1;
    for (let k = 0; k < rungs.length; k++) if (t.losses.length >= rungs[k]) level = k;
    return { level, loss: level < 0 ? Infinity : rungLoss(t, rungs[level]) };
  };
  return trials
    .filter((t) => t.losses.length > 0)
    .map((t) => ({ t, ...key(t) }))
    .sort((a, b) => b.level - a.level || a.loss - b.loss || a.t.number - b.t.number)
    .slice(0, count)
    .map((x) => x.t);
}
