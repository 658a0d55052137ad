import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-cli-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const bin = path.resolve("bin/hypersieve.mjs");

function hypersieve(args: string[]) {
  // Run from another folder, as a user would: paths resolve against it, tables against the package.
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, HYPERSIEVE_DB: "cli.db" }, encoding: "utf8", timeout: 60_000 });
}

describe("the hypersieve command", () => {
  it("runs a study file headless, prints the best trial, and exports it", () => {
    fs.writeFileSync(path.join(dir, "branin.yaml"), "name: cli branin\nobjective: synthetic:branin\nmethod: random+asha\nbudget: {epochs: 300}\nseed: 2\n");
    const run = hypersieve(["run", "branin.yaml"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^best trial #\d+: loss = [\d.]+ at epoch \d+/);
    expect(run.stderr).toMatch(/100%\s+300 epochs/);
    expect(fs.existsSync(path.join(dir, "cli.db"))).toBe(true);
    const csv = hypersieve(["export", "1", "--format", "csv", "--what", "measurements"]);
    expect(csv.status).toBe(0);
    expect(csv.stdout.trim().split("\n")).toHaveLength(301);
  });

  it("rejects a bad study file with exit code 2, naming the line and field, and creates no study", () => {
    fs.writeFileSync(path.join(dir, "bad.yaml"), "name: bad\nobjective: synthetic:branin\nparameters:\n  x1: {min: -5, max: 99}\nbudget: {trials: 2}\n");
    const run = hypersieve(["run", "bad.yaml"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:4: parameters\.x1\.max: x1: high 99 is above the objective's 10/);
    expect(hypersieve(["export", "2"]).stderr).toMatch(/study 2 does not exist/);
  });
});
