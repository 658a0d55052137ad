/**
 * Studies side by side, the pure part: colours, step lines in epochs or FTE,
 * the shared y range and the level every study reached. No React, no I/O.
 */
import type { CompareSeries } from "@/lib/api/compare-schema";
import { linearAxis, logAxis } from "./axes";

/** One colour per compared study, distinct on white and for the common colour-vision deficiencies (MAX_COMPARED of them). */
export const SERIES_COLOURS = ["#4f46e5", "#ea580c", "#059669", "#db2777", "#0891b2", "#a16207", "#7c3aed", "#475569"] as const;

/** Epochs spent, or full-training equivalents (epochs / the study's max epochs, the benchmarks' unit). */
export type CompareUnit = "epochs" | "fte";

/** A chart row: x in the chosen unit, with the epochs it stands for, and the best value so far. */
export type StepPoint = { x: number; epochs: number; best: number };

/** A series' step line in `unit`, carried on to the epochs spent so far (a flat tail means no improvement since). */
export function stepLine(series: Pick<CompareSeries, "points" | "epochs"> & { study: { maxEpochs: number } }, unit: CompareUnit): StepPoint[] {
  const scale = unit === "fte" ? 1 / Math.max(1, series.study.maxEpochs) : 1;
  const rows = series.points.filter(([, v]) => Number.isFinite(v)).map(([epochs, best]) => ({ x: epochs * scale, epochs, best }));
  const last = rows[rows.length - 1];
  if (last && series.epochs > last.epochs) rows.push({ x: series.epochs * scale, epochs: series.epochs, best: last.best });
  return rows;
}

/** A step line's value at `x`: its last step at or before it, or null before its first. */
export function valueAt(line: readonly StepPoint[], x: number): number | null {
  let value: number | null = null;
  for (const p of line) {
    if (p.x > x) break;
    value = p.best;
  }
  return value;
}

type Axis = ReturnType<typeof linearAxis>;

/**
 * Axes that show every series: x from 0 (or, on a log axis, the first step)
 * to the furthest one; y from the best value to the 90th percentile of the
 * values the lines take along the x axis (evenly in the axis' own scale), so
 * the first steps, far off and brief, do not flatten the race that matters.
 */
export function compareAxes(lines: readonly StepPoint[][], direction: "minimize" | "maximize", logX = false): { x: Axis; y: Axis } | null {
  const drawn = lines.filter((l) => l.length > 0);
  if (drawn.length === 0) return null;
  const xMax = Math.max(...drawn.map((l) => l[l.length - 1].x));
  const xMin = Math.min(...drawn.map((l) => l[0].x));
  const log = logX && xMin > 0 && xMax > xMin;
  const x = log ? logAxis(xMin, xMax) : linearAxis(0, xMax > 0 ? xMax : 1);
  const along: number[] = [];
  for (let j = 0; j <= 100; j++) {
    const at = log ? xMin * (xMax / xMin) ** (j / 100) : (xMax * j) / 100;
    for (const l of drawn) {
      const v = valueAt(l, at);
      if (v !== null) along.push(v);
    }
  }
  const all = drawn.flatMap((l) => l.map((p) => p.best));
  const best = direction === "minimize" ? Math.min(...all) : Math.max(...all);
  along.sort((a, b) => a - b);
  const n = along.length - 1;
  const [lo, hi] = direction === "minimize" ? [best, along[Math.floor(0.9 * n)]] : [along[Math.ceil(0.1 * n)], best];
  const y = linearAxis(lo, hi > lo ? hi : lo + Math.max(1e-9, Math.abs(lo) * 0.1));
  return { x, y };
}

/**
 * The level every study reached (the worst of their best values) and, per
 * series, the epochs it took to get there; null when fewer than two studies
 * have a value, or when they optimize different metrics or directions.
 */
export function commonTarget(series: CompareSeries[]): { value: number; epochs: (number | null)[] } | null {
  const withValue = series.filter((s) => s.points.some(([, v]) => Number.isFinite(v)));
  if (withValue.length < 2) return null;
  const { metric, direction } = series[0].study;
  if (series.some((s) => s.study.metric !== metric || s.study.direction !== direction)) return null;
  const finals = withValue.map((s) => Math.min(...s.points.filter(([, v]) => Number.isFinite(v)).map(([, v]) => (direction === "minimize" ? v : -v))));
  const target = Math.max(...finals);
  const value = direction === "minimize" ? target : -target;
  const epochs = series.map((s) => s.points.find(([, v]) => Number.isFinite(v) && (direction === "minimize" ? v <= value : v >= value))?.[0] ?? null);
  return { value, epochs };
}

/** Why the y values may not compare: the studies' metrics or directions differ. */
export function mixedMetrics(series: CompareSeries[]): string | null {
  const kinds = [...new Set(series.map((s) => `${s.study.direction} ${s.study.metric}`))];
  return kinds.length > 1 ? kinds.join(", ") : null;
}
