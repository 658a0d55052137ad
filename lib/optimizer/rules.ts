/**
 * Rules narrow the search space: pins, ranges, excluded boxes (from the
 * user) and slabs low ≤ w·z ≤ high (discovered by the sieve). The current
 * subspace is the cube intersected with every active rule. All geometry is
 * in unit coordinates; user rules are given in the parameters' own units.
 */
import type { Rng } from "./rng";
import { encodeValue, type Param, type ParamValue, type Space } from "./space";

export type RuleOrigin = "user" | "discovered";
export type RuleStatus = "proposed" | "active" | "rejected" | "relaxed";

/** Why a rule exists: the test behind it, in numbers and in words. */
export type Evidence = {
  statistic: number;
  p: number;
  trials: number;
  /** For a slab: good trials outside it, of how many good trials. */
  goodOutside?: number;
  good?: number;
  summary: string;
};

type RuleBase = { id: string; origin: RuleOrigin; status: RuleStatus; evidence?: Evidence };

export type Rule = RuleBase &
  (
    | { kind: "pin"; param: string; value: ParamValue }
    | { kind: "range"; param: string; low: number; high: number }
    | { kind: "exclude"; box: ({ param: string; low: number; high: number } | { param: string; choices: ParamValue[] })[] }
    | { kind: "slab"; params: string[]; weights: number[]; low: number; high: number }
  );

/** A rule compiled to unit coordinates. */
type Constraint =
  | { kind: "interval"; index: number; low: number; high: number; point?: number }
  | { kind: "exclude"; box: { index: number; intervals: [number, number][]; closed: boolean }[] }
  | { kind: "slab"; indices: number[]; weights: number[]; low: number; high: number };

/** The subspace: constraints in unit coordinates and the tightest box known to contain it. */
export type Subspace = { dims: number; constraints: Constraint[]; box: [number, number][]; fixed: (number | undefined)[] };

function indexOf(space: Space, name: string): number {
  const i = space.findIndex((p) => p.name === name);
  if (i < 0) throw new RangeError(`rule names '${name}', which is not a parameter of the space`);
  return i;
}

/** The unit interval of values of a parameter between low and high (numeric) — its cells for ints. */
function unitInterval(p: Param, low: number, high: number): [number, number] {
  if (p.type === "categorical") throw new RangeError(`${p.name}: a range needs a numeric parameter; pin or exclude choices instead`);
  if (low > high) throw new RangeError(`${p.name}: range low ${low} exceeds high ${high}`);
  const a = encodeValue(p, Math.max(p.low, low));
  const b = encodeValue(p, Math.min(p.high, high));
  if (p.type === "int") {
    const n = Math.floor((p.high - p.low) / (p.step ?? 1)) + 1;
    return p.log ? [a, b] : [Math.max(0, a - 0.5 / n), Math.min(1, b + 0.5 / n)];
  }
  return [a, b];
}

function choiceIntervals(p: Param, choices: ParamValue[]): [number, number][] {
  if (p.type !== "categorical") throw new RangeError(`${p.name}: choices apply to categorical parameters only`);
  const n = p.choices.length;
  return choices.map((c) => {
    const i = p.choices.findIndex((x) => x === c);
    if (i < 0) throw new RangeError(`${p.name}: ${JSON.stringify(c)} is not one of the choices`);
    return [i / n, (i + 1) / n];
  });
}

function compile(space: Space, rule: Rule): Constraint {
  if (rule.kind === "pin") {
    const i = indexOf(space, rule.param);
    const z = encodeValue(space[i], rule.value);
    // An int or categorical value owns a cell; its encoding is the cell's centre, which decodes back to the value.
    return { kind: "interval", index: i, low: z, high: z, point: z };
  }
  if (rule.kind === "range") {
    const i = indexOf(space, rule.param);
    const [low, high] = unitInterval(space[i], rule.low, rule.high);
    return { kind: "interval", index: i, low, high };
  }
  if (rule.kind === "exclude") {
    return {
      kind: "exclude",
      box: rule.box.map((side) => {
        const i = indexOf(space, side.param);
        const intervals = "choices" in side ? choiceIntervals(space[i], side.choices) : [unitInterval(space[i], side.low, side.high)];
        // Edges at a value's own encoding (floats, log ints) include it, as drawn; cell edges (choices, linear ints) are half-open.
        const p = space[i];
        const closed = p.type === "float" || (p.type === "int" && p.log === true);
        return { index: i, intervals, closed };
      }),
    };
  }
  return { kind: "slab", indices: rule.params.map((n) => indexOf(space, n)), weights: rule.weights, low: rule.low, high: rule.high };
}

/** Lists what is wrong with a user rule against a space, each naming the parameter; empty when valid. */
export function ruleProblems(space: Space, rule: Rule): string[] {
  const find = (name: string) => space.find((p) => p.name === name);
  const numeric = (name: string, low: number, high: number, where: string): string[] => {
    const p = find(name);
    if (!p) return [`${where}: '${name}' is not a parameter of the space`];
    if (p.type === "categorical") return [`${where}: ${name} is categorical; use choices`];
    if (!(low <= high)) return [`${where}: ${name} low ${low} exceeds high ${high}`];
    if (high < p.low || low > p.high) return [`${where}: ${name} [${low}, ${high}] lies outside its range [${p.low}, ${p.high}]`];
    return [];
  };
  if (rule.kind === "pin") {
    const p = find(rule.param);
    if (!p) return [`param: '${rule.param}' is not a parameter of the space`];
    if (p.type === "categorical") return p.choices.includes(rule.value as never) ? [] : [`value: ${JSON.stringify(rule.value)} is not one of ${p.name}'s choices`];
    const v = rule.value;
    if (typeof v !== "number" || !Number.isFinite(v)) return [`value: ${p.name} needs a number`];
    if (v < p.low || v > p.high) return [`value: ${v} is outside ${p.name}'s range [${p.low}, ${p.high}]`];
    if (p.type === "int" && !Number.isInteger(v)) return [`value: ${p.name} needs an integer`];
    return [];
  }
  if (rule.kind === "range") return numeric(rule.param, rule.low, rule.high, "range");
  if (rule.kind === "exclude") {
    return rule.box.flatMap((side, i) => {
      if (!("choices" in side)) return numeric(side.param, side.low, side.high, `box.${i}`);
      const p = find(side.param);
      if (!p) return [`box.${i}: '${side.param}' is not a parameter of the space`];
      if (p.type !== "categorical") return [`box.${i}: ${side.param} is numeric; use low and high`];
      const bad = side.choices.filter((c) => !p.choices.includes(c as never));
      return bad.length ? [`box.${i}: ${JSON.stringify(bad)} are not choices of ${p.name}`] : [];
    });
  }
  return [];
}

/** Whether a rule constrains sampling now: active rules, and user rules unless rejected. */
export function isInForce(rule: Rule): boolean {
  return rule.status === "active";
}

/** Compiles the rules in force into a subspace and tightens its bounding box. */
export function buildSubspace(space: Space, rules: readonly Rule[]): Subspace {
  const constraints = rules.filter(isInForce).map((r) => compile(space, r));
  const box: [number, number][] = space.map(() => [0, 1]);
  const fixed: (number | undefined)[] = space.map(() => undefined);
  for (const c of constraints) {
    if (c.kind !== "interval") continue;
    box[c.index] = [Math.max(box[c.index][0], c.low), Math.min(box[c.index][1], c.high)];
    if (c.point !== undefined) fixed[c.index] = c.point;
  }
  // Interval propagation through the slabs: each bounds its coordinates given the others' bounds.
  for (let round = 0; round < 20; round++) {
    let changed = false;
    for (const c of constraints) {
      if (c.kind !== "slab") continue;
      c.indices.forEach((i, k) => {
        let lo = 0, hi = 0;
        c.indices.forEach((j, m) => {
          if (m === k) return;
          const w = c.weights[m];
          lo += Math.min(w * box[j][0], w * box[j][1]);
          hi += Math.max(w * box[j][0], w * box[j][1]);
        });
        const w = c.weights[k];
        if (Math.abs(w) < 1e-12) return;
        const a = (c.low - hi) / w;
        const b = (c.high - lo) / w;
        const [newLo, newHi] = [Math.max(box[i][0], Math.min(a, b)), Math.min(box[i][1], Math.max(a, b))];
        if (newLo > box[i][0] + 1e-12 || newHi < box[i][1] - 1e-12) changed = true;
        box[i] = [newLo, newHi];
      });
    }
    if (!changed) break;
  }
  return { dims: space.length, constraints, box, fixed };
}

/** Whether a point of the cube lies in the subspace. */
export function contains(sub: Subspace, z: readonly number[]): boolean {
  for (const c of sub.constraints) {
    if (c.kind === "interval") {
      if (c.point !== undefined ? Math.abs(z[c.index] - c.point) > 1e-9 : z[c.index] < c.low - 1e-12 || z[c.index] > c.high + 1e-12) return false;
    } else if (c.kind === "slab") {
      const t = c.indices.reduce((s, i, k) => s + c.weights[k] * z[i], 0);
      if (t < c.low - 1e-12 || t > c.high + 1e-12) return false;
    } else if (c.box.every((side) => side.intervals.some(([a, b]) => z[side.index] >= a && (side.closed || b >= 1 ? z[side.index] <= b : z[side.index] < b)))) {
      return false;
    }
  }
  return true;
}

/** Whether the subspace is empty as far as its box shows (some coordinate has no room). */
export function isEmptyBox(sub: Subspace): boolean {
  return sub.box.some(([a, b]) => a > b + 1e-12);
}

/**
 * A uniform point of the subspace, by rejection from its bounding box
 * (exact, since the box contains the subspace); null when `attempts` draws
 * all missed, which happens only when the subspace is a sliver of its box.
 */
export function sampleSubspace(sub: Subspace, rng: Rng, attempts = 4000): number[] | null {
  if (isEmptyBox(sub)) return null;
  for (let a = 0; a < attempts; a++) {
    const z = sub.box.map(([lo, hi], i) => sub.fixed[i] ?? lo + rng.next() * (hi - lo));
    if (contains(sub, z)) return z;
  }
  return null;
}

/** Moves a point into the subspace's box (pins and ranges hold); slabs and exclusions are checked by the caller. */
export function clampToBox(sub: Subspace, z: readonly number[]): number[] {
  return z.map((x, i) => sub.fixed[i] ?? Math.min(sub.box[i][1], Math.max(sub.box[i][0], x)));
}

/** The share of the cube's volume the subspace takes, estimated from `samples` uniform points. */
export function volumeShare(sub: Subspace, rng: Rng, samples = 2000): number {
  if (sub.constraints.length === 0) return 1;
  if (isEmptyBox(sub)) return 0;
  const boxVolume = sub.box.reduce((v, [a, b], i) => v * (sub.fixed[i] !== undefined ? 1 : Math.max(0, b - a)), 1);
  let inside = 0;
  for (let s = 0; s < samples; s++) {
    const z = sub.box.map(([lo, hi], i) => sub.fixed[i] ?? lo + rng.next() * (hi - lo));
    if (contains(sub, z)) inside++;
  }
  // A pinned float has no volume; the share reported is that of the remaining coordinates.
  return (boxVolume * inside) / samples;
}
