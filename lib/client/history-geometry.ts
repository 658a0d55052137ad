/**
 * The history plot's value axis, the pure part: linear or log, with the worst
 * 10% of values on its far edge (diverged trials report huge losses, and a
 * tenth of a search can diverge). Pure; browser-safe.
 */
import { linearAxis, logAxis } from "./axes";

/** A value axis over `values` (log only when every value is positive); null without a finite value. */
export function valueAxis(values: readonly number[], direction: "minimize" | "maximize", log: boolean) {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const q = (f: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.round(f * (finite.length - 1))))];
  let lo = direction === "minimize" ? finite[0] : q(0.1);
  let hi = direction === "minimize" ? q(0.9) : finite[finite.length - 1];
  const canLog = finite[0] > 0;
  const useLog = log && canLog;
  if (!(hi > lo)) [lo, hi] = useLog ? [lo / 2, hi * 2] : [lo - Math.max(1e-9, Math.abs(lo) * 0.1), hi + Math.max(1e-9, Math.abs(hi) * 0.1)];
  const axis = useLog ? logAxis(lo, hi) : linearAxis(lo, hi);
  const [d0, d1] = axis.domain;
  /** A value's share of the axis from the bottom; beyond the axis it is clipped, and `clipped` says so. */
  const share = (v: number) => {
    const t = useLog ? (Math.log(v) - Math.log(d0)) / (Math.log(d1) - Math.log(d0)) : (v - d0) / (d1 - d0);
    return { t: Math.min(1, Math.max(0, t)), clipped: t < -1e-9 || t > 1 + 1e-9 };
  };
  return { log: useLog, canLog, domain: axis.domain, ticks: axis.ticks, share };
}
