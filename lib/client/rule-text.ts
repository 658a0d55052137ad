/**
 * Rules as the dashboard reads them: their typed fields out of the API's
 * loose RuleView, and a sentence for each. Pure; browser-safe.
 */
import type { ParamDef, RuleView } from "@/lib/api/schemas";
import { formatParam } from "./format";
import { formatUnit } from "./units";

type Value = number | string | boolean;
export type BoxEntry = { param: string; low: number; high: number } | { param: string; choices: Value[] };

/** A rule's geometry, typed by kind. */
export type RuleShape =
  | { kind: "pin"; param: string; value: Value }
  | { kind: "range"; param: string; low: number; high: number }
  | { kind: "exclude"; box: BoxEntry[] }
  | { kind: "slab"; params: string[]; weights: number[]; low: number; high: number };

/** The typed geometry of a rule, or null when its fields are not as expected. */
export function ruleShape(rule: RuleView): RuleShape | null {
  const r = rule as Record<string, unknown>;
  const num = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
  switch (rule.kind) {
    case "pin":
      return typeof r.param === "string" && r.value !== undefined ? { kind: "pin", param: r.param, value: r.value as Value } : null;
    case "range":
      return typeof r.param === "string" && num(r.low) && num(r.high) ? { kind: "range", param: r.param, low: r.low, high: r.high } : null;
    case "exclude":
      return Array.isArray(r.box) ? { kind: "exclude", box: r.box as BoxEntry[] } : null;
    case "slab":
      return Array.isArray(r.params) && Array.isArray(r.weights) && num(r.low) && num(r.high)
        ? { kind: "slab", params: r.params as string[], weights: r.weights as number[], low: r.low, high: r.high }
        : null;
  }
}

/** The parameters a rule constrains. */
export function ruleParams(shape: RuleShape): string[] {
  if (shape.kind === "slab") return shape.params;
  if (shape.kind === "exclude") return shape.box.map((b) => b.param);
  return [shape.param];
}

const fmt = (x: number) => formatParam(Number(x.toPrecision(4)));

/** A rule in one line, in the parameters' units where it can be ("lr ≤ 0.02", "exclude lr ∈ [0.3, 1] × momentum ∈ [0.9, 0.99]"). */
export function describeRule(rule: RuleView, space: ParamDef[]): string {
  const shape = ruleShape(rule);
  if (!shape) return `${rule.kind} rule`;
  switch (shape.kind) {
    case "pin":
      return `${shape.param} = ${formatParam(shape.value)}`;
    case "range":
      return `${fmt(shape.low)} ≤ ${shape.param} ≤ ${fmt(shape.high)}`;
    case "exclude":
      return `exclude ${shape.box.map((b) => ("choices" in b ? `${b.param} ∈ {${b.choices.map(String).join(", ")}}` : `${b.param} ∈ [${fmt(b.low)}, ${fmt(b.high)}]`)).join(" × ")}`;
    case "slab": {
      if (shape.params.length === 1) {
        const p = space.find((q) => q.name === shape.params[0]);
        const w = shape.weights[0] || 1;
        const [a, b] = [shape.low / w, shape.high / w].sort((x, y) => x - y);
        if (!p) return `${a.toFixed(2)} ≤ z(${shape.params[0]}) ≤ ${b.toFixed(2)}`;
        if (a <= 1e-9) return `${p.name} ≤ ${formatUnit(p, b)}`;
        if (b >= 1 - 1e-9) return `${p.name} ≥ ${formatUnit(p, a)}`;
        return `${formatUnit(p, a)} ≤ ${p.name} ≤ ${formatUnit(p, b)}`;
      }
      const terms = shape.params
        .map((name, k) => {
          const w = shape.weights[k];
          return `${w < 0 ? "− " : k === 0 ? "" : "+ "}${Math.abs(w).toFixed(2)}·z(${name})`;
        })
        .join(" ");
      return `${shape.low.toFixed(2)} ≤ ${terms} ≤ ${shape.high.toFixed(2)}`;
    }
  }
}

/**
 * What each z(·) in a rule's sentence stands for: the parameter's position in
 * its range, 0 at the low end and 1 at the high end, measured on a log scale
 * where the parameter is log; empty when the sentence has no z.
 */
export function zMeanings(rule: RuleView, space: ParamDef[]): string[] {
  const shape = ruleShape(rule);
  if (!shape || shape.kind !== "slab") return [];
  const onOwnUnits = shape.params.length === 1 && space.some((p) => p.name === shape.params[0]);
  if (onOwnUnits) return [];
  return shape.params.map((name) => {
    const p = space.find((q) => q.name === name);
    if (!p) return `z(${name}): ${name}'s position in its range, 0 = low end, 1 = high end`;
    if (p.type === "categorical") return `z(${name}): ${name}'s choice in the order ${p.choices.map(String).join(", ")}, 0 = first, 1 = last`;
    return `z(${name}) = 0 at ${name} = ${formatParam(p.low)}, 1 at ${formatParam(p.high)}${p.log ? ", on a log scale" : ", linearly"}`;
  });
}
