/** Effects that reverse with the training budget: a finding of their own, and never a reason to narrow on the low fidelity. */
import { rungLoss } from "../schedulers/asha";
import type { Space } from "../space";
import type { TrialState } from "../types";
import { pearson, ranks } from "./stats";

/** A parameter whose rank correlation with the loss has one sign at a low fidelity and the other at a high one, both significant. */
export type FidelityEffect = {
  param: string;
  lowEpoch: number;
  lowRho: number;
  highEpoch: number;
  highRho: number;
  /** Trials compared at each fidelity. */
  lowN: number;
  highN: number;
  summary: string;
};

/** Observations needed at a fidelity before its rank correlations are compared with another's. */
const MIN_FIDELITY_OBSERVATIONS = 12;
/** Two-sided 5% for Spearman's ρ: ρ·√(n−1) beyond this is significant. */
const Z_95 = 1.96;

/**
 * Parameters whose effect reverses with the budget: Spearman's ρ between the
 * parameter and the loss is significant with one sign at the lowest rung
 * and with the other at the highest rung that has enough trials. Every
 * trial that trained a rung itself counts, so the high rung is biased
 * towards what the race promoted; a reversal survives that bias only when
 * it is strong.
 * @see arXiv:1803.02021 (Wu et al. 2018, short-horizon bias)
 */
export function fidelityEffects(space: Space, trials: readonly TrialState[], rungs: readonly number[]): FidelityEffect[] {
  // Each rung's own trials with a finite loss there, and their losses' ranks, computed once for every parameter.
  const at = (epoch: number) => {
    const members: TrialState[] = [];
    const losses: number[] = [];
    for (const t of trials) {
      if ((t.startEpoch ?? 0) >= epoch || t.losses.length < epoch) continue;
      const loss = rungLoss(t, epoch);
      if (Number.isFinite(loss)) {
        members.push(t);
        losses.push(loss);
      }
    }
    return { epoch, trials: members, losses };
  };
  const usable = rungs.map(at).filter((r) => r.trials.length >= MIN_FIDELITY_OBSERVATIONS);
  if (usable.length < 2) return [];
  const { epoch: low, trials: lowTrials } = usable[0];
  const { epoch: high, trials: highTrials } = usable[usable.length - 1];
  const lowLossRanks = ranks(usable[0].losses);
  const highLossRanks = ranks(usable[usable.length - 1].losses);
  // Spearman's ρ, as stats.spearman computes it, with the losses' ranks reused.
  const rhoAt = (members: TrialState[], lossRanks: number[], i: number) => pearson(ranks(members.map((t) => t.z[i])), lossRanks);
  const out: FidelityEffect[] = [];
  space.forEach((p, i) => {
    if (p.type === "categorical") return;
    const lowRho = rhoAt(lowTrials, lowLossRanks, i);
    const highRho = rhoAt(highTrials, highLossRanks, i);
    const sig = (rho: number, n: number) => Number.isFinite(rho) && Math.abs(rho) * Math.sqrt(n - 1) >= Z_95;
    if (!sig(lowRho, lowTrials.length) || !sig(highRho, highTrials.length) || Math.sign(lowRho) === Math.sign(highRho)) return;
    const early = lowRho < 0 ? "large" : "small";
    const late = highRho < 0 ? "large" : "small";
    out.push({
      param: p.name,
      lowEpoch: low,
      lowRho,
      highEpoch: high,
      highRho,
      lowN: lowTrials.length,
      highN: highTrials.length,
      summary: `${p.name}: ${early} values learn faster early (ρ = ${lowRho.toFixed(2)} at epoch ${low}, ${lowTrials.length} trials), ${late} values end better (ρ = ${highRho.toFixed(2)} at epoch ${high}, ${highTrials.length} trials)`,
    });
  });
  return out;
}
