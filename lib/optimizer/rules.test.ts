import { describe, expect, it } from "vitest";
import { buildSubspace, contains, type Rule } from "./rules";
import { encode, type Space } from "./space";

const space: Space = [
  { type: "float", name: "lr", low: 0.001, high: 1, log: true, grid: [0.001, 0.01, 0.1, 0.3, 1] },
  { type: "float", name: "momentum", low: 0, high: 0.99 },
  { type: "int", name: "depth", low: 1, high: 4 },
  { type: "categorical", name: "opt", choices: ["adam", "sgd"] },
];

const rule = (box: Extract<Rule, { kind: "exclude" }>["box"]): Rule => ({ id: "user:1", origin: "user", status: "active", kind: "exclude", box });

describe("exclusion membership", () => {
  const toEdge = buildSubspace(space, [rule([{ param: "lr", low: 0.1375, high: 1 }, { param: "momentum", low: 0.5, high: 0.99 }])]);
  it.each([
    ["the plot's upper edges", { lr: 1, momentum: 0.99, depth: 1, opt: "adam" }, false],
    ["the box's lower edges", { lr: 0.1375, momentum: 0.5, depth: 1, opt: "adam" }, false],
    ["a point inside", { lr: 0.3, momentum: 0.7, depth: 2, opt: "sgd" }, false],
    ["a point below lr's edge", { lr: 0.1, momentum: 0.99, depth: 1, opt: "adam" }, true],
    ["a point below momentum's edge", { lr: 1, momentum: 0.49, depth: 1, opt: "adam" }, true],
  ])("an exclusion drawn to the edge covers %s as drawn", (_, params, inside) => {
    expect(contains(toEdge, encode(space, params))).toBe(inside);
  });

  it("keeps cell edges half-open for choices and linear ints, so a boundary point belongs to the next value only", () => {
    const sub = buildSubspace(space, [rule([{ param: "depth", low: 1, high: 1 }, { param: "opt", choices: ["adam"] }])]);
    // depth has 4 cells of width 0.25; opt has 2 of width 0.5.
    expect(contains(sub, [0.5, 0.5, 0.125, 0.25])).toBe(false);
    expect(contains(sub, [0.5, 0.5, 0.25, 0.25])).toBe(true);
    expect(contains(sub, [0.5, 0.5, 0.125, 0.5])).toBe(true);
  });

  it("excludes the last choice and the top int at the cube's edge", () => {
    const sub = buildSubspace(space, [rule([{ param: "depth", low: 4, high: 4 }, { param: "opt", choices: ["sgd"] }])]);
    expect(contains(sub, [0.5, 0.5, 1, 1])).toBe(false);
  });
});
