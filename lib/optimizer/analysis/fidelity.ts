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
  return fidelityEffectsOf(fidelityInputOf(space, fidelityMembers(trials, rungs)));
}

/** The lowest and highest rungs with enough trials, and those trials: each trained the rung's epoch itself and has a finite loss there. */
export type FidelityMembers = { low: { epoch: number; trials: TrialState[] }; high: { epoch: number; trials: TrialState[] } } | null;

export function fidelityMembers(trials: readonly TrialState[], rungs: readonly number[]): FidelityMembers {
  const at = (epoch: number) => ({ epoch, trials: trials.filter((t) => (t.startEpoch ?? 0) < epoch && t.losses.length >= epoch && Number.isFinite(rungLoss(t, epoch))) });
  const usable = rungs.map(at).filter((r) => r.trials.length >= MIN_FIDELITY_OBSERVATIONS);
  return usable.length < 2 ? null : { low: usable[0], high: usable[usable.length - 1] };
}

/** A rung's trials as columns: one array of unit coordinates per parameter, and the losses (typed, so a worker thread receives them as copies of memory). */
type FidelityRung = { epoch: number; columns: Float64Array[]; losses: Float64Array };

/** What the comparison of fidelities reads, as plain data (a worker thread can compute it). */
export type FidelityInput = { params: { name: string; categorical: boolean }[]; low: FidelityRung; high: FidelityRung } | null;

export function fidelityInputOf(space: Space, members: FidelityMembers): FidelityInput {
  if (!members) return null;
  const rung = ({ epoch, trials }: { epoch: number; trials: TrialState[] }): FidelityRung => ({
    epoch,
    columns: space.map((_, i) => Float64Array.from(trials, (t) => t.z[i])),
    losses: Float64Array.from(trials, (t) => rungLoss(t, epoch)),
  });
  return { params: space.map((p) => ({ name: p.name, categorical: p.type === "categorical" })), low: rung(members.low), high: rung(members.high) };
}

/** The parameters whose effect reverses between the input's two rungs (see fidelityEffects). */
export function fidelityEffectsOf(input: FidelityInput): FidelityEffect[] {
  if (!input) return [];
  const { low, high } = input;
  // Spearman's ρ, as stats.spearman computes it, with each rung's loss ranks computed once for every parameter.
  const lowLossRanks = ranks(Array.from(low.losses));
  const highLossRanks = ranks(Array.from(high.losses));
  const rhoAt = (rung: FidelityRung, lossRanks: number[], i: number) => pearson(ranks(Array.from(rung.columns[i])), lossRanks);
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
