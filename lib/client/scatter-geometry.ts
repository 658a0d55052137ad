/** The pair scatter's pure geometry: rule overlays, jitter for grid values, the exclusion box a drag draws, the colour scale. */
import type { ParamDef, RuleView } from "@/lib/api/schemas";
import { ruleShape, type BoxEntry } from "./rule-text";
import { gridSpread, slabPolygon, unitOf, unitToValue, valueToUnit } from "./units";

export type Rect = { x0: number; x1: number; y0: number; y1: number };
export type Overlay = { id: string; status: RuleView["status"]; kind: RuleView["kind"]; polygons: [number, number][][]; lines: [number, number][][] };

export function hash01(n: number, salt: number): number {
  let h = (n * 2654435761 + salt * 40503) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 2246822519) >>> 0;
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/** Spreads points that share a grid value or a category a little, so each stays visible. */
export function jitter(p: ParamDef, z: number, trial: number, salt: number): number {
  if (p.type === "categorical") return z + (hash01(trial, salt) - 0.5) * (0.6 / p.choices.length);
  const spread = gridSpread(p);
  if (spread > 0) return z + (hash01(trial, salt) - 0.5) * spread;
  if (p.type === "int") return z + (hash01(trial, salt) - 0.5) * 0.02;
  return z;
}

/** The rules that can be drawn on these axes, as polygons and lines in unit coordinates; in 1-d only x counts. */
export function overlays(rules: RuleView[], x: ParamDef, y: ParamDef | null): Overlay[] {
  const out: Overlay[] = [];
  const onAxes = (name: string) => name === x.name || (y !== null && name === y.name);
  const rect = (r: Rect): [number, number][] => [
    [r.x0, r.y0],
    [r.x1, r.y0],
    [r.x1, r.y1],
    [r.x0, r.y1],
  ];
  const interval = (p: ParamDef, low: number, high: number): [number, number] => {
    if (p.type === "categorical") return [0, 1];
    const lo = Math.max(0, Math.min(1, valueToUnit(p, low)));
    const hi = Math.max(0, Math.min(1, valueToUnit(p, high)));
    return [Math.min(lo, hi), Math.max(lo, hi)];
  };
  for (const rule of rules) {
    if (rule.status !== "active" && rule.status !== "proposed") continue;
    const shape = ruleShape(rule);
    if (!shape) continue;
    const base = { id: rule.id, status: rule.status, kind: rule.kind };
    if (shape.kind === "pin" && onAxes(shape.param)) {
      const p = shape.param === x.name ? x : y!;
      const z = unitOf(p, shape.value);
      if (!Number.isFinite(z)) continue;
      out.push({ ...base, polygons: [], lines: [shape.param === x.name ? [[z, 0], [z, 1]] : [[0, z], [1, z]]] });
    } else if (shape.kind === "range" && onAxes(shape.param)) {
      const p = shape.param === x.name ? x : y!;
      const [a, b] = interval(p, shape.low, shape.high);
      out.push({ ...base, polygons: [rect(shape.param === x.name ? { x0: a, x1: b, y0: 0, y1: 1 } : { x0: 0, x1: 1, y0: a, y1: b })], lines: [] });
    } else if (shape.kind === "exclude" && shape.box.every((b) => onAxes(b.param))) {
      const spans = (p: ParamDef | null): [number, number][] => {
        const entry = p ? shape.box.find((b) => b.param === p.name) : undefined;
        if (!p || !entry) return [[0, 1]];
        if ("choices" in entry) {
          if (p.type !== "categorical") return [];
          const n = p.choices.length;
          return entry.choices.map((c) => p.choices.findIndex((v) => v === c)).filter((i) => i >= 0).map((i) => [i / n, (i + 1) / n] as [number, number]);
        }
        return [interval(p, entry.low, entry.high)];
      };
      const polygons = spans(x).flatMap(([x0, x1]) => spans(y).map(([y0, y1]) => rect({ x0, x1, y0, y1 })));
      out.push({ ...base, polygons, lines: [] });
    } else if (shape.kind === "slab" && shape.params.every(onAxes)) {
      const wx = shape.weights[shape.params.indexOf(x.name)] ?? 0;
      const wy = y ? (shape.weights[shape.params.indexOf(y.name)] ?? 0) : 0;
      if (!y) {
        if (wx === 0) continue;
        const [a, b] = [shape.low / wx, shape.high / wx].sort((s, t) => s - t);
        out.push({ ...base, polygons: [rect({ x0: Math.max(0, a), x1: Math.min(1, b), y0: 0, y1: 1 })], lines: [] });
        continue;
      }
      const lines = [shape.low, shape.high].map((c) => slabPolygon(wx, wy, c - 1e-9, c + 1e-9)).filter((poly) => poly.length >= 2);
      out.push({ ...base, polygons: [slabPolygon(wx, wy, shape.low, shape.high)], lines: lines.map(edgeOf) });
    }
  }
  return out;
}

/** A thin polygon's two farthest corners: the segment of a line inside the square. */
export function edgeOf(poly: [number, number][]): [number, number][] {
  let best: [number, number][] = [poly[0], poly[0]];
  let d = -1;
  for (const a of poly)
    for (const b of poly) {
      const e = (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;
      if (e > d) {
        d = e;
        best = [a, b];
      }
    }
  return best;
}

/** The box entry of a dragged interval [z0, z1] of one parameter; null when it holds no value. */
export function boxEntry(p: ParamDef, z0: number, z1: number): BoxEntry | null {
  const a = Math.max(0, Math.min(z0, z1));
  const b = Math.min(1, Math.max(z0, z1));
  if (p.type === "categorical") {
    const n = p.choices.length;
    const choices = p.choices.filter((_, i) => (i + 0.5) / n >= a && (i + 0.5) / n <= b);
    return choices.length > 0 ? { param: p.name, choices } : null;
  }
  let low = unitToValue(p, a);
  let high = unitToValue(p, b);
  if (p.type === "int") {
    low = Math.max(p.low, Math.ceil(low));
    high = Math.min(p.high, Math.floor(high));
    return low <= high ? { param: p.name, low, high } : null;
  }
  low = Math.max(p.low, Number(low.toPrecision(4)));
  high = Math.min(p.high, Number(high.toPrecision(4)));
  return low < high ? { param: p.name, low, high } : null;
}

/**
 * The values' colour scale, by rank so the colours spread evenly however
 * skewed the values are: the best trial brightest. `axis` is the range of
 * the 1-d chart's value axis, which leaves out the worst 5%.
 */
export function valueScale(values: number[], direction: "minimize" | "maximize") {
  const sorted = values.filter(Number.isFinite).sort((a, b) => (direction === "minimize" ? a - b : b - a));
  if (sorted.length === 0) return null;
  const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(f * (sorted.length - 1))))];
  const rankOf = new Map<number, number>();
  sorted.forEach((v, i) => {
    if (!rankOf.has(v)) rankOf.set(v, i);
  });
  const t = (v: number) => (sorted.length === 1 ? 1 : 1 - (rankOf.get(v) ?? sorted.length - 1) / (sorted.length - 1));
  const axisEnd = q(0.95);
  return { best: sorted[0], median: q(0.5), worst: sorted[sorted.length - 1], t, axis: [Math.min(sorted[0], axisEnd), Math.max(sorted[0], axisEnd)] as [number, number] };
}

/**
 * The scatter of two parameters (x, y in their units; log axes where log),
 * coloured by value, with every rule on them drawn; or, for one parameter,
 * its values against the metric. Dragging a rectangle excludes that region.
 */
