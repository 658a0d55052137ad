import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-cli-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const bin = path.resolve("bin/hypersieve.mjs");
const fixture = path.resolve("lib/objectives/test-fixtures/train-fixture.mjs");

function hypersieve(args: string[], timeout = 60_000) {
  // Run from another folder, as a user would: paths resolve against it, tables against the package.
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, HYPERSIEVE_DB: "cli.db" }, encoding: "utf8", timeout });
}

/** A study file for the fixture program, which saves epoch-<e>.pt to --checkpoint-dir and loads the file --resume-from names. */
function fixtureStudy(file: string, settings: { name: string; flags: string[]; method: string; budget: string; parallelism: number }) {
  const command = [process.execPath, fixture, "--lr", "{lr}", "--epochs", "{epochs}", "--delay", "0", ...settings.flags];
  fs.writeFileSync(
    path.join(dir, file),
    [
      `name: ${settings.name}`,
      `command: ${JSON.stringify(command)}`,
      "parameters:",
      "  lr: {min: 0.01, max: 0.5}",
      "max_epochs: 9",
      `method: ${settings.method}`,
      `budget: ${settings.budget}`,
      `parallelism: ${settings.parallelism}`,
      "seed: 4",
      "",
    ].join("\n"),
  );
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

  it("exits 1 when every trial fails, printing the failure count and the last stderr lines", () => {
    fixtureStudy("crash.yaml", { name: "every trial fails", flags: ["--crash-at", "1"], method: "random", budget: "{trials: 40}", parallelism: 2 });
    const run = hypersieve(["run", "crash.yaml"], 120_000);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/· 5 failed ·/);
    expect(run.stderr).toMatch(/study \d+ failed: 5 of the last 5 finished jobs failed/);
    expect(run.stderr).toContain("RuntimeError: boom at epoch 1");
    expect(run.stdout).not.toMatch(/best trial/);
  });

  // The reported bug: {resume_from} is a folder, the program takes a file, so every promoted trial crashed.
  it("exits 3 when every resumed trial crashed, saying why the best trial is not trustworthy", () => {
    const flags = ["--checkpoint-dir", "{checkpoint_dir}", "--resume-from", "{resume_from}"];
    fixtureStudy("folder.yaml", { name: "folder for a file", flags, method: "random+asha", budget: "{epochs: 30}", parallelism: 1 });
    const run = hypersieve(["run", "folder.yaml"], 120_000);
    expect(run.stdout).toMatch(/^best trial #\d+: value = [\d.]+ at epoch 1\n/);
    expect(run.stderr).toMatch(/not trustworthy/);
    expect(run.stderr).toMatch(/\d+ of the \d+ trials that went on from a checkpoint failed doing so/);
    expect(run.stderr).toMatch(/EISDIR/);
    expect(run.status).toBe(3);
  });

  it("runs the same program with {resume_file} and nothing but the study file, exiting 0", () => {
    const flags = ["--checkpoint-dir", "{checkpoint_dir}", "--resume-from", "{resume_file}"];
    fixtureStudy("file.yaml", { name: "file for a file", flags, method: "random+asha", budget: "{epochs: 30}", parallelism: 1 });
    const run = hypersieve(["run", "file.yaml"], 120_000);
    expect(run.stderr).toMatch(/· 0 failed ·/);
    expect(run.stderr).not.toMatch(/not trustworthy/);
    expect(run.stdout).toMatch(/^best trial #\d+: value = [\d.]+ at epoch ([3-9])\n/);
    expect(run.status).toBe(0);
  });
});
