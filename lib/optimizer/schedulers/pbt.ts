/**
 * Population-based training, the baseline for warm starts and schedules:
 * a population trains in steps of `ready` epochs; at each ready point a
 * member ranked in the bottom quantile (by its loss at that epoch, among all
 * trials that trained that epoch themselves) stops, and a new trial branches from a random
 * top-quantile member's checkpoint at its current epoch (exploit) with
 * perturbed params (explore). Asynchronous, as in Ray Tune: no member waits
 * for a generation to finish.
 * @see arXiv:1711.09846 (Jaderberg et al. 2017, "Population Based Training of Neural Networks")
 */
import { branchable } from "../branching";
import { deriveRng, type Rng } from "../rng";
import { decodeValue, encodeValue, type Params, type Space } from "../space";
import type { Scheduler, SchedulerJob, StudyView, TrialState } from "../types";
import { baseVerdict, checkInteger } from "./asha";

export type PbtOptions = {
  /** Members training at once (default 8). */
  population?: number;
  /** Epochs between ready points (default 4). */
  ready?: number;
  /** Share of the ranked members that is the bottom (replaced) and the top (copied) (default 0.25). */
  quantile?: number;
  /** Probability that explore resamples a param instead of perturbing it (default 0.25). */
  resample?: number;
  /** Members compared at a ready point before anyone is replaced (default 4). */
  minPeers?: number;
  patience?: number;
  seed?: number;
};

/**
 * PBT's explore step in unit-aware form: each param is resampled uniformly
 * with probability `resample`; otherwise a numeric param is multiplied by
 * 0.8 or 1.2 — its value on a log scale, its distance from the lower bound
 * on a linear one — and a categorical one is kept. Ints snap to their grid.
 */
export function explore(space: Space, params: Params, rng: Rng, resample = 0.25): Params {
  const next: Params = {};
  for (const p of space) {
    const value = params[p.name];
    if (rng.next() < resample) {
      next[p.name] = decodeValue(p, rng.next());
      continue;
    }
    if (p.type === "categorical") {
      next[p.name] = value;
      continue;
    }
    const factor = rng.next() < 0.5 ? 0.8 : 1.2;
    const x = value as number;
    const moved = p.log ? x * factor : p.low + (x - p.low) * factor;
    next[p.name] = decodeValue(p, encodeValue(p, Math.min(p.high, Math.max(p.low, moved))));
  }
  return next;
}

/** A member stopped at a ready point, waiting for the branch that replaces it, with the top members it may copy. */
type Replacement = { trial: number; epoch: number; top: number[] };

const live = (t: TrialState) => t.status === "running" || t.status === "paused";

/** The PBT scheduler; with `allowBranch` false (tables), a replaced member is followed by a fresh random one. */
export function pbtScheduler(options: PbtOptions = {}): Scheduler {
  const population = options.population ?? 8;
  const ready = options.ready ?? 4;
  const quantile = options.quantile ?? 0.25;
  const resample = options.resample ?? 0.25;
  const minPeers = options.minPeers ?? 4;
  const seed = options.seed ?? 0;
  checkInteger("pbt", "population", population, 2);
  checkInteger("pbt", "ready", ready, 1);
  checkInteger("pbt", "minPeers", minPeers, 2);
  checkInteger("pbt", "patience", options.patience, 1);
  if (!(quantile > 0 && quantile <= 0.5)) throw new RangeError(`pbt: quantile must be in (0, 0.5], got ${quantile}`);
  if (!(resample >= 0 && resample <= 1)) throw new RangeError(`pbt: resample must be in [0, 1], got ${resample}`);
  const patience = options.patience;
  // Filled by onReport, which replay calls in the same order; next() stays pure, since the replacements
  // already made are the trials of origin "exploit" (one per replacement, in order).
  const replaced: Replacement[] = [];

  const nextReady = (epoch: number, maxEpochs: number) => Math.min(maxEpochs, (Math.floor(epoch / ready) + 1) * ready);

  function replacement(view: StudyView): SchedulerJob | "wait" | null {
    const made = view.trials.filter((t) => t.origin === "exploit").length;
    for (const r of replaced.slice(made, made + 1)) {
      const usable = (t: TrialState) => t.losses.length < view.maxEpochs && branchable(t, t.losses.length);
      // The share of the trials that trained t's current epoch that did better there: a top member must still be top where it is copied.
      const share = (t: TrialState) => {
        const e = t.losses.length;
        const peers = view.trials.filter((u) => u.losses.length >= e && (u.startEpoch ?? 0) < e);
        return peers.filter((u) => u.losses[e - 1] < t.losses[e - 1]).length / peers.length;
      };
      let candidates: TrialState[] = r.top.map((n) => view.trials[n]).filter((t) => usable(t) && share(t) < quantile);
      if (candidates.length === 0 && r.top.some((n) => view.trials[n].status === "running")) return "wait";
      // Every top member finished, diverged or fell back: copy the member that ranks best among the trials that trained its current epoch.
      if (candidates.length === 0) {
        const best = view.trials
          .filter(usable)
          .map((t) => ({ t, share: share(t) }))
          .sort((a, b) => a.share - b.share || a.t.number - b.t.number)[0];
        // A copy from the worse half is no exploit: wait for running members to reach a ready point, unless none is running.
        if (best && best.share >= 0.5 && view.trials.some((t) => t.status === "running")) return "wait";
        if (best) candidates = [best.t];
      }
      if (candidates.length === 0) return null;
      const rng = deriveRng(seed, "pbt", view.trials.length);
      const parent = candidates[rng.int(candidates.length)];
      const fromEpoch = parent.losses.length;
      return { kind: "branch", parent: parent.number, fromEpoch, params: explore(view.space, parent.params, rng, resample), toEpoch: nextReady(fromEpoch, view.maxEpochs), origin: "exploit" };
    }
    return null;
  }

  return {
    name: `pbt(n=${population},ready=${ready}${patience ? `,patience=${patience}` : ""})`,
    next(view) {
      const exploit = replacement(view);
      if (exploit !== null && exploit !== "wait") return exploit;
      // Fill the population first, then continue the member furthest behind, so that few workers still round-robin the whole population.
      const made = view.trials.filter((t) => t.origin === "exploit").length;
      const pending = Math.max(0, replaced.length - made);
      if (view.trials.filter(live).length + pending < population) return { kind: "new", toEpoch: Math.min(ready, view.maxEpochs) };
      let behind: TrialState | null = null;
      for (const t of view.trials) {
        if (t.status === "paused" && t.losses.length < view.maxEpochs && (behind === null || t.losses.length < behind.losses.length)) behind = t;
      }
      return behind ? { kind: "continue", trial: behind.number, toEpoch: nextReady(behind.losses.length, view.maxEpochs) } : null;
    },
    onReport(trial, view) {
      const verdict = baseVerdict(trial, view.maxEpochs, patience);
      const epoch = trial.losses.length;
      if (verdict.decision !== "continue" || epoch % ready !== 0 || epoch <= (trial.startEpoch ?? 0)) return verdict;
      // Every trial whose loss at this epoch is its own (not inherited from a parent), members that
      // finished included: with few workers the live population is small, and the finished ones are evidence too.
      const peers = view.trials
        .filter((t) => t.losses.length >= epoch && (t.startEpoch ?? 0) < epoch)
        .map((t) => ({ t, loss: Number.isFinite(t.losses[epoch - 1]) ? t.losses[epoch - 1] : Infinity }))
        .sort((a, b) => a.loss - b.loss || a.t.number - b.t.number);
      if (peers.length < minPeers) return verdict;
      const cut = Math.max(1, Math.floor(peers.length * quantile));
      const rank = peers.findIndex((p) => p.t === trial);
      if (rank < peers.length - cut) return verdict;
      if (view.allowBranch) replaced.push({ trial: trial.number, epoch, top: peers.slice(0, cut).map((p) => p.t.number) });
      return {
        decision: "stop",
        status: "pruned",
        reason: `PBT: in the bottom ${Math.round(quantile * 100)}% at epoch ${epoch} (rank ${rank + 1} of ${peers.length}); replaced by ${view.allowBranch ? "a branch of a top member" : "a new member"}`,
      };
    },
  };
}
