/**
 * Search spaces: parameters, their unit-cube encoding and validation.
 * All analysis happens in unit coordinates z ∈ [0, 1]^d, so that a learning
 * rate on a log scale and a dropout rate on a linear one are comparable.
 */

export type Choice = string | number | boolean;
export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/**
 * A numeric parameter may declare a `grid`: the only values it takes (a
 * tabular benchmark's grid, or batch sizes {16, 64, 256}); decoding snaps to
 * the nearest grid value on the parameter's scale, a tie going to the smaller.
 */
export type FloatParam = { type: "float"; name: string; low: number; high: number; log?: boolean; grid?: number[] };
export type IntParam = { type: "int"; name: string; low: number; high: number; log?: boolean; step?: number; grid?: number[] };
export type CategoricalParam = { type: "categorical"; name: string; choices: Choice[] };
export type Param = FloatParam | IntParam | CategoricalParam;
export type Space = Param[];

/** Thrown when a space or a configuration is invalid; `problems` names each bad field. */
export class SpaceError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "SpaceError";
  }
}

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

function paramProblems(p: Param, where: string): string[] {
  const problems: string[] = [];
  if (typeof p.name !== "string" || !NAME_PATTERN.test(p.name)) {
    problems.push(`${where}.name must be 1–64 letters, digits, '_', '.' or '-', starting with a letter or '_'`);
  } else if (p.name === "__proto__") {
    // `params.__proto__ = v` sets an object's prototype instead of a key, so such a parameter would vanish.
    problems.push(`${where}.name must not be __proto__`);
  }
  if (p.type === "categorical") {
    if (!Array.isArray(p.choices) || p.choices.length === 0) problems.push(`${where}.choices must list at least one value`);
    else if (new Set(p.choices.map((c) => JSON.stringify(c))).size !== p.choices.length) {
      problems.push(`${where}.choices must not repeat a value`);
    }
    return problems;
  }
  if (p.type !== "float" && p.type !== "int") return [`${where}.type must be float, int or categorical`];
  if (!Number.isFinite(p.low)) problems.push(`${where}.low must be a finite number`);
  if (!Number.isFinite(p.high)) problems.push(`${where}.high must be a finite number`);
  if (problems.length > 0) return problems;
  if (p.low > p.high) problems.push(`${where}: low (${p.low}) must not exceed high (${p.high})`);
  if (p.log && p.low <= 0) problems.push(`${where}: a log-scale parameter needs low > 0 (got ${p.low})`);
  if (p.grid !== undefined) {
    if (!Array.isArray(p.grid) || p.grid.length === 0) problems.push(`${where}.grid must list at least one value`);
    else if (p.grid.some((v, k) => !Number.isFinite(v) || v < p.low || v > p.high || (k > 0 && v <= p.grid![k - 1]) || (p.type === "int" && !Number.isInteger(v)))) {
      problems.push(`${where}.grid must be strictly increasing ${p.type === "int" ? "integers" : "numbers"} within [low, high]`);
    }
  }
  if (p.type === "int") {
    if (!Number.isInteger(p.low) || !Number.isInteger(p.high)) problems.push(`${where}: int bounds must be integers`);
    if (p.step !== undefined) {
      if (!Number.isInteger(p.step) || p.step < 1) problems.push(`${where}.step must be a positive integer`);
      else if (p.log && p.step !== 1) problems.push(`${where}: step and log cannot be combined`);
      else if ((p.high - p.low) % p.step !== 0) problems.push(`${where}: high - low must be a multiple of step`);
    }
  }
  return problems;
}

/** Lists every problem of a space, each naming the parameter and field; empty when valid. */
export function spaceProblems(space: Space): string[] {
  if (!Array.isArray(space) || space.length === 0) return ["space must have at least one parameter"];
  const problems = space.flatMap((p, i) => paramProblems(p, `space[${i}]${p?.name ? ` (${p.name})` : ""}`));
  const seen = new Set<string>();
  for (const p of space) {
    if (seen.has(p.name)) problems.push(`parameter name '${p.name}' is used twice`);
    seen.add(p.name);
  }
  return problems;
}

/** Throws a SpaceError unless the space is valid. */
export function assertSpace(space: Space): void {
  const problems = spaceProblems(space);
  if (problems.length > 0) throw new SpaceError(problems);
}

function intGrid(p: IntParam): number {
  return Math.floor((p.high - p.low) / (p.step ?? 1)) + 1;
}

/** Maps one parameter value to [0, 1]; ints and choices map to the centre of their cell. */
export function encodeValue(p: Param, value: ParamValue): number {
  if (p.type === "categorical") {
    const i = p.choices.findIndex((c) => c === value);
    if (i < 0) throw new SpaceError([`${p.name}: ${JSON.stringify(value)} is not one of the choices`]);
    return (i + 0.5) / p.choices.length;
  }
  const x = value as number;
  if (p.type === "int" && !p.log) {
    const n = intGrid(p);
    return clamp01((Math.round((x - p.low) / (p.step ?? 1)) + 0.5) / n);
  }
  const [lo, hi] = numericBounds(p);
  if (hi === lo) return 0.5;
  const t = p.log ? Math.log(x) : x;
  return clamp01((t - lo) / (hi - lo));
}

/** The transformed interval a numeric parameter spans (log-transformed where log). */
function numericBounds(p: FloatParam | IntParam): [number, number] {
  // An int's cell around each integer has equal width, so edges extend by half a step.
  const lo = p.type === "int" ? p.low - 0.5 : p.low;
  const hi = p.type === "int" ? p.high + 0.5 : p.high;
  // A log-scale int has low >= 1, so low - 0.5 stays positive.
  return p.log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

/** Maps a unit coordinate back to a valid value of the parameter. */
export function decodeValue(p: Param, z: number): ParamValue {
  const u = clamp01(z);
  if (p.type !== "categorical" && p.grid && p.grid.length > 0) return snapToGrid(p.grid, decodeContinuous(p, u), p.log === true);
  if (p.type === "categorical") return p.choices[Math.min(p.choices.length - 1, Math.floor(u * p.choices.length))];
  return decodeContinuous(p, u);
}

function decodeContinuous(p: FloatParam | IntParam, u: number): number {
  if (p.type === "int" && !p.log) {
    const n = intGrid(p);
    return p.low + Math.min(n - 1, Math.floor(u * n)) * (p.step ?? 1);
  }
  const [lo, hi] = numericBounds(p);
  const t = lo + u * (hi - lo);
  const x = p.log ? Math.exp(t) : t;
  if (p.type === "int") return Math.min(p.high, Math.max(p.low, Math.round(x)));
  return Math.min(p.high, Math.max(p.low, x));
}

/** The grid value nearest to x, on a log scale where log; a tie goes to the smaller value. */
export function snapToGrid(grid: readonly number[], x: number, log: boolean): number {
  const t = (v: number) => (log ? Math.log(v) : v);
  const span = Math.abs(t(grid[grid.length - 1]) - t(grid[0]));
  let best = grid[0];
  let bestDistance = Infinity;
  for (const v of grid) {
    const d = Math.abs(t(v) - t(x));
    // Values increase, so only a clearly smaller distance moves on: a tie keeps the smaller value.
    if (d < bestDistance - 1e-9 * span) {
      best = v;
      bestDistance = d;
    }
  }
  return best;
}

/** Encodes a configuration as a point of the unit cube, in the order of the space. */
export function encode(space: Space, params: Params): number[] {
  return space.map((p) => encodeValue(p, params[p.name]));
}

/** Decodes a point of the unit cube into a configuration. */
export function decode(space: Space, z: readonly number[]): Params {
  if (z.length !== space.length) throw new RangeError(`decode: expected ${space.length} coordinates, got ${z.length}`);
  const params: Params = {};
  space.forEach((p, i) => (params[p.name] = decodeValue(p, z[i])));
  return params;
}

/** Lists every problem of a configuration against a space; empty when it is a valid point. */
export function paramsProblems(space: Space, params: Params): string[] {
  const problems: string[] = [];
  for (const p of space) {
    // An own-key check, so that a parameter named like an Object.prototype member is not found there.
    const v = Object.hasOwn(params, p.name) ? params[p.name] : undefined;
    if (v === undefined) {
      problems.push(`${p.name} is missing`);
      continue;
    }
    if (p.type === "categorical") {
      if (!p.choices.some((c) => c === v)) problems.push(`${p.name}: ${JSON.stringify(v)} is not one of ${JSON.stringify(p.choices)}`);
      continue;
    }
    if (typeof v !== "number" || !Number.isFinite(v)) {
      problems.push(`${p.name} must be a finite number`);
      continue;
    }
    if (v < p.low || v > p.high) problems.push(`${p.name}: ${v} is outside [${p.low}, ${p.high}]`);
    if (p.grid && !p.grid.includes(v)) problems.push(`${p.name}: ${v} is not one of the grid values ${JSON.stringify(p.grid)}`);
    if (p.type === "int" && (!Number.isInteger(v) || (v - p.low) % (p.step ?? 1) !== 0)) {
      problems.push(`${p.name}: ${v} is not a valid integer value`);
    }
  }
  for (const key of Object.keys(params)) {
    if (!space.some((p) => p.name === key)) problems.push(`${key} is not a parameter of the space`);
  }
  return problems;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
