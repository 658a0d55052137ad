import { describe, expect, it } from "vitest";
import { groupCurves, valuesAt } from "./curve-groups";

type C = { id: number; colour: string; points: [number, number][] };
const style = (c: C) => ({ stroke: c.colour, width: 1, opacity: 1, dotRadius: 2 });

describe("groupCurves", () => {
  it("joins curves of one style into one series with a break between them, in first-appearance order", () => {
    const curves: C[] = [
      { id: 0, colour: "grey", points: [[1, 0.9], [2, 0.8]] },
      { id: 1, colour: "red", points: [[1, 0.5], [2, 0.4], [3, 0.3]] },
      { id: 2, colour: "grey", points: [[1, 0.7], [2, NaN], [3, 0.6]] },
    ];
    const groups = groupCurves(curves, (c) => c.points, style);
    expect(groups.map((g) => g.style.stroke)).toEqual(["grey", "red"]);
    expect(groups[0].curves).toBe(2);
    // The second grey curve starts after a break; its NaN is left out and bridged.
    expect(groups[0].data).toEqual([
      { epoch: 1, value: 0.9 }, { epoch: 2, value: 0.8 },
      { epoch: null, value: null },
      { epoch: 1, value: 0.7 }, { epoch: 3, value: 0.6 },
    ]);
    expect(groups[1].data).toHaveLength(3);
  });

  it("draws a curve of one point as a dot, and skips a curve with no finite point", () => {
    const groups = groupCurves<C>([{ id: 0, colour: "grey", points: [[1, 0.5]] }, { id: 1, colour: "grey", points: [[1, Infinity]] }], (c) => c.points, style);
    expect(groups[0].data).toEqual([]);
    expect(groups[0].dots).toEqual([{ epoch: 1, value: 0.5 }]);
    expect(groups[0].curves).toBe(1);
  });
});

describe("valuesAt", () => {
  it("lists the finite trial values of the row at an epoch, and nothing for an unknown epoch", () => {
    const rows = new Map([[3, { epoch: 3, t1: 0.5, t2: NaN, t4: 0.25 }]]);
    expect(valuesAt(rows, 3)).toEqual([{ dataKey: "t1", value: 0.5 }, { dataKey: "t4", value: 0.25 }]);
    expect(valuesAt(rows, 4)).toEqual([]);
    expect(valuesAt(rows, undefined)).toEqual([]);
  });
});
