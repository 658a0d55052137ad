import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "./command";
import { parseLcTrace } from "./trace";
import { quantile, summarize } from "./summary";
import { tinyTable } from "./tiny-table.test-helper";

const dir = mkdtempSync(join(tmpdir(), "bench-test-"));

function tinyRaw(): Record<string, unknown> {
  const rows = [];
  for (const x of [1, 2, 4]) for (const c of ["a", "b"]) rows.push({ params: { x, c }, curves: { loss: [1, 0.5 + x / 10, 0.4 + x / 10, 0.6] } });
  return {
    format: "lc-table/1",
    name: "tiny",
    metric: "loss",
    direction: "minimize",
    max_epochs: 4,
    space: [
      { name: "x", type: "float", log: true, values: [1, 2, 4] },
      { name: "c", type: "categorical", values: ["a", "b"] },
    ],
    rows,
  };
}

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

let stderr: string[];
let stdout: string[];
beforeEach(() => {
  stderr = [];
  stdout = [];
  vi.spyOn(process.stderr, "write").mockImplementation((s) => (stderr.push(String(s)), true));
  vi.spyOn(process.stdout, "write").mockImplementation((s) => (stdout.push(String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe("bench command", () => {
  it("writes an lc-trace/1 file with one run per seed, each ending at the budget", () => {
    const table = write("tiny.json", tinyRaw());
    const out = join(dir, "out", "trace.json");
    expect(main(["--table", table, "--strategy", "random+asha", "--seeds", "3", "--budget-fte", "4", "--out", out])).toBe(0);
    const trace = parseLcTrace(JSON.parse(readFileSync(out, "utf8")));
    expect(trace.table).toBe("tiny");
    expect(trace.runs.map((r) => r.seed)).toEqual([0, 1, 2]);
    for (const run of trace.runs) expect(run.trace[run.trace.length - 1][0]).toBe(4);
  });

  it("runs seeds S..S+N-1 with --first-seed S, each as the run of that seed from 0 does", () => {
    const table = write("tiny.json", tinyRaw());
    const all = join(dir, "out", "all.json");
    const tail = join(dir, "out", "tail.json");
    expect(main(["--table", table, "--strategy", "random+asha", "--seeds", "4", "--budget-fte", "4", "--out", all])).toBe(0);
    expect(main(["--table", table, "--strategy", "random+asha", "--seeds", "2", "--first-seed", "2", "--budget-fte", "4", "--out", tail])).toBe(0);
    const runs = (f: string) => parseLcTrace(JSON.parse(readFileSync(f, "utf8"))).runs.map((r) => ({ seed: r.seed, trace: r.trace }));
    expect(runs(tail)).toEqual(runs(all).slice(2));
    expect(main(["--table", table, "--strategy", "random+asha", "--seeds", "1", "--first-seed", "-1", "--budget-fte", "4", "--out", tail])).toBe(2);
    expect(stderr.join("")).toMatch(/--first-seed must be an integer ≥ 0, got '-1'/);
  });

  it.each([
    ["a missing row", (t: Record<string, unknown>) => (t.rows as unknown[]).pop(), /table '.*' is malformed: rows has 5 entries but the grid has 6 combinations/],
    ["a short curve", (t: Record<string, unknown>) => ((t.rows as { curves: { loss: number[] } }[])[2].curves.loss = [1]), /rows\[2\]\.curves\.loss must have max_epochs \(4\) entries/],
    ["a wrong format", (t: Record<string, unknown>) => (t.format = "lc-table/2"), /format must be "lc-table\/1", got "lc-table\/2"/],
  ])("rejects a table with %s, saying what is wrong", (_, spoil, message) => {
    const raw = tinyRaw();
    spoil(raw);
    const table = write("bad-table.json", raw);
    expect(main(["--table", table, "--strategy", "random+fifo", "--seeds", "1", "--budget-fte", "1", "--out", join(dir, "x.json")])).toBe(2);
    expect(stderr.join("")).toMatch(message);
  });

  it("rejects a file that is not JSON, an unknown strategy and a bad seed count", () => {
    const table = write("tiny.json", tinyRaw());
    expect(main(["--table", write("broken.json", "{"), "--strategy", "random+fifo", "--seeds", "1", "--budget-fte", "1", "--out", "x"])).toBe(2);
    expect(main(["--table", table, "--strategy", "grid+fifo", "--seeds", "1", "--budget-fte", "1", "--out", "x"])).toBe(2);
    expect(main(["--table", table, "--strategy", "random+fifo", "--seeds", "0", "--budget-fte", "1", "--out", "x"])).toBe(2);
    expect(stderr.join("")).toMatch(/is not valid JSON[\s\S]*unknown sampler 'grid'[\s\S]*--seeds must be a positive integer, got '0'/);
  });

  it.each([
    ["points out of order", { runs: [{ seed: 0, seconds: 1, trace: [[0.5, 1], [0.25, 0.9]] }] }, /runs\[0\]\.trace\[1\]: fte 0.25 is below the previous point's 0.5/],
    ["a bad point", { runs: [{ seed: 0, seconds: 1, trace: [[0.5]] }] }, /runs\[0\]\.trace\[0\] must be a pair of finite numbers/],
    ["no runs", { runs: [] }, /runs must be a non-empty array/],
    ["another table", { table: "other" }, /trace is for table 'other', but the table given is 'tiny'/],
  ])("rejects a trace with %s, saying what is wrong", (_, patch, message) => {
    const table = write("tiny.json", tinyRaw());
    const trace = write("bad-trace.json", { format: "lc-trace/1", table: "tiny", budget_fte: 2, runs: [{ seed: 0, seconds: 1, trace: [[0.25, 1]] }], ...patch });
    expect(main(["--summary", trace, "--table", table])).toBe(2);
    expect(stderr.join("")).toMatch(message);
  });

  it("prints a summary with one row per trace file", () => {
    const table = write("tiny.json", tinyRaw());
    const a = write("a.json", { format: "lc-trace/1", table: "tiny", budget_fte: 100, runs: [{ seed: 0, seconds: 1, trace: [[0.25, 1], [1.5, 0.5], [100, 0.5]] }] });
    const b = write("b.json", { format: "lc-trace/1", table: "tiny", budget_fte: 100, runs: [{ seed: 0, seconds: 1, trace: [[0.25, 1], [100, 1]] }] });
    expect(main(["--summary", a, b, "--table", table])).toBe(0);
    const text = stdout.join("");
    expect(text).toMatch(/a\.json\s+1\s+1\.50 \[1\.50, 1\.50\]\s+0\/1/);
    expect(text).toMatch(/b\.json\s+1\s+100\.00 \[100\.00, 100\.00\]\s+1\/1/);
  });
});

describe("summarize", () => {
  it("takes the FTE of the first point at or below the target, counts misses as the budget, and reads regret at each budget", () => {
    const table = tinyTable();
    // The table's best is 0.1 (row 2a); top 1% of 6 rows is k = 1, so the target is 0.1.
    const trace = parseLcTrace({
      format: "lc-trace/1",
      table: "tiny",
      budget_fte: 10,
      runs: [
        { seed: 0, seconds: 0, trace: [[0.5, 0.7], [1.5, 0.1], [10, 0.1]] },
        { seed: 1, seconds: 0, trace: [[0.25, 0.9], [10, 0.9]] },
        { seed: 2, seconds: 0, trace: [[0.25, 0.3], [4.5, 0.1], [10, 0.1]] },
      ],
    });
    const s = summarize("t", trace, table);
    expect(s.targets[0]).toMatchObject({ percent: 1, target: 0.1, median: 4.5, missed: 1 });
    expect(s.regret.slice(0, 4).map((r) => (r === null ? r : Number(r.toFixed(6))))).toEqual([0.6, 0.2, 0, 0]);
    expect(s.regret.slice(4)).toEqual([null, null, null]);
  });

  it("interpolates quartiles between order statistics", () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
  });
});
