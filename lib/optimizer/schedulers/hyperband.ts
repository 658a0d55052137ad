/**
 * Asynchronous Hyperband: several ASHA brackets that differ in their minimum
 * resource, so that the hedge of Hyperband against misleading early ranks
 * survives asynchrony.
 */
import type { Scheduler } from "../types";
import { ashaPromotion, baseVerdict, checkInteger, rungEpochs } from "./asha";

export type HyperbandOptions = {
  /** Reduction factor η (default 3). */
  eta?: number;
  /** Epochs of rung 0 of the most aggressive bracket, r (default 1). */
  minEpochs?: number;
  /** Stop a trial that has not improved for this many epochs. */
  patience?: number;
};

/**
 * Bracket s = 0..s_max starts trials at rung s of the ladder `rungEpochs`
 * (which ends at max epochs) and uses the rungs above it. Its share of new
 * trials is Hyperband's n for that bracket,
 * ⌈(s_max+1)/(s_max−s+1)·η^(s_max−s)⌉, so each bracket gets about the same
 * budget, as in Li et al. 2017.
 */
export function hyperbandBrackets(minEpochs: number, eta: number, maxEpochs: number): { rungs: number[]; share: number }[] {
  const ladder = rungEpochs(minEpochs, eta, maxEpochs);
  const sMax = ladder.length - 1;
  return ladder.map((_, s) => ({ rungs: ladder.slice(s), share: Math.ceil(((sMax + 1) / (sMax - s + 1)) * eta ** (sMax - s)) }));
}

/** A repeating order of brackets for new trials, interleaved by smooth weighted round-robin over the shares. */
export function bracketCycle(shares: readonly number[]): number[] {
  const total = shares.reduce((a, b) => a + b, 0);
  const current = shares.map(() => 0);
  const cycle: number[] = [];
  for (let i = 0; i < total; i++) {
    let pick = 0;
    shares.forEach((w, s) => {
      current[s] += w;
      if (current[s] > current[pick]) pick = s;
    });
    current[pick] -= total;
    cycle.push(pick);
  }
  return cycle;
}

/**
 * Asynchronous Hyperband (the ASHA paper's variant of Li et al. 2017): trial
 * n belongs to bracket cycle[n mod |cycle|], a pure function of its number;
 * each bracket runs ASHA on its own trials along its part of the ladder. A request for work first promotes (brackets in order of their
 * minimum resource), else starts a new trial in the next bracket of the cycle.
 * @see arXiv:1603.06560 (Li, Jamieson, DeSalvo, Rostamizadeh, Talwalkar 2017, "Hyperband")
 * @see arXiv:1810.05934 (Li et al. 2018, asynchronous Hyperband, section 3)
 */
export function hyperbandScheduler(options: HyperbandOptions = {}): Scheduler {
  const eta = options.eta ?? 3;
  const minEpochs = options.minEpochs ?? 1;
  checkInteger("hyperband", "eta", eta, 2);
  checkInteger("hyperband", "minEpochs", minEpochs, 1);
  checkInteger("hyperband", "patience", options.patience, 1);
  const patience = options.patience;
  let cached: { maxEpochs: number; rungs: number[][]; cycle: number[] } | null = null;
  const plan = (maxEpochs: number) => {
    if (cached?.maxEpochs !== maxEpochs) {
      const brackets = hyperbandBrackets(Math.min(minEpochs, maxEpochs), eta, maxEpochs);
      cached = {
        maxEpochs,
        rungs: brackets.map((b) => b.rungs),
        cycle: bracketCycle(brackets.map((b) => b.share)),
      };
    }
    return cached;
  };
  return {
    name: `hyperband(eta=${eta},r=${minEpochs}${patience ? `,patience=${patience}` : ""})`,
    next(view) {
      const { rungs, cycle } = plan(view.maxEpochs);
      const members: (typeof view.trials)[number][][] = rungs.map(() => []);
      for (const t of view.trials) members[cycle[t.number % cycle.length]].push(t);
      for (let s = 0; s < rungs.length; s++) {
        const job = ashaPromotion(members[s], rungs[s], eta);
        if (job) return job;
      }
      return { kind: "new", toEpoch: rungs[cycle[view.trials.length % cycle.length]][0] };
    },
    onReport(trial, view) {
      return baseVerdict(trial, view.maxEpochs, patience);
    },
  };
}
