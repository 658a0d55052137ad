/**
 * BOHB's model-based sampling: a kernel density model per budget inside
 * Hyperband. A budget is a rung epoch; its observations are the trials that
 * reached it, ranked by their best loss up to there. The largest budget with
 * enough observations is modelled by a density l of its best trials and g of
 * the rest, and the candidate drawn from a widened l that maximises l/g is
 * proposed; a fixed fraction of proposals stays uniformly random.
 */
import type { Rng } from "../rng";
import { checkInteger, rungLoss } from "../schedulers/asha";
import { hyperbandBrackets } from "../schedulers/hyperband";
import { decode, type Params, type Space } from "../space";
import type { Sampler, StudyView } from "../types";
import { Kde } from "./kde";

export type BohbOptions = {
  /** N_min, the fewest points in the good and in the bad model (default d + 1, hpbandster's min_points_in_model). */
  minPointsInModel?: number;
  /** Share of a budget's observations, in percent, that make the good model (default 15). */
  topNPercent?: number;
  /** Candidates drawn from the good model per proposal (default 64). */
  numSamples?: number;
  /** Share of proposals drawn uniformly at random (default 1/3). */
  randomFraction?: number;
  /** Widening of the good model's numeric bandwidths when drawing candidates (default 3). */
  bandwidthFactor?: number;
  /** Floor of every bandwidth (default 1e-3). */
  minBandwidth?: number;
  /** The scheduler's reduction factor η, so the budgets are its rungs (default 3). */
  eta?: number;
  /** The scheduler's minimum epochs r, so the budgets are its rungs (default 1). */
  minEpochs?: number;
  /** Uniform draws tried in turn for a configuration not yet tried, when no model candidate is new; grids make repeats likely (default 8). */
  freshTries?: number;
};

/** How a proposal was made: drawn from the model, or uniformly at random (before any model, or as the random fraction). */
export type BohbOrigin = "model" | "random";

/** One trial at one budget: its coordinates and its best loss up to the budget's epoch. */
export type BudgetObservation = { number: number; z: readonly number[]; loss: number };

/** The budgets: every distinct rung epoch of Hyperband's brackets for these settings, ascending. */
export function bohbBudgets(minEpochs: number, eta: number, maxEpochs: number): number[] {
  const brackets = hyperbandBrackets(Math.min(minEpochs, maxEpochs), eta, maxEpochs);
  const epochs = new Set(brackets.flatMap((b) => b.rungs));
  return [...epochs].sort((a, b) => a - b);
}

/** The trials that reached `epoch` (failed ones left out) with their rung loss there, best first, ties by trial number. */
export function budgetObservations(view: StudyView, epoch: number): BudgetObservation[] {
  const obs: BudgetObservation[] = [];
  for (const t of view.trials) if (t.status !== "failed" && t.losses.length >= epoch) obs.push({ number: t.number, z: t.z, loss: rungLoss(t, epoch) });
  // Explicit comparisons: diverged trials have an infinite loss, and Infinity − Infinity is NaN.
  return obs.sort((a, b) => (a.loss < b.loss ? -1 : a.loss > b.loss ? 1 : a.number - b.number));
}

/** The largest budget with at least `minObservations` observations, with them; null when none has enough. */
export function modelBudget(view: StudyView, budgets: readonly number[], minObservations: number): { epoch: number; observations: BudgetObservation[] } | null {
  for (let k = budgets.length - 1; k >= 0; k--) {
    const observations = budgetObservations(view, budgets[k]);
    if (observations.length >= minObservations) return { epoch: budgets[k], observations };
  }
  return null;
}

/**
 * The good and bad groups of Algorithm 2: the best max(N_min, ⌊q·n⌋) and
 * the worst max(N_min, n − that); they overlap when n < 2·N_min.
 */
export function splitObservations(ranked: readonly BudgetObservation[], minPoints: number, topNPercent: number): { good: BudgetObservation[]; bad: BudgetObservation[] } {
  const n = ranked.length;
  const nGood = Math.min(n, Math.max(minPoints, Math.floor((topNPercent * n) / 100)));
  const nBad = Math.min(n, Math.max(minPoints, n - nGood));
  return { good: ranked.slice(0, nGood), bad: ranked.slice(n - nBad) };
}

function checkOption(name: string, value: number | undefined, ok: (v: number) => boolean, rule: string): void {
  if (value !== undefined && !(Number.isFinite(value) && ok(value))) throw new RangeError(`bohb: ${name} must be ${rule}, got ${value}`);
}

/**
 * BOHB's sampler with hpbandster's defaults (top 15 %, 64 candidates, random
 * fraction 1/3, bandwidth factor 3, minimum bandwidth 1e-3, N_min = d + 1).
 * A budget is modelled once it holds N_min + 2 observations, as in
 * Algorithm 2. Paired with the hyperband scheduler it is BOHB, with
 * asynchronous brackets whose paused trials resume from their checkpoints.
 * @see arXiv:1807.01774 (Falkner, Klein and Hutter 2018, "BOHB: Robust and Efficient Hyperparameter Optimization at Scale", Algorithm 2)
 */
export function bohbSampler(options: BohbOptions = {}): Sampler & { origin(trial: number): BohbOrigin | undefined } {
  checkInteger("bohb", "minPointsInModel", options.minPointsInModel, 1);
  checkOption("topNPercent", options.topNPercent, (v) => v > 0 && v < 100, "in (0, 100)");
  checkInteger("bohb", "numSamples", options.numSamples, 1);
  checkOption("randomFraction", options.randomFraction, (v) => v >= 0 && v <= 1, "in [0, 1]");
  checkOption("bandwidthFactor", options.bandwidthFactor, (v) => v > 0, "> 0");
  checkOption("minBandwidth", options.minBandwidth, (v) => v > 0, "> 0");
  checkInteger("bohb", "eta", options.eta, 2);
  checkInteger("bohb", "minEpochs", options.minEpochs, 1);
  checkInteger("bohb", "freshTries", options.freshTries, 1);
  const topNPercent = options.topNPercent ?? 15;
  const numSamples = options.numSamples ?? 64;
  const randomFraction = options.randomFraction ?? 1 / 3;
  const bandwidthFactor = options.bandwidthFactor ?? 3;
  const minBandwidth = options.minBandwidth ?? 1e-3;
  const eta = options.eta ?? 3;
  const minEpochs = options.minEpochs ?? 1;
  const freshTries = options.freshTries ?? 8;

  let budgets: { maxEpochs: number; epochs: number[] } | null = null;
  // Configurations already tried, kept incrementally: trials are only ever appended to a study.
  const seen = new Set<string>();
  let seenUpTo = 0;
  const origins = new Map<number, BohbOrigin>();

  const updateSeen = (view: StudyView) => {
    if (view.trials.length < seenUpTo) {
      seen.clear();
      seenUpTo = 0;
    }
    for (; seenUpTo < view.trials.length; seenUpTo++) seen.add(JSON.stringify(view.trials[seenUpTo].params));
  };
  const fresh = (params: Params) => !seen.has(JSON.stringify(params));

  /** Uniform draws until one is fresh, at most freshTries of them; the last one otherwise. */
  const uniform = (space: Space, rng: Rng): Params => {
    let params = decode(space, space.map(() => rng.next()));
    for (let attempt = 1; attempt < freshTries && !fresh(params); attempt++) params = decode(space, space.map(() => rng.next()));
    return params;
  };

  /** The untried candidate with the highest l/g among numSamples draws from the widened good model, or null if all were tried. */
  const fromModel = (view: StudyView, rng: Rng, good: Kde, bad: Kde): Params | null => {
    const candidates: { params: Params; score: number }[] = [];
    for (let c = 0; c < numSamples; c++) {
      const z = good.sample(rng, bandwidthFactor);
      candidates.push({ params: decode(view.space, z), score: good.logPdf(z) - bad.logPdf(z) });
    }
    // A stable sort keeps draw order among equal scores.
    candidates.sort((a, b) => b.score - a.score);
    return candidates.find((c) => fresh(c.params))?.params ?? null;
  };

  return {
    name: "bohb",
    sample(view, rng, trialNumber) {
      updateSeen(view);
      if (budgets?.maxEpochs !== view.maxEpochs) budgets = { maxEpochs: view.maxEpochs, epochs: bohbBudgets(minEpochs, eta, view.maxEpochs) };
      const minPoints = options.minPointsInModel ?? view.space.length + 1;
      const budget = modelBudget(view, budgets.epochs, minPoints + 2);
      if (budget !== null && !(rng.next() < randomFraction)) {
        const { good, bad } = splitObservations(budget.observations, minPoints, topNPercent);
        const l = new Kde(view.space, good.map((o) => o.z), minBandwidth);
        const g = new Kde(view.space, bad.map((o) => o.z), minBandwidth);
        const params = fromModel(view, rng, l, g);
        if (params !== null) {
          origins.set(trialNumber, "model");
          return params;
        }
      }
      origins.set(trialNumber, "random");
      return uniform(view.space, rng);
    },
    origin(trial) {
      return origins.get(trial);
    },
  };
}
