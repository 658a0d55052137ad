/**
 * Round-number axes for the charts: domains and ticks on 1-2-5 steps, so the
 * labels read 0, 0.5, 1 rather than 0.04538, 0.6454, 1.245.
 */

/** A round step (1, 2 or 5 times a power of ten) that cuts `range` into about `count` parts. */
export function niceStep(range: number, count: number): number {
  const raw = range / count;
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
}

function round(x: number): number {
  return Number(x.toPrecision(12));
}

/** A linear axis on round numbers that covers [lo, hi]. */
export function linearAxis(lo: number, hi: number): { domain: [number, number]; ticks: number[] } {
  const step = niceStep(hi - lo, 5);
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; start + i * step <= end + step / 2; i++) ticks.push(round(start + i * step));
  return { domain: [round(start), round(end)], ticks };
}

/** A log axis on 1-2-5 values that covers [lo, hi]; both must be positive. */
export function logAxis(lo: number, hi: number): { domain: [number, number]; ticks: number[] } {
  const candidates: number[] = [];
  for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)) + 1; k++) {
    for (const m of [1, 2, 5]) candidates.push(round(m * 10 ** k));
  }
  const start = [...candidates].reverse().find((v) => v <= lo) ?? lo;
  const end = candidates.find((v) => v >= hi) ?? hi;
  const ticks = candidates.filter((v) => v >= start && v <= end);
  // Too many labels on a wide range: keep the powers of ten only.
  return { domain: [start, end], ticks: ticks.length > 8 ? ticks.filter((v) => Number.isInteger(Math.log10(v))) : ticks };
}

/** Epoch ticks: the first epoch, then round multiples up to the last. */
export function epochTicks(first: number, last: number): number[] {
  if (last <= first) return [first];
  const step = Math.max(1, niceStep(last - first, 8));
  const ticks = [first];
  for (let e = Math.ceil((first + 1) / step) * step; e <= last; e += step) ticks.push(e);
  if (last - ticks[ticks.length - 1] >= step / 2) ticks.push(last);
  return ticks;
}
