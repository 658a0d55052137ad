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
  return fidelityEffectsOf(fidelityInput(space, trials, rungs));
}

/** A rung's own trials with a finite loss there: their unit coordinates and losses. */
type FidelityRung = { epoch: number; z: number[][]; losses: number[] };

/** What the comparison of fidelities reads, as plain data (a worker thread can compute it): the lowest and highest rungs with enough trials. */
export type FidelityInput = { params: { name: string; categorical: boolean }[]; low: FidelityRung; high: FidelityRung } | null;

/** The input of fidelityEffectsOf from the trials: null while fewer than two rungs have enough of them. */
export function fidelityInput(space: Space, trials: readonly TrialState[], rungs: readonly number[]): FidelityInput {
  const at = (epoch: number): FidelityRung => {
    const z: number[][] = [];
    const losses: number[] = [];
    for (const t of trials) {
      if ((t.startEpoch ?? 0) >= epoch || t.losses.length < epoch) continue;
      const loss = rungLoss(t, epoch);
      if (Number.isFinite(loss)) {
        z.push(t.z as number[]);
        losses.push(loss);
      }
    }
    return { epoch, z, losses };
  };
  const usable = rungs.map(at).filter((r) => r.losses.length >= MIN_FIDELITY_OBSERVATIONS);
  if (usable.length < 2) return null;
  return { params: space.map((p) => ({ name: p.name, categorical: p.type === "categorical" })), low: usable[0], high: usable[usable.length - 1] };
}

/** The parameters whose effect reverses between the input's two rungs (see fidelityEffects). */
export function fidelityEffectsOf(input: FidelityInput): FidelityEffect[] {
  if (!input) return [];
  const { low, high } = input;
  // Spearman's ρ, as stats.spearman computes it, with each rung's loss ranks computed once for every parameter.
  const lowLossRanks = ranks(low.losses);
  const highLossRanks = ranks(high.losses);
  const rhoAt = (rung: FidelityRung, lossRanks: number[], i: number) => pearson(ranks(rung.z.map((z) => z[i])), lossRanks);
  const out: FidelityEffect[] = [];
  input.params.forEach((p, i) => {
    if (p.categorical) return;
    const lowRho = rhoAt(low, lowLossRanks, i);
    const highRho = rhoAt(high, highLossRanks, i);
    const lowN = low.losses.length;
    const highN = high.losses.length;
    const sig = (rho: number, n: number) => Number.isFinite(rho) && Math.abs(rho) * Math.sqrt(n - 1) >= Z_95;
    if (!sig(lowRho, lowN) || !sig(highRho, highN) || Math.sign(lowRho) === Math.sign(highRho)) return;
    const early = lowRho < 0 ? "large" : "small";
    const late = highRho < 0 ? "large" : "small";
    out.push({
      param: p.name,
      lowEpoch: low.epoch,
      lowRho,
      highEpoch: high.epoch,
      highRho,
      lowN,
      highN,
      summary: `${p.name}: ${early} values learn faster early (ρ = ${lowRho.toFixed(2)} at epoch ${low.epoch}, ${lowN} trials), ${late} values end better (ρ = ${highRho.toFixed(2)} at epoch ${high.epoch}, ${highN} trials)`,
    });
  });
  return out;
}
