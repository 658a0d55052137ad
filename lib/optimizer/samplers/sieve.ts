/**
 * The correlation sieve (DESIGN.md, "The method", idea 1): space-filling
 * samples first; then, after each analysis round, slab rules where the
 * good trials lie, and sampling inside the narrowed subspace — steps from
 * the leaders along discovered directions, neighbours of the leaders, and
 * uniform fill, or TPE's density ratio once the race trusts a fidelity above
 * its first rung — while a fixed share of Sobol samples keeps covering the
 * whole space. Only those full-space samples feed the analysis, so the
 * correlations are not biased by where the sieve already looks.
 */
import type { AnalysisParam, Effect } from "../analysis/effects";
import { fidelityEffects, fidelityInputOf, fidelityMembers, type FidelityEffect } from "../analysis/fidelity";
import { runRoundJob, type RoundJob, type RoundResult } from "../analysis/round";
import { checkSlab, proposeSlab } from "../analysis/slabs";
import { deriveRng, type Rng } from "../rng";
import { buildSubspace, clampToBox, contains, sampleSubspace, volumeShare, type Rule, type Subspace } from "../rules";
import { decode, decodeValue, type Space } from "../space";
import { leaders } from "../leaders";
import { rungEpochs, rungLoss } from "../schedulers/asha";
import type { Sampler, StudyView, TrialState } from "../types";
import { ParzenEstimator } from "./parzen";
import { tpeGamma } from "./tpe";

export { leaders, fidelityEffects, type FidelityEffect };
import { sobolSequence } from "./sobol";

export type SieveOptions = {
  seed?: number;
  /** Full-space Sobol trials before any narrowing. */
  initialTrials?: number;
  /** Share of later samples drawn from the whole space. */
  outsideShare?: number;
  /** Observations needed at a fidelity before it is analysed. */
  minObservations?: number;
  /** False discovery rate of each round. */
  alpha?: number;
  /** A slab activates when its confirmation p-value is at most this. */
  activateP?: number;
  /** An active slab relaxes when its re-check p-value rises above this. */
  relaxP?: number;
  permutations?: number;
  /** Bootstrap resamples for the effects' intervals (0 skips them). */
  bootstrap?: number;
  eta?: number;
  /** The race's first rung (its minEpochs, default 1): above it, inside picks come from the density model. */
  minEpochs?: number;
  /**
   * Whether a due round only records its input and waits for completeAnalysis
   * (its effect tests run elsewhere, a worker thread, and the engine logs
   * when they came back); otherwise the round runs inside the ask that found
   * it due. A study's log is replayed in the mode it ran in.
   */
  deferAnalysis?: boolean;
};

/**
 * A round that fell due: its fidelity, the trials it tests (by number) and
 * the two rungs its fidelity comparison reads. Compact, for a strategy
 * snapshot: a trial's loss at a rung it has reached never changes, so the
 * job is rebuilt exactly from the trials whenever it is needed.
 */
type DueRound = { round: number; epoch: number; trials: number; numbers: number[]; fidelity: { low: { epoch: number; members: number[] }; high: { epoch: number; members: number[] } } | null };

/** A round whose tests run elsewhere: what it was when it fell due, and the job that computes its result. */
export type PendingRound = DueRound & { job: RoundJob };

/** How a trial's configuration was chosen ("model": TPE's l/g inside the subspace, once the race trusts a fidelity above its first rung). */
export type Origin = "fill" | "neighbour" | "step" | "inside" | "model";

/** What one analysis round found, for the dashboard. */
export type AnalysisSnapshot = {
  round: number;
  /** Trials created when the round ran. */
  trials: number;
  /** The epoch (fidelity) the round tested at. */
  epoch: number;
  observations: number;
  effects: Effect[];
  rules: Rule[];
  /** The current subspace's bounds per parameter, in unit coordinates. */
  bounds: [number, number][];
  volumeShare: number;
  /** Parameters whose effect changes sign between a low and a high fidelity ("learns faster early, ends worse"). */
  fidelityEffects?: FidelityEffect[];
};


/** A sieve sampler: a Sampler that also exposes its discovered rules and analysis snapshots. */
export type SieveSampler = Sampler & {
  rules(): readonly Rule[];
  snapshots(): readonly AnalysisSnapshot[];
  origin(trial: number): Origin | undefined;
  /** Sets the user's rules, which always hold. */
  setUserRules(rules: readonly Rule[]): void;
  /** The user accepts (activates) or rejects a discovered rule; the decision outlives later analysis rounds. */
  decideRule(id: string, status: "active" | "rejected"): void;
  /** The round waiting for its effects (deferAnalysis), or null. */
  pendingAnalysis(view: StudyView): PendingRound | null;
  /** Completes the pending round with the result of its job: its rules and snapshot, as if the round had run now. */
  completeAnalysis(view: StudyView, round: number, result: RoundResult): void;
};

type Direction = { group: number[]; weights: number[] };

function analysisParams(space: Space): AnalysisParam[] {
  return space.map((p) => ({ name: p.name, categorical: p.type === "categorical", levels: p.type === "categorical" ? p.choices.length : 0 }));
}

/** The width in unit coordinates of one step between a parameter's values: 0 for a continuous one. */
function cellWidth(p: Space[number]): number {
  if (p.type === "categorical") return 1 / p.choices.length;
  if (p.grid) return p.grid.length > 1 ? 1 / (p.grid.length - 1) : 0;
  if (p.type === "int" && !p.log) return 1 / ((p.high - p.low) / (p.step ?? 1) + 1);
  return 0;
}

/**
 * A neighbour in unit coordinates: about two parameters change (each with
 * probability 2/d, at least one), a numeric one by a Gaussian step of the
 * given scale but at least one of its grid steps, a categorical one to a
 * random category. Small moves in every coordinate would mostly snap back to
 * the same configuration on a coarse grid, and change the finest parameter
 * far more often than the others.
 */
function perturb(space: Space, z: readonly number[], scale: number, rng: Rng): number[] {
  const d = space.length;
  const chosen = space.map(() => rng.next() < Math.min(1, 2 / d));
  if (!chosen.includes(true)) chosen[rng.int(d)] = true;
  return z.map((x, i) => {
    if (!chosen[i]) return x;
    if (space[i].type === "categorical") return rng.next();
    return x + rng.normal() * Math.max(scale, cellWidth(space[i]));
  });
}

function describeSlab(space: Space, group: number[], weights: number[], low: number, high: number): string {
  if (group.length === 1) {
    const p = space[group[0]];
    // The bound itself, not the grid value it would snap to: a slab can end between grid values.
    const continuous = p.type === "categorical" ? p : { ...p, grid: undefined };
    const fmt = (z: number) => {
      const v = decodeValue(continuous, z);
      return typeof v === "number" ? Number(v.toPrecision(3)).toString() : String(v);
    };
    if (low <= 1e-9) return `${p.name} ≤ ${fmt(high)}`;
    if (high >= 1 - 1e-9) return `${p.name} ≥ ${fmt(low)}`;
    return `${fmt(low)} ≤ ${p.name} ≤ ${fmt(high)}`;
  }
  const terms = group.map((i, k) => `${weights[k] < 0 ? "−" : k === 0 ? "" : "+"} ${Math.abs(weights[k]).toFixed(2)}·z(${space[i].name})`).join(" ");
  return `${low.toFixed(2)} ≤ ${terms.trim()} ≤ ${high.toFixed(2)}`;
}

/**
 * Full-space trials needed at one fidelity before a round: the initial design
 * of at least 16 trials is enough, so a study of about 40 trials is analysed
 * from its 16th–20th trial on. Fewer would leave the permutation tests with
 * almost no power; Benjamini–Hochberg keeps false findings rare either way.
 */
export const MIN_OBSERVATIONS = 16;
/** Trials at a rung from the trusted one up before the density model proposes (TPE's startup trials, Optuna's default). */
export const MODEL_MIN_OBSERVATIONS = 10;
/** Candidates drawn from the good density per model pick (Optuna's n_ei_candidates). */
const MODEL_CANDIDATES = 24;
/** The most observations, the newest, in the model's density of the rest (g). */
export const MODEL_MAX_ABOVE = 1000;
/**
 * The sieve sampler.
 * @see Eriksson et al. 2019 (TuRBO), arXiv:1910.01739, and López-Ibáñez et al. 2016 (irace), for narrowing with a way back out
 */
export function sieveSampler(options: SieveOptions = {}): SieveSampler {
  const seed = options.seed ?? 0;
  const outsideShare = options.outsideShare ?? 0.25;
  const minObservations = options.minObservations ?? MIN_OBSERVATIONS;
  const alpha = options.alpha ?? 0.05;
  const activateP = options.activateP ?? 0.05;
  const relaxP = options.relaxP ?? 0.2;
  const permutations = options.permutations ?? 1999;
  const bootstrap = options.bootstrap ?? 60;
  const eta = options.eta ?? 3;
  const minEpochs = options.minEpochs ?? 1;
  const origins = new Map<number, Origin>();
  const seen = new Set<string>();
  let seenUpTo = 0;
  let fillCount = 0;
  let discovered: Rule[] = [];
  let userRules: Rule[] = [];
  const decisions = new Map<string, "active" | "rejected">();
  const applyDecisions = (rules: Rule[]): Rule[] => rules.map((r) => (decisions.has(r.id) ? { ...r, status: decisions.get(r.id)! } : r));
  let directions: Direction[] = [];
  const history: AnalysisSnapshot[] = [];
  /** The fidelity and size of the last round: a new round runs at a higher fidelity, or with 25% more observations at the same one. */
  let lastAnalyzed = { epoch: 0, rows: 0 };
  let pending: DueRound | null = null;
  /** The pending round with its job, built once. */
  let pendingJob: PendingRound | null = null;
  let sobol: { point(n: number): number[] } | null = null;
  /** The fidelity each discovered slab was drawn at, and the lowest fidelity the scheduler trusts now. */
  const ruleEpochs = new Map<string, number>();
  let trusted = 0;

  /**
   * The subspaces of the rules: the user's alone, all rules in force, and
   * those tightened by the proposed slabs (a soft prior for uniform picks).
   * Rebuilt only when a rule list changes; both lists are replaced, never mutated.
   */
  let cache: { user: Rule[]; discovered: Rule[]; own: Subspace; sub: Subspace; soft: Subspace } | null = null;
  function subspaces(space: Space): { own: Subspace; sub: Subspace; soft: Subspace } {
    if (cache?.user !== userRules || cache.discovered !== discovered) {
      const sub = buildSubspace(space, [...userRules, ...discovered]);
      const proposed = discovered.filter((r) => r.status === "proposed").map((r) => ({ ...r, status: "active" as const }));
      const soft = proposed.length > 0 ? buildSubspace(space, [...userRules, ...discovered, ...proposed]) : sub;
      cache = { user: userRules, discovered, own: buildSubspace(space, userRules), sub, soft };
    }
    return cache;
  }

  /**
   * The full-space samples that reached the highest rung enough of them
   * reached. Counted in one pass on every ask; their losses are read only
   * when a round falls due.
   */
  function observationsFor(view: StudyView): { epoch: number; reached: TrialState[] } | null {
    const rungs = rungEpochs(1, eta, view.maxEpochs).filter((e) => e >= (view.trustedEpoch ?? 0));
    const counts = rungs.map(() => 0);
    for (const t of view.trials) {
      if (t.losses.length === 0 || origins.get(t.number) !== "fill") continue;
      for (let k = 0; k < rungs.length && t.losses.length >= rungs[k]; k++) counts[k]++;
    }
    for (let k = rungs.length - 1; k >= 0; k--) {
      if (counts[k] >= minObservations) return { epoch: rungs[k], reached: view.trials.filter((t) => t.losses.length >= rungs[k] && origins.get(t.number) === "fill") };
    }
    return null;
  }

  /** The round due now, if one is. */
  function dueRound(view: StudyView): DueRound | null {
    const data = observationsFor(view);
    if (!data) return null;
    const rises = data.epoch > lastAnalyzed.epoch;
    const grows = data.epoch === lastAnalyzed.epoch && data.reached.length >= Math.ceil(lastAnalyzed.rows * 1.25);
    if (!rises && !grows) return null;
    lastAnalyzed = { epoch: data.epoch, rows: data.reached.length };
    const round = history.length;
    const rows = data.reached.map((t) => ({ trial: t, obs: { z: t.z, loss: rungLoss(t, data.epoch) } })).filter((r) => Number.isFinite(r.obs.loss));
    if (rows.length < minObservations) return null;
    const members = fidelityMembers(view.trials, rungEpochs(1, eta, view.maxEpochs));
    const numbered = (rung: { epoch: number; trials: TrialState[] }) => ({ epoch: rung.epoch, members: rung.trials.map((t) => t.number) });
    return { round, epoch: data.epoch, trials: view.trials.length, numbers: rows.map((r) => r.trial.number), fidelity: members && { low: numbered(members.low), high: numbered(members.high) } };
  }

  /** A due round with its job, from the trials (numbered by their place in the view). */
  function withJob(view: StudyView, due: DueRound): PendingRound {
    const trialsOf = (rung: { epoch: number; members: number[] }) => ({ epoch: rung.epoch, trials: rung.members.map((n) => view.trials[n]) });
    const members = due.fidelity && { low: trialsOf(due.fidelity.low), high: trialsOf(due.fidelity.high) };
    const observations = due.numbers.map((n) => ({ z: view.trials[n].z, loss: rungLoss(view.trials[n], due.epoch) }));
    return {
      ...due,
      job: {
        effects: { observations, params: analysisParams(view.space), seed, label: "analysis", indices: [due.round], options: { alpha, permutations, bootstrap } },
        fidelity: fidelityInputOf(view.space, members),
      },
    };
  }

  function analyze(view: StudyView): void {
    if (pending) return;
    const due = dueRound(view);
    if (!due) return;
    if (options.deferAnalysis) pending = due;
    else {
      const round = withJob(view, due);
      applyRound(view, round, runRoundJob(round.job));
    }
  }

  /** The rest of a round, once its effects are known: re-checks the active slabs, proposes new ones, records the snapshot. */
  function applyRound(view: StudyView, due: PendingRound, result: RoundResult): void {
    const { round, numbers } = due;
    const { effects } = result;
    const observations = due.job.effects.observations;
    const space = view.space;
    // Discovery and confirmation halves, fixed by trial number so a trial keeps its role across rounds.
    const discovery = numbers.map((n, i) => (n % 2 === 0 ? i : -1)).filter((i) => i >= 0);
    const confirmation = numbers.map((n, i) => (n % 2 === 1 ? i : -1)).filter((i) => i >= 0);
    const incumbent = leaders(view.trials, rungEpochs(1, eta, view.maxEpochs), 1)[0];
    const next: Rule[] = [];
    for (const rule of discovered) {
      if (rule.kind !== "slab" || rule.status !== "active") {
        next.push(rule);
        continue;
      }
      const group = rule.params.map((n) => space.findIndex((p) => p.name === n));
      const check = checkSlab(observations, { group, weights: rule.weights, low: rule.low, high: rule.high }, observations.map((_, i) => i));
      const sub = buildSubspace(space, [rule]);
      const incumbentOutside = incumbent !== undefined && !contains(sub, incumbent.z);
      const fades = check.p > relaxP || check.goodOutside > Math.max(1, 0.1 * check.good);
      next.push(
        fades || incumbentOutside
          ? { ...rule, status: "relaxed", evidence: { ...rule.evidence!, summary: `${rule.evidence?.summary ?? ""}; relaxed: ${incumbentOutside ? "the best trial lies outside" : `${check.goodOutside} of ${check.good} good trials now outside, p = ${check.p.toPrecision(2)}`}` } }
          : rule,
      );
    }
    discovered = next;
    directions = [];
    for (const effect of effects.filter((e) => e.significant)) {
      if (effect.group.some((i) => space[i].type === "categorical")) continue;
      const id = `slab:${effect.label}`;
      const existing = discovered.find((r) => r.id === id);
      if (existing && (existing.status === "active" || existing.status === "rejected")) {
        if (existing.kind === "slab") directions.push({ group: effect.group, weights: existing.weights });
        continue;
      }
      const slab = proposeSlab(observations, effect, discovery, confirmation);
      if (!slab) continue;
      directions.push({ group: slab.group, weights: slab.weights });
      const c = slab.confirmation;
      const candidate: Rule = {
        id,
        kind: "slab",
        origin: "discovered",
        params: slab.group.map((i) => space[i].name),
        weights: slab.weights,
        low: slab.low,
        high: slab.high,
        // A slab drawn at a fidelity whose ranks the race has not yet checked against the end stays a proposal (a soft prior).
        status: c.p <= activateP && c.goodOutside === 0 && (view.fidelityJudged !== false || due.epoch >= view.maxEpochs) ? "active" : "proposed",
        evidence: {
          statistic: effect.partialR2,
          p: c.p,
          trials: observations.length,
          goodOutside: c.goodOutside,
          good: c.good,
          summary: `${describeSlab(space, slab.group, slab.weights, slab.low, slab.high)}: ${c.goodOutside} of ${c.good} top-25% trials outside (${c.outside} of ${c.n} held-out trials outside), p = ${c.p.toPrecision(2)}; effect q = ${effect.q.toPrecision(2)} at epoch ${due.epoch}`,
        },
      };
      // Never narrow past the best trial so far.
      if (candidate.status === "active" && incumbent && !contains(buildSubspace(space, [candidate]), incumbent.z)) candidate.status = "proposed";
      ruleEpochs.set(id, due.epoch);
      discovered = [...discovered.filter((r) => r.id !== id), candidate];
    }
    discovered = applyDecisions(discovered);
    const { sub } = subspaces(space);
    history.push({
      round,
      trials: due.trials,
      epoch: due.epoch,
      observations: observations.length,
      effects,
      rules: [...userRules, ...discovered],
      bounds: sub.box.map(([a, b]) => [a, b]),
      volumeShare: volumeShare(sub, deriveRng(seed, "volume", round)),
      fidelityEffects: result.fidelityEffects,
    });
  }

  /**
   * Relaxes the slabs drawn at a fidelity below `epoch`, where the scheduler
   * found that ranks do not predict the end: never narrow on low-fidelity
   * evidence that higher fidelities contradict. A user's decision on a rule
   * still stands.
   */
  function relaxBelow(epoch: number): void {
    discovered = discovered.map((r) => {
      const drawnAt = ruleEpochs.get(r.id) ?? Infinity;
      if (r.kind !== "slab" || drawnAt >= epoch || decisions.has(r.id) || (r.status !== "active" && r.status !== "proposed")) return r;
      const summary = `${r.evidence?.summary ?? ""}; relaxed: drawn at epoch ${drawnAt}, where ranks do not predict the end (the race trusts epoch ${epoch} and up)`;
      return { ...r, status: "relaxed" as const, evidence: r.evidence ? { ...r.evidence, summary } : undefined };
    });
    directions = [];
  }

  function fillPoint(space: Space, rng: Rng): number[] {
    sobol ??= sobolSequence(Math.min(space.length, 32), seed);
    const z = sobol.point(fillCount++);
    while (z.length < space.length) z.push(rng.next());
    const user = subspaces(space).own;
    return contains(user, z) ? z : (sampleSubspace(user, rng) ?? clampToBox(user, z));
  }

  /**
   * A point inside the subspace: a step from a leader along a discovered
   * direction, a neighbour of a leader, or uniform fill. A pick that snaps to
   * a configuration already tried is drawn again from the same kind, each
   * time a little wider, so a coarse grid does not turn the sieve's local
   * picks into fill.
   */
  function insidePoint(view: StudyView, rng: Rng, { sub, soft }: { sub: Subspace; soft: Subspace }, fresh: (z: number[]) => boolean): { z: number[]; origin: Origin } | null {
    const top = leaders(view.trials, rungEpochs(1, eta, view.maxEpochs), 5).filter((t) => contains(sub, t.z));
    const roll = rng.next();
    if (top.length > 0 && roll < 0.75) {
      const leader = top[Math.min(top.length - 1, Math.floor(Math.abs(rng.normal()) * 1.5))];
      const useStep = directions.length > 0 && roll < 0.3;
      const base = useStep ? 0.2 : [0.05, 0.1, 0.2][rng.int(3)];
      for (let attempt = 0; attempt < 40; attempt++) {
        const scale = base * Math.pow(1.1, attempt);
        let z: number[];
        if (useStep) {
          const dir = directions[rng.int(directions.length)];
          const delta = rng.normal() * scale;
          z = [...leader.z];
          dir.group.forEach((i, k) => (z[i] += delta * dir.weights[k]));
        } else {
          z = perturb(view.space, leader.z, scale, rng);
        }
        z = clampToBox(sub, z.map((x) => Math.min(1, Math.max(0, x))));
        if (contains(sub, z) && fresh(z)) return { z, origin: useStep ? "step" : "neighbour" };
      }
    }
    // Uniform fill inside the subspace, tightened by the proposed slabs as a soft prior when they leave room.
    for (let attempt = 0; attempt < 20; attempt++) {
      const z = sampleSubspace(attempt < 10 ? soft : sub, rng, 400);
      if (!z) continue;
      if (fresh(z)) return { z, origin: "inside" };
    }
    return null;
  }

  /**
   * Once the race trusts a fidelity above its first rung (low rungs were
   * found to mislead, and new trials enter higher, each costing more), a
   * pick inside the subspace comes from TPE's density ratio instead of the
   * leaders' neighbourhoods and uniform fill: the sieve narrows, the model
   * proposes inside. The model is multivariate TPE as in samplers/tpe.ts
   * (γ(n) = min(⌈0.1n⌉, 25), prior weight 1, magic clip, 24 candidates from
   * l, the one with the highest l/g), fitted on every trial that reached the
   * highest rung from the trusted one up with MODEL_MIN_OBSERVATIONS of them,
   * ranked by its best loss up to that rung — as BOHB models the largest
   * budget with enough points — so it never learns from a fidelity the race
   * found to mislead, and learns from the end as soon as enough trials got
   * there. Candidates outside the subspace or already tried are skipped;
   * with no such rung, or no candidate left, the usual inside pick is made.
   * @see Bergstra et al. 2011 (TPE), NeurIPS 24; arXiv:1807.01774 (Falkner et al. 2018, BOHB: a density model per budget)
   */
  function modelPoint(view: StudyView, rng: Rng, sub: Subspace, fresh: (z: number[]) => boolean): { z: number[]; origin: Origin } | null {
    const trusted = view.trustedEpoch ?? 0;
    if (trusted <= minEpochs) return null;
    // The highest rung from the trusted one up that enough trials reached (BOHB's choice of budget).
    const rungs = rungEpochs(minEpochs, eta, view.maxEpochs).filter((e) => e >= trusted);
    let epoch = 0;
    for (let k = rungs.length - 1; k >= 0 && epoch === 0; k--) {
      let n = 0;
      for (const t of view.trials) if (t.status !== "failed" && t.losses.length >= rungs[k]) n++;
      if (n >= MODEL_MIN_OBSERVATIONS) epoch = rungs[k];
    }
    if (epoch === 0) return null;
    const observations: { number: number; z: readonly number[]; loss: number }[] = [];
    for (const t of view.trials) if (t.status !== "failed" && t.losses.length >= epoch) observations.push({ number: t.number, z: t.z, loss: rungLoss(t, epoch) });
    // Explicit comparisons: a diverged trial's loss is Infinity.
    observations.sort((a, b) => (a.loss < b.loss ? -1 : a.loss > b.loss ? 1 : a.number - b.number));
    const nBelow = tpeGamma(observations.length);
    const inOrder = (group: typeof observations) => [...group].sort((a, b) => a.number - b.number).map((o) => o.z);
    const l = new ParzenEstimator(view.space, inOrder(observations.slice(0, nBelow)), { priorWeight: 1, magicClip: true });
    // g of the newest MODEL_MAX_ABOVE only: its density costs a kernel per point on every candidate (an ask of 85 ms at 10,000, under load), and TPE's ramp already weighs older points down.
    const g = new ParzenEstimator(view.space, inOrder(observations.slice(nBelow)).slice(-MODEL_MAX_ABOVE), { priorWeight: 1, magicClip: true });
    let best: number[] | null = null;
    let bestScore = -Infinity;
    for (let c = 0; c < MODEL_CANDIDATES; c++) {
      const z = l.sample(rng);
      if (!contains(sub, z) || !fresh(z)) continue;
      const score = l.logPdf(z) - g.logPdf(z);
      if (best === null || score > bestScore) [best, bestScore] = [z, score];
    }
    return best && { z: best, origin: "model" };
  }

  return {
    name: "sieve",
    sample(view, rng, trialNumber) {
      const space = view.space;
      if ((view.trustedEpoch ?? 0) > trusted) relaxBelow((trusted = view.trustedEpoch!));
      const initial = options.initialTrials ?? Math.max(16, 3 * space.length);
      if (trialNumber >= initial) analyze(view);
      // Configurations already tried, kept up to date incrementally (the view only grows).
      for (; seenUpTo < view.trials.length; seenUpTo++) seen.add(JSON.stringify(view.trials[seenUpTo].params));
      // A repeat of a configuration already trained would pay for the same curve twice.
      const fresh = (z: number[]) => !seen.has(JSON.stringify(decode(space, z)));
      let pick: { z: number[]; origin: Origin } | null = null;
      if (trialNumber >= initial && rng.next() >= outsideShare) {
        const subs = subspaces(space);
        pick = modelPoint(view, rng, subs.sub, fresh) ?? insidePoint(view, rng, subs, fresh);
      }
      if (!pick) {
        let z = fillPoint(space, rng);
        for (let attempt = 0; attempt < 19 && !fresh(z); attempt++) z = fillPoint(space, rng);
        pick = { z, origin: "fill" };
      }
      origins.set(trialNumber, pick.origin);
      return decode(space, pick.z);
    },
    neighbour(view, rng, _trialNumber, of) {
      // The same neighbourhood as a leader's neighbour in insidePoint, kept inside the current subspace.
      const { sub } = subspaces(view.space);
      const z = perturb(view.space, of.z, [0.05, 0.1, 0.2][rng.int(3)], rng);
      return decode(view.space, clampToBox(sub, z.map((x) => Math.min(1, Math.max(0, x)))));
    },
    rules: () => discovered,
    snapshots: () => history,
    pendingAnalysis(view) {
      if (!pending) return null;
      if (pendingJob?.round !== pending.round) pendingJob = withJob(view, pending);
      return pendingJob;
    },
    completeAnalysis(view, round, result) {
      if (!pending || pending.round !== round) throw new Error(`sieve: no analysis round ${round} is waiting for its effects${pending ? ` (round ${pending.round} is)` : ""}`);
      const due = pendingJob?.round === round ? pendingJob : withJob(view, pending);
      pending = null;
      pendingJob = null;
      applyRound(view, due, result);
    },
    origin: (trial) => origins.get(trial),
    setUserRules(rules) {
      userRules = rules.filter((r) => r.origin === "user");
    },
    decideRule(id, status) {
      if (!discovered.some((r) => r.id === id)) throw new RangeError(`no discovered rule '${id}'`);
      decisions.set(id, status);
      discovered = applyDecisions(discovered);
    },
    // A strategy snapshot (lib/optimizer/state.ts). The configurations seen, the Sobol sequence and the subspaces are derived again on demand.
    save: () => ({ origins: [...origins], fillCount, discovered, userRules, decisions: [...decisions], directions, history, lastAnalyzed, ruleEpochs: [...ruleEpochs], trusted, pending }),
    restore(saved) {
      const state = saved as SieveState;
      origins.clear();
      for (const [n, o] of state.origins) origins.set(n, o);
      decisions.clear();
      for (const [id, d] of state.decisions) decisions.set(id, d);
      ruleEpochs.clear();
      for (const [id, e] of state.ruleEpochs) ruleEpochs.set(id, e);
      history.splice(0, history.length, ...state.history);
      ({ fillCount, discovered, userRules, directions, lastAnalyzed, trusted } = state);
      pending = state.pending ?? null;
      pendingJob = null;
      seen.clear();
      seenUpTo = 0;
      cache = null;
    },
  };
}

/** What a sieve sampler saves in a strategy snapshot. */
type SieveState = {
  origins: [number, Origin][];
  fillCount: number;
  discovered: Rule[];
  userRules: Rule[];
  decisions: [string, "active" | "rejected"][];
  directions: Direction[];
  history: AnalysisSnapshot[];
  lastAnalyzed: { epoch: number; rows: number };
  ruleEpochs: [string, number][];
  trusted: number;
  /** Absent in snapshots taken before rounds could wait for their effects. */
  pending?: DueRound | null;
};
