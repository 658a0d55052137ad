/**
 * Parallel coordinates, the pure part: the loss axis, which trials pass the
 * brushes, and the range rule a brushed interval of a parameter's axis
 * becomes. Positions are shares of an axis's height, 0 at the bottom. Pure; browser-safe.
 */
import type { ParamDef } from "@/lib/api/schemas";
import { linearAxis, logAxis } from "./axes";
import { formatValue } from "./format";
import { unitToValue } from "./units";

/** A brushed interval of one axis, as shares of its height (low ≤ high). */
export type Brush = [number, number];

/** The loss axis: log when every value is positive and they span more than a decade; the worst 5% sit on its far edge. */
export function lossAxis(values: readonly number[], direction: "minimize" | "maximize") {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const q = (f: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.round(f * (finite.length - 1))))];
  let lo = direction === "minimize" ? finite[0] : q(0.05);
  let hi = direction === "minimize" ? q(0.95) : finite[finite.length - 1];
  if (!(hi > lo)) [lo, hi] = [lo - Math.max(1e-9, Math.abs(lo) * 0.1), hi + Math.max(1e-9, Math.abs(hi) * 0.1)];
  const log = lo > 0 && hi / lo > 10;
  const axis = log ? logAxis(lo, hi) : linearAxis(lo, hi);
  const [d0, d1] = axis.domain;
  const share = (v: number) => {
    const t = log ? (Math.log(v) - Math.log(d0)) / (Math.log(d1) - Math.log(d0)) : (v - d0) / (d1 - d0);
    return Math.min(1, Math.max(0, t));
  };
  return { log, domain: axis.domain, ticks: axis.ticks.map((v) => ({ t: share(v), label: formatValue(v) })), share };
}

/** Whether a row of axis positions passes every brush; a NaN position fails a brush on its axis. */
export function passes(row: readonly number[], brushes: ReadonlyMap<number, Brush>): boolean {
  for (const [axis, [lo, hi]] of brushes) {
    const v = row[axis];
    if (!(v >= lo - 1e-9 && v <= hi + 1e-9)) return false;
  }
  return true;
}

const round3 = (x: number, toward: "up" | "down") => {
  if (x === 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(Math.abs(x))) - 2);
  return (toward === "up" ? Math.ceil(x / magnitude) : Math.floor(x / magnitude)) * magnitude;
};

/**
 * The range rule a brushed interval of a numeric parameter's axis stands for,
 * in the parameter's units: rounded outward to three significant digits (an
 * int inward to whole steps), within the parameter's bounds; null for a
 * categorical parameter or an interval that holds no value.
 */
export function brushToRange(p: ParamDef, [lo, hi]: Brush): { param: string; low: number; high: number } | null {
  if (p.type === "categorical") return null;
  let low = Math.max(p.low, unitToValue(p, Math.max(0, lo)));
  let high = Math.min(p.high, unitToValue(p, Math.min(1, hi)));
  if (p.type === "int") {
    const step = p.log ? 1 : (p.step ?? 1);
    low = p.low + Math.ceil((low - p.low) / step - 1e-9) * step;
    high = p.low + Math.floor((high - p.low) / step + 1e-9) * step;
  } else {
    low = Math.max(p.low, Number(round3(low, "down").toPrecision(12)));
    high = Math.min(p.high, Number(round3(high, "up").toPrecision(12)));
  }
  return low <= high ? { param: p.name, low, high } : null;
}
