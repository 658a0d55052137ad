import { describe, expect, it } from "vitest";
import type { EffectView, ParamDef, RuleView } from "@/lib/api/schemas";
import { raiseEffect } from "./effects";
import { zMeanings } from "./rule-text";

const effect = (over: Partial<EffectView>): EffectView =>
  ({ group: [0], label: "lr", order: 1, n: 40, shape: "monotone", sign: 1, strength: 0.4, interval: [0.2, 0.5], partialR2: 0.16, p: 0.01, q: 0.02, significant: true, ...over }) as EffectView;

describe("raiseEffect: one sign means one thing on every cell", () => {
  it.each([
    ["a main effect where raising lr raises the loss", effect({}), 0.4],
    ["a main effect where raising lr lowers the loss", effect({ sign: -1, strength: -0.4, interval: [-0.5, -0.2] }), -0.4],
    // The analysis signs an interaction + when raising both lowers the loss.
    ["an interaction + (raising both lowers the loss)", effect({ order: 2, group: [0, 1], shape: "interaction", strength: 0.3, interval: [0.1, 0.4] }), -0.3],
    ["an interaction − (raising both raises the loss)", effect({ order: 2, group: [0, 1], shape: "interaction", sign: -1, strength: -0.3, interval: [-0.4, -0.1] }), 0.3],
  ])("%s", (_, e, value) => {
    const raise = raiseEffect(e)!;
    expect(raise.value).toBeCloseTo(value, 12);
    expect(raise.interval[0]).toBeLessThanOrEqual(raise.value);
    expect(raise.interval[1]).toBeGreaterThanOrEqual(raise.value);
  });

  it("gives no direction to a U-shape or a categorical effect", () => {
    expect(raiseEffect(effect({ shape: "interior", vertex: 0.5 }))).toBeNull();
    expect(raiseEffect(effect({ shape: "categorical" }))).toBeNull();
  });
});

describe("zMeanings", () => {
  const space: ParamDef[] = [
    { type: "float", name: "lr", low: 0.001, high: 1, log: true },
    { type: "float", name: "momentum", low: 0, high: 0.99 },
  ];
  const slab = (params: string[]): RuleView =>
    ({ id: "slab:1", kind: "slab", origin: "discovered", status: "proposed", params, weights: params.map(() => 1 / Math.sqrt(params.length)), low: 0.2, high: 0.9 }) as unknown as RuleView;

  it("says what z is for every parameter of a slab across parameters, on a log scale where log", () => {
    expect(zMeanings(slab(["lr", "momentum"]), space)).toEqual(["z(lr) = 0 at lr = 0.001, 1 at 1, on a log scale", "z(momentum) = 0 at momentum = 0, 1 at 0.99, linearly"]);
  });

  it("has nothing to explain for a one-parameter slab, which reads in the parameter's units", () => {
    expect(zMeanings(slab(["lr"]), space)).toEqual([]);
  });
});
