/**
 * Learning-curve tables (`lc-table/1`, see docs/benchmarks/FORMAT.md): parsing
 * with messages that say what is wrong, snapping a configuration to the grid,
 * and reading the value a configuration reached after an epoch.
 */
import type { Direction } from "../optimizer/types";
import type { Params, Space } from "../optimizer/space";

export type TableParam = { name: string; type: "float" | "int" | "categorical"; log: boolean; values: (number | string | boolean)[] };

export type LcTable = {
  name: string;
  description: string;
  metric: string;
  direction: Direction;
  maxEpochs: number;
  space: TableParam[];
  /** Per row: the configuration, the metric's curve, and the mean seconds of one epoch. */
  rows: { params: Params; curve: Float64Array; epochSeconds: number }[];
  /** Row index by grid position, as a mixed-radix number over the space's value indices. */
  rowAt: Int32Array;
};

/** Thrown for a malformed table; the message names the field and the rule it breaks. */
export class LcTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LcTableError";
  }
}

function fail(message: string): never {
  throw new LcTableError(message);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Parses and checks one parameter of a table's space (its grid values); `i` names it in messages. */
export function parseTableParam(raw: unknown, i: number): TableParam {
  const where = `space[${i}]`;
  if (!isRecord(raw)) fail(`${where} must be an object`);
  const { name, type, values } = raw;
  if (typeof name !== "string" || name === "") fail(`${where}.name must be a non-empty string`);
  if (type !== "float" && type !== "int" && type !== "categorical") fail(`${where} (${name}).type must be float, int or categorical`);
  if (!Array.isArray(values) || values.length === 0) fail(`${where} (${name}).values must be a non-empty array`);
  const log = raw.log === true;
  if (type !== "categorical") {
    values.forEach((v, j) => {
      if (typeof v !== "number" || !Number.isFinite(v)) fail(`${where} (${name}).values[${j}] must be a finite number`);
      if (type === "int" && !Number.isInteger(v)) fail(`${where} (${name}).values[${j}] must be an integer`);
      if (log && v <= 0) fail(`${where} (${name}).values[${j}] must be > 0 on a log scale`);
      if (j > 0 && v <= (values[j - 1] as number)) fail(`${where} (${name}).values must be strictly increasing`);
    });
  } else {
    values.forEach((v, j) => {
      const ok = typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
      if (!ok) fail(`${where} (${name}).values[${j}] must be a string, a finite number or a boolean`);
    });
    if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) fail(`${where} (${name}).values must not repeat a value`);
  }
  return { name, type, log, values: values as TableParam["values"] };
}

/** Parses and checks an `lc-table/1` object; every combination of the grid must be present once. */
export function parseLcTable(raw: unknown): LcTable {
  if (!isRecord(raw)) fail("table must be a JSON object");
  if (raw.format !== "lc-table/1") fail(`format must be "lc-table/1", got ${JSON.stringify(raw.format)}`);
  const name = typeof raw.name === "string" && raw.name ? raw.name : fail("name must be a non-empty string");
  const metric = typeof raw.metric === "string" && raw.metric ? raw.metric : fail("metric must be a non-empty string");
  const direction = raw.direction === "minimize" || raw.direction === "maximize" ? raw.direction : fail(`direction must be "minimize" or "maximize"`);
  const maxEpochs = raw.max_epochs;
  if (typeof maxEpochs !== "number" || !Number.isInteger(maxEpochs) || maxEpochs < 1) fail("max_epochs must be a positive integer");
  if (!Array.isArray(raw.space) || raw.space.length === 0) fail("space must be a non-empty array");
  const space = raw.space.map(parseTableParam);
  if (new Set(space.map((p) => p.name)).size !== space.length) fail("space has two parameters with the same name");
  if (!Array.isArray(raw.rows)) fail("rows must be an array");
  const gridSize = space.reduce((n, p) => n * p.values.length, 1);
  const rowAt = new Int32Array(gridSize).fill(-1);
  const rows = raw.rows.map((row, r) => {
    const where = `rows[${r}]`;
    if (!isRecord(row) || !isRecord(row.params) || !isRecord(row.curves)) fail(`${where} must have params and curves objects`);
    let key = 0;
    for (const p of space) {
      const v = row.params[p.name];
      const j = p.values.findIndex((x) => x === v);
      if (j < 0) fail(`${where}.params.${p.name} = ${JSON.stringify(v)} is not one of the space's values`);
      key = key * p.values.length + j;
    }
    if (rowAt[key] >= 0) fail(`${where} repeats the configuration of rows[${rowAt[key]}]`);
    rowAt[key] = r;
    const curve = row.curves[metric];
    if (!Array.isArray(curve) || curve.length !== maxEpochs) fail(`${where}.curves.${metric} must have max_epochs (${maxEpochs}) entries`);
    curve.forEach((v, e) => {
      if (typeof v !== "number" || !Number.isFinite(v)) fail(`${where}.curves.${metric}[${e}] must be a finite number`);
    });
    const epochSeconds = typeof row.epoch_seconds === "number" ? row.epoch_seconds : 0;
    return { params: row.params as Params, curve: Float64Array.from(curve as number[]), epochSeconds };
  });
  if (rows.length !== gridSize) fail(`rows has ${rows.length} entries but the grid has ${gridSize} combinations`);
  const description = typeof raw.description === "string" ? raw.description : "";
  return { name, description, metric, direction, maxEpochs, space, rows, rowAt };
}

/** The search space a table spans: each numeric parameter from its smallest to its largest grid value. */
export function tableSpace(table: LcTable): Space {
  return table.space.map((p): Space[number] => {
    if (p.type === "categorical") return { type: "categorical", name: p.name, choices: p.values };
    const values = p.values as number[];
    return { type: p.type, name: p.name, low: values[0], high: values[values.length - 1], log: p.log, grid: [...values] };
  });
}

/** Index of the grid value nearest to x (in log space where log); a tie goes to the smaller value. */
export function snapIndex(p: TableParam, x: number | string | boolean): number {
  if (p.type === "categorical") {
    const j = p.values.findIndex((v) => v === x);
    if (j < 0) throw new LcTableError(`${p.name}: ${JSON.stringify(x)} is not one of ${JSON.stringify(p.values)}`);
    return j;
  }
  if (typeof x !== "number" || !Number.isFinite(x)) throw new LcTableError(`${p.name} must be a finite number, got ${JSON.stringify(x)}`);
  const t = (v: number) => (p.log ? Math.log(v) : v);
  const tx = t(Math.max(x, p.log ? Number.MIN_VALUE : -Infinity));
  const tv = (p.values as number[]).map(t);
  // Rounding splits exact ties by an ulp (log 32 − log 16 > log 64 − log 32), so distances
  // closer than a billionth of the grid's span count as equal.
  const tolerance = 1e-9 * (tv[tv.length - 1] - tv[0]);
  let best = 0;
  let bestDistance = Infinity;
  tv.forEach((v, j) => {
    const d = Math.abs(v - tx);
    // Values are increasing, so requiring a clear improvement keeps the smaller one on a tie.
    if (d < bestDistance - tolerance) {
      best = j;
      bestDistance = d;
    }
  });
  return best;
}

/** The row of the grid point a configuration snaps to. */
export function snapRow(table: LcTable, params: Params): number {
  let key = 0;
  for (const p of table.space) {
    if (!(p.name in params)) throw new LcTableError(`${p.name} is missing from the configuration`);
    key = key * p.values.length + snapIndex(p, params[p.name]);
  }
  return table.rowAt[key];
}

/** The value of the metric after `epoch` (1-based) for a row. */
export function rowValue(table: LcTable, row: number, epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 1 || epoch > table.maxEpochs) throw new RangeError(`epoch must be in 1..${table.maxEpochs}, got ${epoch}`);
  return table.rows[row].curve[epoch - 1];
}

/** Each row's score: the best value over its whole curve, as a loss (lower is better). */
export function rowScores(table: LcTable): Float64Array {
  const sign = table.direction === "minimize" ? 1 : -1;
  return Float64Array.from(table.rows, (r) => sign * r.curve.reduce((a, b) => (sign * b < sign * a ? b : a)));
}

/** The "top p%" target as a loss: the score of the k-th best row, k = max(1, ⌈N·p/100⌉). */
export function topTarget(table: LcTable, percent: number): number {
  // Past 100% k would index beyond the last row and return undefined; 0 means the single best row.
  if (!(percent >= 0 && percent <= 100)) throw new RangeError(`topTarget: percent must be in [0, 100], got ${percent}`);
  const sorted = Array.from(rowScores(table)).sort((a, b) => a - b);
  const k = Math.max(1, Math.ceil((sorted.length * percent) / 100));
  return sorted[k - 1];
}
