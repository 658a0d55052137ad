/**
 * Many learning curves drawn as few SVG paths: curves that look alike share
 * one series, each curve's points in order and a break between curves. Two
 * hundred Recharts lines cost a second of main thread on a busy machine at
 * every render; a handful of grouped ones cost a few milliseconds.
 */

/** How a group's curves are drawn. */
export type CurveStyle = { stroke: string; width: number; opacity: number; dash?: string; dotRadius: number };

/** A point of a grouped series; both null between two curves, so the line breaks there. */
export type GroupPoint = { epoch: number | null; value: number | null };

export type CurveGroup = { key: string; style: CurveStyle; data: GroupPoint[]; dots: GroupPoint[]; curves: number };

/**
 * Curves by style, in the order each style first appears (so callers that
 * sort the interesting curves last get them drawn on top). Non-finite values
 * are left out, bridged as before; a curve with one point goes to `dots`,
 * since a path of one point draws nothing.
 */
export function groupCurves<T>(items: readonly T[], pointsOf: (item: T) => readonly [number, number][], styleOf: (item: T) => CurveStyle): CurveGroup[] {
  const groups = new Map<string, CurveGroup>();
  for (const item of items) {
    const style = styleOf(item);
    const key = `${style.stroke}|${style.width}|${style.opacity}|${style.dash ?? ""}|${style.dotRadius}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, style, data: [], dots: [], curves: 0 };
      groups.set(key, group);
    }
    const points = pointsOf(item).filter(([, v]) => Number.isFinite(v));
    if (points.length === 0) continue;
    group.curves += 1;
    if (points.length === 1) {
      group.dots.push({ epoch: points[0][0], value: points[0][1] });
      continue;
    }
    if (group.data.length > 0) group.data.push({ epoch: null, value: null });
    for (const [epoch, value] of points) group.data.push({ epoch, value });
  }
  return [...groups.values()];
}

/** The values at one epoch of the chart's rows (a column per trial), as tooltip entries: trial column key and value. */
export function valuesAt<Row extends { epoch: number }>(rowsByEpoch: ReadonlyMap<number, Row>, epoch: unknown): { dataKey: string; value: number }[] {
  const row = typeof epoch === "number" ? rowsByEpoch.get(epoch) : undefined;
  if (!row) return [];
  return Object.entries(row).flatMap(([dataKey, value]) => (dataKey !== "epoch" && typeof value === "number" && Number.isFinite(value) ? [{ dataKey, value }] : []));
}
