/**
 * Unit coordinates ↔ a parameter's own units, for drawing: the charts work
 * in the unit square and label their ticks in the parameters' units. Unlike
 * decodeValue, these maps are continuous (no snapping to ints or grids), so
 * a dragged selection keeps its exact edges. Pure; browser-safe.
 */
import type { ParamDef } from "@/lib/api/schemas";
import { decodeValue } from "@/lib/optimizer/space";
import { linearAxis, logAxis } from "./axes";
import { formatParam } from "./format";

type NumericParam = Extract<ParamDef, { type: "float" | "int" }>;

/** The transformed interval a numeric parameter spans, as encodeValue sees it (an int's cells extend half a step each side). */
function span(p: NumericParam): [number, number] {
  const half = p.type === "int" ? (p.log ? 0.5 : (p.step ?? 1) / 2) : 0;
  const lo = p.low - half;
  const hi = p.high + half;
  return p.log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

/** The value at unit coordinate z, continuously (no snapping). */
export function unitToValue(p: NumericParam, z: number): number {
  const [lo, hi] = span(p);
  const t = lo + z * (hi - lo);
  return p.log ? Math.exp(t) : t;
}

/** The unit coordinate of a value, continuously and unclamped. */
export function valueToUnit(p: NumericParam, x: number): number {
  const [lo, hi] = span(p);
  if (hi === lo) return 0.5;
  return ((p.log ? Math.log(x) : x) - lo) / (hi - lo);
}

/** The unit coordinate of any value of a parameter; categorical values map to their cell's centre. */
export function unitOf(p: ParamDef, value: number | string | boolean): number {
  if (p.type === "categorical") {
    const i = p.choices.findIndex((c) => c === value);
    return i < 0 ? Number.NaN : (i + 0.5) / p.choices.length;
  }
  return typeof value === "number" ? valueToUnit(p, value) : Number.NaN;
}

/** A unit coordinate as the value it decodes to, formatted ("0.0123", "adam"). */
export function formatUnit(p: ParamDef, z: number): string {
  if (p.type === "categorical") return String(decodeValue(p, z));
  const v = unitToValue(p, Math.min(1, Math.max(0, z)));
  return formatParam(p.type === "int" ? Math.round(v) : Number(v.toPrecision(3)));
}

/** Axis ticks of a parameter in unit coordinates, labelled in its own units; ticks closer than `minGap` are thinned, the ends kept. */
export function unitTicks(p: ParamDef, minGap = 0.05): { z: number; label: string }[] {
  if (p.type === "categorical") return p.choices.map((c, i) => ({ z: (i + 0.5) / p.choices.length, label: String(c) }));
  if (p.low === p.high) return [{ z: 0.5, label: formatParam(p.low) }];
  const values = p.grid && p.grid.length <= 8 ? p.grid : (p.log ? logAxis(p.low, p.high) : linearAxis(p.low, p.high)).ticks;
  const ticks = values
    .filter((v) => v >= p.low - 1e-12 && v <= p.high + 1e-12 && (p.type !== "int" || Number.isInteger(v)))
    .map((v) => ({ z: valueToUnit(p, v), label: formatParam(v) }));
  const kept: typeof ticks = [];
  for (const t of ticks) {
    const last = kept[kept.length - 1];
    if (!last || t.z - last.z >= minGap) kept.push(t);
    else if (t === ticks[ticks.length - 1] && kept.length > 1) kept[kept.length - 1] = t;
  }
  return kept;
}

/** Half the smallest gap between a numeric grid's values in unit coordinates (how far points on it may be spread), or 0. */
export function gridSpread(p: ParamDef): number {
  if (p.type === "categorical" || !p.grid || p.grid.length < 2) return 0;
  const zs = p.grid.map((v) => valueToUnit(p, v));
  let gap = Infinity;
  for (let i = 1; i < zs.length; i++) gap = Math.min(gap, zs[i] - zs[i - 1]);
  return Math.min(0.06, gap / 2);
}

/** A share of the space as a percentage with two significant digits ("35%", "0.42%"). */
export function formatShare(share: number): string {
  if (!Number.isFinite(share)) return "—";
  const pct = share * 100;
  return `${pct >= 10 ? Math.round(pct) : Number(pct.toPrecision(2))}%`;
}

/** Whether a parameter is drawn on a log scale. */
export function isLog(p: ParamDef): boolean {
  return p.type !== "categorical" && p.log === true;
}

/** The parameter's full range in words ("0.001 … 1, log"). */
export function describeRange(p: ParamDef): string {
  if (p.type === "categorical") return p.choices.map(String).join(" | ");
  return `${formatParam(p.low)} … ${formatParam(p.high)}${p.log ? ", log" : ""}`;
}

function mix(a: [number, number, number], b: [number, number, number], t: number): string {
  const c = a.map((x, i) => Math.round(x + (b[i] - x) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

const WHITE: [number, number, number] = [255, 255, 255];
const BLUE: [number, number, number] = [37, 99, 235]; // blue-600
const RED: [number, number, number] = [220, 38, 38]; // red-600

/** Diverging colour of a signed strength: blue below 0, white at 0, red above, saturated at |saturation|. */
export function divergingColor(strength: number, saturation = 0.6): string {
  if (!Number.isFinite(strength)) return mix(WHITE, WHITE, 0);
  const t = Math.min(1, Math.abs(strength) / saturation);
  return mix(WHITE, strength < 0 ? BLUE : RED, t);
}

const VIOLET: [number, number, number] = [124, 58, 237]; // violet-600

/** Colour of a strength without a direction (a U-shape, a categorical parameter): white at 0 to violet at |saturation|. */
export function undirectedColor(strength: number, saturation = 0.6): string {
  const t = Number.isFinite(strength) ? Math.min(1, Math.abs(strength) / saturation) : 0;
  return mix(WHITE, VIOLET, t);
}

/** Whether text on a diverging colour should be white. */
export function darkOnDiverging(strength: number, saturation = 0.6): boolean {
  return Math.abs(strength) / saturation > 0.55;
}

// Viridis, sampled at 7 stops: perceptually even and readable in grey.
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [68, 57, 131],
  [49, 104, 142],
  [33, 145, 140],
  [53, 183, 121],
  [144, 215, 67],
  [253, 231, 37],
];

/** Sequential colour for t ∈ [0, 1] (viridis: 0 dark purple, 1 yellow). */
export function sequentialColor(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  return mix(VIRIDIS[i], VIRIDIS[i + 1], u - i);
}

/**
 * The polygon of the unit square where low ≤ wx·x + wy·y ≤ high
 * (Sutherland–Hodgman clipping by the two half-planes); empty when none.
 */
export function slabPolygon(wx: number, wy: number, low: number, high: number): [number, number][] {
  let poly: [number, number][] = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
  ];
  const clip = (inside: (p: [number, number]) => number) => {
    const out: [number, number][] = [];
    for (let i = 0; i < poly.length; i++) {
      const a = poly[i];
      const b = poly[(i + 1) % poly.length];
      const fa = inside(a);
      const fb = inside(b);
      if (fa >= 0) out.push(a);
      if ((fa >= 0) !== (fb >= 0)) {
        const t = fa / (fa - fb);
        out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      }
    }
    poly = out;
  };
  clip(([x, y]) => wx * x + wy * y - low);
  clip(([x, y]) => high - (wx * x + wy * y));
  return poly;
}
