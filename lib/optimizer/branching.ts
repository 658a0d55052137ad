/**
 * What warm starts and schedules share (DESIGN.md, "The method", idea 3):
 * which checkpoints a branch may start from, when a curve has flattened, and
 * the settings a flattened leader continues with.
 */
import type { Rng } from "./rng";
import { decode, encode, type Params, type Space } from "./space";
import { rungLoss } from "./schedulers/asha";
import type { Segment, TrialState } from "./types";

/**
 * Whether a branch may start from `trial`'s checkpoint at `epoch`. Only a
 * trial that is not training (its folder is not being pruned meanwhile), at
 * its latest or its best epoch (the two checkpoints the folder keeps), and
 * after its own start (an inherited epoch's weights live in an ancestor's
 * folder, or were shrunk and perturbed) qualifies.
 */
export function branchable(trial: TrialState, epoch: number): boolean {
  return (
    trial.status !== "running" &&
    epoch > (trial.startEpoch ?? 0) &&
    epoch <= trial.losses.length &&
    (epoch === trial.losses.length || epoch === trial.bestEpoch) &&
    Number.isFinite(trial.losses[epoch - 1])
  );
}

/** A branch's schedule: the parent's segments before `fromEpoch`, then its own. */
export function branchSchedule(parent: TrialState, fromEpoch: number, params: Params, shrinkPerturb: boolean): Segment[] {
  const inherited = (parent.schedule ?? [{ fromEpoch: 0, params: parent.params }]).filter((s) => s.fromEpoch < fromEpoch);
  return [...inherited, { fromEpoch, params, ...(shrinkPerturb ? { shrinkPerturb: true } : {}) }];
}

/** A Gaussian step from z in unit coordinates (σ = 0.1), keeping each categorical with p = 0.8; for samplers with no neighbour of their own. */
export function gaussianNeighbour(space: Space, z: readonly number[], rng: Rng): Params {
  const next = z.map((x, i) => (space[i].type === "categorical" ? (rng.next() < 0.8 ? x : rng.next()) : Math.min(1, Math.max(0, x + 0.1 * rng.normal()))));
  return decode(space, next);
}

/** The best loss over epochs 1..epoch. */
function bestUpTo(trial: TrialState, epoch: number): number {
  return rungLoss(trial, epoch);
}

/**
 * The flatten statistic: the relative improvement of the best loss over the
 * last `window` epochs, (B(e − w) − B(e)) / |B(e − w)|, where B(j) is the
 * best loss up to epoch j and e the latest epoch; NaN while the curve is
 * shorter than window + 1 epochs, or before the trial's own start plus the
 * window (an inherited curve says nothing about the new settings).
 */
export function recentImprovement(trial: TrialState, window: number): number {
  const e = trial.losses.length;
  if (e - window < Math.max(1, trial.startEpoch ?? 0)) return NaN;
  const before = bestUpTo(trial, e - window);
  const now = bestUpTo(trial, e);
  if (!Number.isFinite(before) || !Number.isFinite(now)) return NaN;
  return (before - now) / Math.max(Math.abs(before), 1e-12);
}

/** A curve has flattened when its recent relative improvement is below `threshold`. */
export function flattened(trial: TrialState, window: number, threshold: number): boolean {
  const r = recentImprovement(trial, window);
  return Number.isFinite(r) && r < threshold;
}

/**
 * The settings a flattened leader continues with: half-way, in unit
 * coordinates, towards the centroid of the best `count` other trials at the
 * highest rung that at least `count` + 1 trials reached — what the race
 * found best at the largest budget. Categorical params, and those in `keep`
 * (the network's shape), stay as they are. Null when no rung has enough
 * trials, or the step would be negligible (under 0.02 in every coordinate).
 */
export function scheduleTarget(
  space: Space,
  leader: TrialState,
  trials: readonly TrialState[],
  rungs: readonly number[],
  keep: readonly string[] = [],
  count = 3,
): Params | null {
  for (let k = rungs.length - 1; k >= 0; k--) {
    const epoch = rungs[k];
    const others = trials.filter((t) => t.number !== leader.number && t.losses.length >= epoch && (t.startEpoch ?? 0) < epoch);
    if (others.length < count + 1) continue;
    const best = others
      .map((t) => ({ t, loss: rungLoss(t, epoch) }))
      .filter((x) => Number.isFinite(x.loss))
      .sort((a, b) => a.loss - b.loss || a.t.number - b.t.number)
      .slice(0, count);
    if (best.length < count) continue;
    const z = leader.z.map((x, i) => {
      const p = space[i];
      if (p.type === "categorical" || keep.includes(p.name)) return x;
      const centroid = best.reduce((s, b) => s + b.t.z[i], 0) / best.length;
      return x + 0.5 * (centroid - x);
    });
    if (z.every((x, i) => Math.abs(x - leader.z[i]) < 0.02)) return null;
    const params = decode(space, z);
    for (const p of space) if (p.type === "categorical" || keep.includes(p.name)) params[p.name] = leader.params[p.name];
    return params;
  }
  return null;
}

/**
 * A schedule step that decays one param: the leader's settings with `param`
 * multiplied by `factor`, continued from the leader's best checkpoint (the
 * default) or its latest (`from: "latest"`, step decay's rule: the weights
 * the flattened curve ended with), at every rung or, with `lastRung`, only at
 * the highest rung below the end (the leaders the race trains to the end).
 * With `alongside`, every leader promoted from such a rung is branched,
 * flattened or not, and promoted as well: the decayed schedule races its own
 * constant continuation (a fixed step decay rather than reduce-on-plateau).
 */
export type ScheduleDecay = {
  readonly param: string;
  readonly factor: number;
  readonly from?: "best" | "latest";
  readonly lastRung?: boolean;
  readonly alongside?: boolean;
};

/**
 * The settings a flattened leader continues with under a decay step: its own
 * params with `decay.param` × `decay.factor`, kept inside the space's range
 * (the step-decay schedule of learning rates). Null when the param is not a
 * number of the space, or is already at the edge so the step changes nothing.
 */
export function decayTarget(space: Space, leader: TrialState, decay: ScheduleDecay): Params | null {
  const p = space.find((q) => q.name === decay.param);
  const value = leader.params[decay.param];
  if (!p || p.type === "categorical" || typeof value !== "number") return null;
  const next = Math.min(p.high, Math.max(p.low, value * decay.factor));
  const params = { ...leader.params, [decay.param]: p.type === "int" ? Math.round(next) : next };
  const z = encode(space, params);
  return z.every((x, i) => Math.abs(x - leader.z[i]) < 1e-9) ? null : params;
}
