/** The leaders of a study, as successive halving ranks them; the sieve samples near them and the race warm-starts from them. */
import { rungLoss } from "./schedulers/asha";
import type { TrialState } from "./types";

type Ranked = { t: TrialState; level: number; loss: number };

/** Successive halving's order: the highest rung reached first, then the loss there, then the trial number. */
const before = (a: Ranked, b: Ranked) => b.level - a.level || (a.loss < b.loss ? -1 : a.loss > b.loss ? 1 : 0) || a.t.number - b.t.number;

/**
 * The first `count` trials in successive halving's order: the highest rung
 * reached first, then the loss there. One pass that keeps the best `count`
 * (the sieve asks for five on every sample of 10,000 trials), skipping the
 * loss of a trial whose rung is already too low to enter, or whose best loss
 * already trails the last leader's at its rung.
 */
export function leaders(trials: readonly TrialState[], rungs: readonly number[], count: number): TrialState[] {
  const top: Ranked[] = [];
  if (count <= 0) return [];
  for (const t of trials) {
    if (t.losses.length === 0) continue;
    let level = -1;
    for (let k = 0; k < rungs.length; k++) if (t.losses.length >= rungs[k]) level = k;
    if (top.length === count && level < top[count - 1].level) continue;
    // The loss at a rung is at least the trial's best loss: a best loss behind the last leader's at the same level cannot enter.
    if (top.length === count && level === top[count - 1].level && t.bestLoss > top[count - 1].loss) continue;
    const entry = { t, level, loss: level < 0 ? Infinity : rungLoss(t, rungs[level]) };
    if (top.length === count && before(entry, top[count - 1]) >= 0) continue;
    let at = top.length;
    while (at > 0 && before(entry, top[at - 1]) < 0) at--;
    top.splice(at, 0, entry);
    if (top.length > count) top.pop();
  }
  return top.map((x) => x.t);
}
