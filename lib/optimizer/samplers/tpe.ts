/**
 * Tree-structured Parzen Estimator, multivariate: the observations are split
 * into a good group (the best γ(n)) and the rest, a Parzen estimator l is fit
 * to the good and g to the rest over the joint of all parameters in unit
 * coordinates (so log scales are handled by the encoding), and the candidate
 * drawn from l that maximises l/g is proposed. Defaults follow Optuna's
 * TPESampler.
 */
import { decode } from "../space";
import type { Sampler, StudyView, TrialState } from "../types";
import { ParzenEstimator } from "./parzen";

export type TpeOptions = {
  /** Random trials before the model is used (default 10). */
  nStartupTrials?: number;
  /** Candidates drawn from l per proposal (default 24). */
  nEiCandidates?: number;
  /** Weight of the prior kernel (default 1). */
  priorWeight?: number;
  /** Floor the bandwidths at range / min(100, 1 + kernels) (default true). */
  magicClip?: boolean;
  /** Count running trials without a report as bad ones, so parallel asks spread out (default true). */
  constantLiar?: boolean;
};

/** Optuna's default γ: the size of the good group among n observations, min(⌈0.1·n⌉, 25). */
export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** One trial as TPE ranks it: how far it trained (its fidelity) and its best loss up to there. */
export type TpeObservation = { number: number; z: readonly number[]; depth: number; loss: number };

/**
 * Ranks the trials the model learns from, best first. Trials trained to
 * different epochs are compared at fidelity first, as Optuna ranks pruned
 * trials by the step they reached: a trial that went further (the scheduler
 * judged it worth more epochs) ranks above one that stopped sooner, and
 * among trials of equal depth the best loss wins. A trial that ended on its
 * own terms (completed, or early-stopped by patience) counts as fully
 * trained, because its best epoch is its final answer. A running trial
 * without a report ranks last when the constant liar is on (Ginsbourger et
 * al. 2010), and is left out otherwise; failed trials are left out.
 */
export function rankObservations(view: StudyView, constantLiar: boolean): TpeObservation[] {
  const obs: TpeObservation[] = [];
  for (const t of view.trials) {
    const o = observation(t, view.maxEpochs, constantLiar);
    if (o) obs.push(o);
  }
  return obs.sort((a, b) => b.depth - a.depth || a.loss - b.loss || a.number - b.number);
}

function observation(t: TrialState, maxEpochs: number, constantLiar: boolean): TpeObservation | null {
  if (t.status === "failed") return null;
  if (t.losses.length === 0) return constantLiar && t.status === "running" ? { number: t.number, z: t.z, depth: -1, loss: Infinity } : null;
  const ended = t.status === "completed" || t.status === "pruned";
  return { number: t.number, z: t.z, depth: ended ? maxEpochs : t.losses.length, loss: t.bestLoss };
}

/**
 * Multivariate TPE with Optuna's defaults (10 startup trials, 24 candidates,
 * γ = min(⌈0.1·n⌉, 25), prior weight 1, magic clip, a weight ramp for old
 * observations) and a constant liar for running trials.
 * @see Bergstra, Bardenet, Bengio and Kégl 2011, "Algorithms for Hyper-Parameter Optimization", NeurIPS 24
 * @see arXiv:1807.01774 (Falkner, Klein and Hutter 2018, BOHB: the multivariate kernel density variant)
 * @see arXiv:2304.11127 (Watanabe 2023, a tutorial on TPE's components)
 */
export function tpeSampler(options: TpeOptions = {}): Sampler {
  const nStartup = options.nStartupTrials ?? 10;
  const nCandidates = options.nEiCandidates ?? 24;
  const priorWeight = options.priorWeight ?? 1;
  const magicClip = options.magicClip ?? true;
  const constantLiar = options.constantLiar ?? true;
  if (!Number.isInteger(nStartup) || nStartup < 0) throw new RangeError(`tpe: nStartupTrials must be an integer ≥ 0, got ${nStartup}`);
  if (!Number.isInteger(nCandidates) || nCandidates < 1) throw new RangeError(`tpe: nEiCandidates must be a positive integer, got ${nCandidates}`);
  if (!(priorWeight > 0)) throw new RangeError(`tpe: priorWeight must be > 0, got ${priorWeight}`);
  return {
    name: "tpe",
    sample(view, rng) {
      const ranked = rankObservations(view, constantLiar);
      const reported = ranked.filter((o) => o.depth >= 0).length;
      if (reported < Math.max(nStartup, 1)) return decode(view.space, view.space.map(() => rng.next()));
      const nBelow = tpeGamma(ranked.length);
      const byNumber = (a: TpeObservation, b: TpeObservation) => a.number - b.number;
      const below = ranked.slice(0, nBelow).sort(byNumber).map((o) => o.z);
      const above = ranked.slice(nBelow).sort(byNumber).map((o) => o.z);
      const l = new ParzenEstimator(view.space, below, { priorWeight, magicClip });
      const g = new ParzenEstimator(view.space, above, { priorWeight, magicClip });
      let best: number[] = [];
      let bestScore = -Infinity;
      for (let c = 0; c < nCandidates; c++) {
        const z = l.sample(rng);
        const score = l.logPdf(z) - g.logPdf(z);
        if (c === 0 || score > bestScore) {
          best = z;
          bestScore = score;
        }
      }
      return decode(view.space, best);
    },
  };
}
