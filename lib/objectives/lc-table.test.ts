import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decode, spaceProblems } from "../optimizer/space";
import { LcTableError, parseLcTable, rowScores, rowValue, snapIndex, snapRow, tableSpace, topTarget, type TableParam } from "./lc-table";

type RawRow = { params: Record<string, unknown>; curves: Record<string, unknown[]>; epoch_seconds?: number };

/**
 * A 3 × 2 × 2 grid, 3 epochs. Row r's val_loss curve is [r + 3, r + 1, r + 2]:
 * its best epoch is 2, its score r + 1, so the rows rank in order.
 */
function rawTable() {
  const rows: RawRow[] = [];
  for (const lr of [0.001, 0.01, 0.1]) {
    for (const units of [1, 2]) {
      for (const act of ["relu", "tanh"]) {
        const r = rows.length;
        rows.push({ params: { lr, units, act }, curves: { val_loss: [r + 3, r + 1, r + 2], val_error: [0.5, 0.4, 0.3] }, epoch_seconds: 0.01 });
      }
    }
  }
  return {
    format: "lc-table/1",
    name: "tiny",
    description: "hand-made",
    metric: "val_loss",
    direction: "minimize",
    max_epochs: 3,
    space: [
      { name: "lr", type: "float", log: true, values: [0.001, 0.01, 0.1] },
      { name: "units", type: "int", values: [1, 2] },
      { name: "act", type: "categorical", values: ["relu", "tanh"] },
    ],
    rows,
  };
}

const lr: TableParam = { name: "lr", type: "float", log: true, values: [0.001, 0.01, 0.1] };
const lrLinear: TableParam = { ...lr, log: false };
const batch: TableParam = { name: "batch", type: "int", log: true, values: [16, 64, 256] };
const units: TableParam = { name: "units", type: "int", log: false, values: [1, 2, 4] };
const act: TableParam = { name: "act", type: "categorical", log: false, values: ["relu", "tanh"] };

describe("parseLcTable", () => {
  it("parses a well-formed table", () => {
    const table = parseLcTable(rawTable());
    expect(table).toMatchObject({ name: "tiny", description: "hand-made", metric: "val_loss", direction: "minimize", maxEpochs: 3 });
    expect(table.rows).toHaveLength(12);
    expect(Array.from(table.rows[4].curve)).toEqual([7, 5, 6]);
    expect(table.rows[4].epochSeconds).toBe(0.01);
    expect(table.space.map((p) => [p.name, p.log])).toEqual([
      ["lr", true],
      ["units", false],
      ["act", false],
    ]);
  });

  it.each<[string, (t: ReturnType<typeof rawTable>) => unknown, RegExp]>([
    ["not an object", () => [1, 2], /table must be a JSON object/],
    ["a wrong format", (t) => ({ ...t, format: "lc-table/2" }), /format must be "lc-table\/1", got "lc-table\/2"/],
    ["a bad direction", (t) => ({ ...t, direction: "down" }), /direction must be "minimize" or "maximize"/],
    ["zero max epochs", (t) => ({ ...t, max_epochs: 0 }), /max_epochs must be a positive integer/],
    ["an empty space", (t) => ({ ...t, space: [] }), /space must be a non-empty array/],
    ["a parameter without values", (t) => ((t.space[1].values = []), t), /space\[1\] \(units\)\.values must be a non-empty array/],
    ["a parameter of unknown type", (t) => ((t.space[1].type = "bool"), t), /space\[1\] \(units\)\.type must be float, int or categorical/],
    ["decreasing values", (t) => ((t.space[0].values = [0.1, 0.01, 0.001]), t), /space\[0\] \(lr\)\.values must be strictly increasing/],
    ["a non-positive log value", (t) => ((t.space[0].values = [0, 0.01, 0.1]), t), /space\[0\] \(lr\)\.values\[0\] must be > 0 on a log scale/],
    ["a fractional int value", (t) => ((t.space[1].values = [1, 2.5]), t), /space\[1\] \(units\)\.values\[1\] must be an integer/],
    ["a repeated categorical value", (t) => ((t.space[2].values = ["relu", "relu"]), t), /space\[2\] \(act\)\.values must not repeat a value/],
    ["a categorical value that is an object", (t) => ((t.space[2].values = ["relu", {}] as string[]), t), /space\[2\] \(act\)\.values\[1\] must be a string, a finite number or a boolean/],
    ["two parameters with one name", (t) => ((t.space[2].name = "lr"), t), /space has two parameters with the same name/],
    ["a missing row", (t) => ({ ...t, rows: t.rows.slice(1) }), /rows has 11 entries but the grid has 12 combinations/],
    ["a duplicate row", (t) => ((t.rows[11].params = { ...t.rows[0].params }), t), /rows\[11\] repeats the configuration of rows\[0\]/],
    ["a row without curves", (t) => (delete (t.rows[2] as Partial<RawRow>).curves, t), /rows\[2\] must have params and curves objects/],
    ["a curve of the wrong length", (t) => ((t.rows[2].curves.val_loss = [1, 2]), t), /rows\[2\]\.curves\.val_loss must have max_epochs \(3\) entries/],
    ["a missing metric curve", (t) => (delete t.rows[2].curves.val_loss, t), /rows\[2\]\.curves\.val_loss must have max_epochs \(3\) entries/],
    ["a non-numeric value", (t) => ((t.rows[3].curves.val_loss[1] = "0.5"), t), /rows\[3\]\.curves\.val_loss\[1\] must be a finite number/],
    ["a null value (NaN in JSON)", (t) => ((t.rows[3].curves.val_loss[2] = null), t), /rows\[3\]\.curves\.val_loss\[2\] must be a finite number/],
    ["a param value not in the grid", (t) => ((t.rows[4].params.lr = 0.02), t), /rows\[4\]\.params\.lr = 0\.02 is not one of the space's values/],
    ["a missing param", (t) => (delete t.rows[4].params.act, t), /rows\[4\]\.params\.act = undefined is not one of the space's values/],
  ])("rejects %s, naming the field", (_, mutate, message) => {
    const bad = mutate(rawTable());
    expect(() => parseLcTable(bad)).toThrow(LcTableError);
    expect(() => parseLcTable(bad)).toThrow(message);
  });
});

describe("snapIndex", () => {
  it.each<[string, TableParam, number | string | boolean, number]>([
    ["an exact grid value", lr, 0.01, 1],
    ["a value near the smallest, in log space", lr, 0.0031, 0],
    ["a value nearer the middle in log space than in linear", lr, 0.004, 1],
    ["the same value on a linear scale", lrLinear, 0.004, 0],
    ["a value below the grid", lr, 1e-9, 0],
    ["a non-positive value on a log scale", lr, -1, 0],
    ["a value above the grid", lr, 50, 2],
    ["a linear tie, to the smaller value", units, 1.5, 0],
    ["a linear tie split by rounding, to the smaller value", { ...lrLinear, values: [0.1, 0.3] }, 0.2, 0],
    ["an exact log-space tie (32 between 16 and 64), to the smaller value", batch, 32, 0],
    ["an exact log-space tie (128 between 64 and 256), to the smaller value", batch, 128, 1],
    ["a log-space tie (1e-4 between 1e-5 and 1e-3), to the smaller value", { ...lr, values: [1e-5, 1e-3, 1e-2] }, 1e-4, 0],
    ["just past a log-space tie, to the larger value", batch, 33, 1],
    ["a categorical value", act, "tanh", 1],
  ])("snaps %s", (_, p, x, index) => {
    expect(snapIndex(p, x)).toBe(index);
  });

  it.each<[string, TableParam, number | string | boolean, RegExp]>([
    ["an unknown categorical value", act, "gelu", /act: "gelu" is not one of \["relu","tanh"\]/],
    ["a string for a number", lr, "0.01", /lr must be a finite number, got "0.01"/],
    ["NaN", lr, NaN, /lr must be a finite number/],
  ])("rejects %s", (_, p, x, message) => {
    expect(() => snapIndex(p, x)).toThrow(LcTableError);
    expect(() => snapIndex(p, x)).toThrow(message);
  });
});

describe("snapRow and rowValue", () => {
  const table = parseLcTable(rawTable());

  it("finds the row of the grid point a configuration snaps to", () => {
    expect(snapRow(table, { lr: 0.01, units: 2, act: "relu" })).toBe(6);
    expect(snapRow(table, { lr: 0.004, units: 1.4, act: "tanh" })).toBe(5);
    table.rows.forEach((row, r) => expect(snapRow(table, row.params)).toBe(r));
  });

  it("rejects a configuration that lacks a parameter", () => {
    expect(() => snapRow(table, { lr: 0.01, units: 2 })).toThrow(/act is missing from the configuration/);
  });

  it("reads the value after epoch e from curves[metric][e − 1]", () => {
    expect([1, 2, 3].map((e) => rowValue(table, 4, e))).toEqual([7, 5, 6]);
  });

  it.each([0, 4, 1.5])("rejects epoch %d", (epoch) => {
    expect(() => rowValue(table, 0, epoch)).toThrow(/epoch must be in 1\.\.3/);
  });
});

describe("scores and targets", () => {
  it.each<[number, number]>([
    [0, 1],
    [1, 1],
    [10, 2],
    [25, 3],
    [50, 6],
    [100, 12],
  ])("takes the top %d% target as the score of the k-th best row, k = max(1, ⌈N·p/100⌉) (score %d)", (percent, target) => {
    // Row r's score is r + 1, so the k-th best score is k.
    expect(topTarget(parseLcTable(rawTable()), percent)).toBe(target);
  });

  it("scores each row by the best value of its whole curve, negated when maximizing", () => {
    const min = parseLcTable(rawTable());
    expect(Array.from(rowScores(min)).slice(0, 3)).toEqual([1, 2, 3]);
    const max = parseLcTable({ ...rawTable(), direction: "maximize" });
    expect(Array.from(rowScores(max)).slice(0, 3)).toEqual([-3, -4, -5]);
    // The best maximizing row is the last (its peak is 11 + 3); the second best peaks at 13.
    expect(topTarget(max, 10)).toBe(-13);
  });

  it.each([-1, 101, NaN])("rejects a target of %d%", (percent) => {
    expect(() => topTarget(parseLcTable(rawTable()), percent)).toThrow(/percent must be in \[0, 100\]/);
  });
});

describe("tableSpace", () => {
  it("spans each numeric parameter from its smallest to its largest grid value, keeping the grid, log and choices", () => {
    const space = tableSpace(parseLcTable(rawTable()));
    expect(space).toEqual([
      { type: "float", name: "lr", low: 0.001, high: 0.1, log: true, grid: [0.001, 0.01, 0.1] },
      { type: "int", name: "units", low: 1, high: 2, log: false, grid: [1, 2] },
      { type: "categorical", name: "act", choices: ["relu", "tanh"] },
    ]);
    expect(spaceProblems(space)).toEqual([]);
  });

  it("decodes every unit point to the grid value the table protocol snaps it to", () => {
    const table = parseLcTable(rawTable());
    const space = tableSpace(table);
    for (let k = 0; k <= 200; k++) {
      const u = k / 200;
      const params = decode(space, [u, u, u]);
      expect(table.rows[snapRow(table, params)].params).toEqual(params);
    }
  });
});

describe("the shipped digits-mlp table", () => {
  const path = fileURLToPath(new URL("./tables/digits-mlp.json", import.meta.url));
  const table = parseLcTable(JSON.parse(readFileSync(path, "utf8")));

  it("parses with 2268 rows, 7 parameters and 40 epochs of val_loss", () => {
    expect(table).toMatchObject({ name: "digits-mlp", metric: "val_loss", direction: "minimize", maxEpochs: 40 });
    expect(table.rows).toHaveLength(2268);
    expect(table.space.map((p) => p.name)).toEqual(["lr", "momentum", "batch_size", "width", "depth", "weight_decay", "dropout"]);
    expect(spaceProblems(tableSpace(table))).toEqual([]);
  });

  it("maps every row's own params back to that row", () => {
    table.rows.forEach((row, r) => {
      if (snapRow(table, row.params) !== r) expect.fail(`row ${r} snaps to row ${snapRow(table, row.params)}`);
    });
  });

  it("has targets that are ordered and above the best score", () => {
    const best = Math.min(...rowScores(table));
    expect(topTarget(table, 0)).toBe(best);
    expect(topTarget(table, 0.1)).toBeGreaterThanOrEqual(best);
    expect(topTarget(table, 1)).toBeGreaterThan(topTarget(table, 0.1));
    expect(best).toBeGreaterThan(0);
  });
});
