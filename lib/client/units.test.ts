import { describe, expect, it } from "vitest";
import type { ParamDef } from "@/lib/api/schemas";
import { encodeValue } from "@/lib/optimizer/space";
import { describeRule } from "./rule-text";
import { divergingColor, formatShare, slabPolygon, unitTicks, unitToValue, valueToUnit } from "./units";

const lr: ParamDef = { type: "float", name: "lr", low: 0.001, high: 1, log: true };
const width: ParamDef = { type: "int", name: "width", low: 16, high: 256, log: true };
const depth: ParamDef = { type: "int", name: "depth", low: 1, high: 4 };

describe("unit coordinates", () => {
  it.each([
    [lr, 0.01],
    [lr, 0.5],
    [width, 64],
    [depth, 3],
  ])("agrees with encodeValue on %o at %d", (p, x) => {
    expect(valueToUnit(p as Extract<ParamDef, { type: "float" | "int" }>, x)).toBeCloseTo(encodeValue(p, x), 12);
  });

  it("maps back continuously, without snapping", () => {
    expect(unitToValue(lr as Extract<ParamDef, { type: "float" }>, 0.5)).toBeCloseTo(Math.sqrt(0.001), 12);
    expect(unitToValue(depth as Extract<ParamDef, { type: "int" }>, 0.5)).toBeCloseTo(2.5, 12);
  });

  it("thins ticks that would overlap but keeps both ends", () => {
    const momentum: ParamDef = { type: "float", name: "momentum", low: 0, high: 0.99, grid: [0, 0.9, 0.95, 0.99] };
    expect(unitTicks(momentum, 0.05).map((t) => t.label)).toEqual(["0", "0.9", "0.99"]);
  });
});

describe("slabPolygon", () => {
  it("cuts the band between two lines out of the unit square", () => {
    const w = Math.SQRT1_2;
    const poly = slabPolygon(w, w, 0.5 * w, 1.5 * w);
    // The band x + y ∈ [0.5, 1.5] is the square without two corner triangles of area 1/8 each.
    const area = Math.abs(poly.reduce((s, [x, y], i) => s + x * poly[(i + 1) % poly.length][1] - poly[(i + 1) % poly.length][0] * y, 0)) / 2;
    expect(area).toBeCloseTo(0.75, 12);
  });

  it("is empty when the band misses the square", () => {
    expect(slabPolygon(1, 0, 2, 3)).toEqual([]);
  });
});

describe("formatting", () => {
  it.each([
    [1, "100%"],
    [0.351, "35%"],
    [0.0042, "0.42%"],
  ])("prints a share of %d as %s", (share, text) => {
    expect(formatShare(share)).toBe(text);
  });

  it("saturates the diverging colours at |0.6| and is white at 0", () => {
    expect(divergingColor(0)).toBe("rgb(255, 255, 255)");
    expect(divergingColor(0.9)).toBe(divergingColor(0.6));
    expect(divergingColor(-0.6)).not.toBe(divergingColor(0.6));
  });

  it("describes a one-parameter slab in the parameter's units", () => {
    const rule = { id: "slab:lr", origin: "discovered", status: "proposed", kind: "slab", params: ["lr"], weights: [1], low: 0, high: 0.5 } as const;
    expect(describeRule(rule, [lr])).toBe("lr ≤ 0.0316");
  });
});
