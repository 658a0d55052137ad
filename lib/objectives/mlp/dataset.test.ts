import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { DATASETS_DIR, loadDataset, parseCsv, prepareDataset, splitSeed, standardize, stratifiedSplit, DATASET_IDS } from "./dataset";

function classCounts(y: Int32Array, rows: number[] | null, classes: number): number[] {
  const counts = new Array(classes).fill(0);
  for (const r of rows ?? Array.from(y.keys())) counts[y[r]]++;
  return counts;
}

describe("parseCsv", () => {
  it("reads features row-major and the label from the last column", () => {
    const t = parseCsv("a,b,label\n1,2,0\n3.5,-4,2\n\n");
    expect(t.rows).toBe(2);
    expect(t.features).toBe(2);
    expect(t.classes).toBe(3);
    expect(Array.from(t.x)).toEqual([1, 2, 3.5, -4]);
    expect(Array.from(t.y)).toEqual([0, 2]);
    expect(t.featureNames).toEqual(["a", "b"]);
  });

  it.each([
    ["a,label\n1,0\n2", /line 3 has 1 cells/],
    ["a,label\nx,0", /column a: 'x' is not a finite number/],
    ["a,label\n1,1.5", /label '1.5'/],
    ["a,label\n", /header row and at least one sample/],
  ])("rejects %j", (text, message) => {
    expect(() => parseCsv(text)).toThrow(message);
  });
});

describe("stratifiedSplit", () => {
  it("keeps each class's share within one row and is the same on every call", () => {
    const y = Int32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : i < 90 ? 1 : 2));
    const a = stratifiedSplit(y, 3, 0.3, 7);
    const b = stratifiedSplit(y, 3, 0.3, 7);
    expect(a).toEqual(b);
    expect(classCounts(y, a.validation, 3)).toEqual([21, 6, 3]);
    expect(new Set([...a.train, ...a.validation]).size).toBe(100);
    expect(a.train.length + a.validation.length).toBe(100);
    expect(stratifiedSplit(y, 3, 0.3, 8).validation).not.toEqual(a.validation);
  });
});

describe("standardize", () => {
  it("gives the training split zero mean and unit std, maps a constant column to 0, and reuses the training stats", () => {
    const train = { x: Float32Array.from([1, 5, 3, 5, 5, 5]), y: new Int32Array(3), rows: 3 };
    const other = { x: Float32Array.from([5, 7]), y: new Int32Array(1), rows: 1 };
    const { mean, std } = standardize(train, [other], 2);
    expect(Array.from(mean)).toEqual([3, 5]);
    expect(std[1]).toBe(1);
    const col0 = [train.x[0], train.x[2], train.x[4]];
    expect(col0.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 6);
    expect(col0.reduce((s, v) => s + v * v, 0) / 3).toBeCloseTo(1, 6);
    expect([train.x[1], train.x[3], train.x[5]]).toEqual([0, 0, 0]);
    expect(other.x[0]).toBeCloseTo(2 / std[0], 6);
    expect(other.x[1]).toBe(2);
  });
});

describe("shipped datasets", () => {
  it.each(DATASET_IDS.map((id) => [id]))("%s: a fixed stratified 70/30 split with the documented shape", (id) => {
    const shapes = { digits: [1797, 64, 10], "breast-cancer": [569, 30, 2], wine: [178, 13, 3] } as const;
    const d = loadDataset(id);
    const [rows, features, classes] = shapes[id];
    expect([d.train.rows + d.validation.rows, d.features, d.classes]).toEqual([rows, features, classes]);
    const all = new Int32Array([...d.train.y, ...d.validation.y]);
    const total = classCounts(all, null, classes);
    const validation = classCounts(d.validation.y, null, classes);
    for (let c = 0; c < classes; c++) expect(Math.abs(validation[c] - 0.3 * total[c])).toBeLessThanOrEqual(0.5);
    // Another process (a worker) reading the file again gets the identical split and scaling.
    const again = prepareDataset(id, parseCsv(fs.readFileSync(path.join(DATASETS_DIR, `${id}.csv`), "utf8")));
    expect(again.validation.x).toEqual(d.validation.x);
    expect(again.train.y).toEqual(d.train.y);
  });

  it("standardizes digits with the training split: train means are ~0", () => {
    const d = loadDataset("digits");
    let worst = 0;
    for (let f = 0; f < d.features; f++) {
      let s = 0;
      for (let r = 0; r < d.train.rows; r++) s += d.train.x[r * d.features + f];
      worst = Math.max(worst, Math.abs(s / d.train.rows));
    }
    expect(worst).toBeLessThan(1e-5);
  });
});


describe("the split of each shipped dataset", () => {
  // Pinned: a different split would silently change every stored study's numbers.
  it.each(DATASET_IDS.map((id) => [id]))("%s keeps its first validation rows", (id) => {
    const table = parseCsv(fs.readFileSync(path.join(DATASETS_DIR, `${id}.csv`), "utf8"));
    const { validation } = stratifiedSplit(table.y, table.classes, 0.3, splitSeed(id));
    expect(validation.slice(0, 6)).toEqual(PINNED[id]);
  });
});

const PINNED: Record<string, number[]> = {
  digits: [6, 15, 17, 19, 21, 24],
  "breast-cancer": [1, 7, 11, 14, 15, 24],
  wine: [2, 8, 9, 12, 20, 22],
};
