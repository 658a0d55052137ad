import { describe, expect, it } from "vitest";
import { SYNTHETIC_NOISY, syntheticDataset, syntheticTable } from "./synthetic-noisy";

const small = { ...SYNTHETIC_NOISY, trainRows: 2000, validationRows: 500 };

describe("synthetic-noisy", () => {
  it("is the same for the same design and differs for another seed", () => {
    const a = syntheticTable(small).table;
    expect(Array.from(syntheticTable(small).table.x)).toEqual(Array.from(a.x));
    expect(Array.from(syntheticTable(small).table.y)).toEqual(Array.from(a.y));
    expect(Array.from(syntheticTable({ ...small, seed: 14 }).table.y)).not.toEqual(Array.from(a.y));
  });

  it("holds out the design's validation rows and standardizes the training split", () => {
    const d = syntheticDataset("synthetic-noisy", small);
    expect(d.train.rows + d.validation.rows).toBe(2500);
    expect(Math.abs(d.validation.rows - 500)).toBeLessThanOrEqual(small.classes);
    const f = 7;
    let mean = 0;
    for (let r = 0; r < d.train.rows; r++) mean += d.train.x[r * d.features + f];
    expect(Math.abs(mean / d.train.rows)).toBeLessThan(1e-4);
  });

  it("draws noisy labels: every class occurs and the teacher's own loss is well above 0", () => {
    const { table, bayesLoss } = syntheticTable(small);
    const counts = new Array(small.classes).fill(0);
    for (const label of table.y) counts[label]++;
    expect(Math.min(...counts)).toBeGreaterThan(table.rows / (4 * small.classes));
    expect(bayesLoss).toBeGreaterThan(0.3);
    expect(bayesLoss).toBeLessThan(Math.log(small.classes));
  });

  it("makes the features correlated: the rotation mixes the latent scales", () => {
    const { table } = syntheticTable(small);
    const d = table.features;
    let cross = 0;
    for (let r = 0; r < table.rows; r++) cross += table.x[r * d] * table.x[r * d + 1];
    const variance = (f: number) => table.x.filter((_, i) => i % d === f).reduce((s, v) => s + v * v, 0);
    expect(Math.abs(cross) / Math.sqrt(variance(0) * variance(1))).toBeGreaterThan(0.05);
  });
});
