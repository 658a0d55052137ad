import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStudyRecord, getStudySummary, getTrialRecords, tableCounts } from "@/db/queries";
import { closeTempDatabase, useTempDatabase, waitFor } from "@/test/temp-db";
import { POST as postStudy } from "./route";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const fixture = path.resolve("lib/objectives/test-fixtures/train-fixture.mjs");

function post(body: unknown): Request {
  return new Request("http://127.0.0.1/api/studies", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** A W&B-style study file for the fixture program, with macros and hyperband, in a folder of its own. */
function yamlFor(dir: string): string {
  return [
    "name: one dialect",
    "description: the same file through the CLI and the API",
    "tags: [dialect, fixture]",
    `program: ${fixture}`,
    "command:",
    `  - ${process.execPath}`,
    "  - ${program}",
    "  - ${args}",
    "  - --epochs",
    "  - '{epochs}'",
    "  - --delay",
    "  - '0'",
    `cwd: ${dir}`,
    "metric: {name: value, goal: minimize}",
    "method: random",
    "parameters:",
    "  lr: {min: 0.01, max: 0.5}",
    "max_epochs: 9",
    "early_terminate: {type: hyperband, max_iter: 9, s: 2, eta: 3}",
    "run_cap: 6",
    "parallelism: 1",
    "seed: 11",
    "",
  ].join("\n");
}

const COMPARED = ["name", "objective", "metric", "direction", "strategy", "space", "budgetKind", "budgetValue", "maxEpochs", "parallelism", "seed", "patience", "schedulerSettings", "epochDelayMs", "objectiveConfig", "keepCheckpoints", "notes", "tags", "status"] as const;

describe("POST /api/studies with a study file", () => {
  it("makes the same study from the same YAML as hypersieve run: settings, trials and values", async () => {
    const cliDir = fs.mkdtempSync(path.join(where.dir, "cli-"));
    fs.writeFileSync(path.join(cliDir, "study.yaml"), yamlFor(cliDir));
    const cli = spawnSync(process.execPath, [path.resolve("bin/hypersieve.mjs"), "run", "study.yaml"], { cwd: cliDir, env: { ...process.env, HYPERSIEVE_DB: "cli.db" }, encoding: "utf8", timeout: 120_000 });
    expect(cli.status, cli.stderr).toBe(0);

    const response = await postStudy(post({ studyFile: yamlFor(cliDir) }));
    expect(response.status).toBe(201);
    const created = await response.json();
    await waitFor(() => getStudySummary(created.id)!.status === "completed", 60_000, "the API's study to complete");

    const cliDb = new Database(path.join(cliDir, "cli.db"), { readonly: true });
    try {
      const row = cliDb.prepare("select * from studies").get() as Record<string, unknown>;
      const cliStudy = {
        name: row.name, objective: row.objective, metric: row.metric, direction: row.direction, strategy: row.strategy, space: JSON.parse(row.space as string),
        budgetKind: row.budget_kind, budgetValue: row.budget_value, maxEpochs: row.max_epochs, parallelism: row.parallelism, seed: row.seed, patience: row.patience,
        schedulerSettings: JSON.parse(row.scheduler_settings as string), epochDelayMs: row.epoch_delay_ms, objectiveConfig: JSON.parse(row.objective_config as string),
        keepCheckpoints: row.keep_checkpoints, notes: row.notes, tags: JSON.parse(row.tags as string), status: row.status,
      };
      const apiRecord = getStudyRecord(created.id)!;
      const apiStudy = Object.fromEntries(COMPARED.map((k) => [k, apiRecord[k]]));
      expect(apiStudy).toEqual(cliStudy);
      expect(apiStudy).toMatchObject({ strategy: "random+race", schedulerSettings: { eta: 3, minEpochs: 1 }, budgetValue: 6, notes: "the same file through the CLI and the API", tags: ["dialect", "fixture"] });
      expect((apiStudy.objectiveConfig as { argv: string[] }).argv).toEqual([process.execPath, fixture, "--lr={lr}", "--epochs", "{epochs}", "--delay", "0"]);

      const cliTrials = (cliDb.prepare("select number, params, status, best_value, last_epoch from trials order by number").all() as Record<string, unknown>[]).map((t) => ({
        number: t.number, params: JSON.parse(t.params as string), status: t.status, bestValue: t.best_value, epochs: t.last_epoch,
      }));
      const apiTrials = getTrialRecords(created.id).map((t) => ({ number: t.number, params: t.params, status: t.status, bestValue: t.bestValue, epochs: t.lastEpoch }));
      expect(cliTrials.length).toBe(6);
      expect(apiTrials).toEqual(cliTrials);
    } finally {
      cliDb.close();
    }
  }, 180_000);

  it("answers a dry run with the study the file would make, defaults filled in, and writes nothing", async () => {
    const before = tableCounts();
    const response = await postStudy(post({ studyFile: "name: preview\nobjective: synthetic:branin\n", dryRun: true }));
    expect(response.status).toBe(200);
    const preview = await response.json();
    expect(preview).toMatchObject({ name: "preview", objective: "synthetic:branin", strategy: "sieve", parallelism: 4, seed: 0, epochDelayMs: 0, keepCheckpoints: "best-and-newest", patience: null });
    expect(preview.budget).toEqual(preview.maxEpochs > 1 ? { kind: "epochs", value: 50 * preview.maxEpochs } : { kind: "trials", value: 100 });
    expect(preview.space.map((p: { name: string }) => p.name)).toEqual(["x1", "x2"]);
    expect(tableCounts()).toEqual(before);
  });

  it.each([
    ["a YAML syntax error", "name: [x\n", /studyFile:\d+: \(syntax\)/, null],
    ["a budget in hours", "name: x\nobjective: synthetic:branin\nbudget: {hours: 3}\n", /studyFile:3: budget: must be \{epochs: N\} or \{trials: N\}/, 3],
    ["a refused macro", "name: x\nmax_epochs: 3\nparameters: {lr: {min: 0.1, max: 0.2}}\ncommand:\n  - python3\n  - ${args_json}\n", /studyFile:6: command\.1: the macro \$\{args_json\} is not supported/, 6],
    ["a range wider than the objective's", "name: x\nobjective: synthetic:branin\nparameters:\n  x1: {min: -50, max: 10}\n  x2: {min: 0, max: 15}\n", /studyFile:4: parameters\.x1\.min: x1: low -50 is below the objective's -5/, 4],
    ["an unknown strategy", "name: x\nobjective: synthetic:branin\nmethod: magic+fifo\n", /studyFile:3: method: unknown sampler 'magic'/, 3],
    ["a schedule_decay factor of 1", "name: x\nobjective: mlp:wine\nschedule_decay:\n  param: lr\n  factor: 1\n", /studyFile:5: schedule_decay\.factor: must be a positive number other than 1/, 5],
    ["a schedule_decay last_rung that is not a boolean", "name: x\nobjective: mlp:wine\nschedule_decay:\n  param: lr\n  factor: 0.1\n  last_rung: yes please\n", /studyFile:6: schedule_decay\.last_rung: /, 6],
    ["a schedule_decay of a categorical param", "name: x\nobjective: mlp:wine\nschedule_decay:\n  param: optimizer\n  factor: 0.1\n", /studyFile:4: schedule_decay\.param: 'optimizer' is categorical/, 4],
    ["a schedule_decay with schedules off", "name: x\nobjective: mlp:wine\nschedules: false\nschedule_decay: {param: lr, factor: 0.1}\n", /studyFile:4: schedule_decay: is a rule for the race's schedules/, 4],
    ["a name with a right-to-left override", "name: \"a\\u202eb\"\nobjective: synthetic:branin\n", /studyFile:1: name: must not contain bidirectional control characters/, 1],
  ])("rejects %s with a 400 naming the line, writing nothing", async (_label, studyFile, message, line) => {
    const before = tableCounts();
    const response = await postStudy(post({ studyFile }));
    expect(response.status).toBe(400);
    const json = await response.json();
    expect(json.error).toMatch(message);
    if (line !== null) expect(json.issues[0].line).toBe(line);
    expect(tableCounts()).toEqual(before);
  });

  it("previews a schedule_decay as the API's scheduleDecay, the race's defaults filled in and schedules on", async () => {
    const before = tableCounts();
    const response = await postStudy(post({ studyFile: "name: decay\nobjective: mlp:wine\nschedule_decay: {param: lr, factor: 0.1, last_rung: true}\n", dryRun: true }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ schedules: true, scheduleDecay: { param: "lr", factor: 0.1, from: "best", lastRung: true, alongside: false } });
    expect(tableCounts()).toEqual(before);
  });

  it("rejects a study-file body with other fields, naming them", async () => {
    const response = await postStudy(post({ studyFile: "name: x\nobjective: synthetic:branin\n", name: "y" }));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/name|Unrecognized key/);
  });
});
