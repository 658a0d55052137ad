import { describe, expect, it } from "vitest";
import { STUDY_DEFAULTS } from "../api/study-defaults";
import { parseStudyFile, StudyFileError } from "./study-file";

const parse = (text: string) => parseStudyFile(text, "study.yaml").input;

function problemsOf(text: string): string[] {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof StudyFileError) return error.message.split("\n");
    throw error;
  }
  return [];
}

describe("study files", () => {
  it("reads a sweep-style YAML file into a study request", () => {
    const input = parse(`
name: digits sieve
objective: lc-table:digits-mlp
metric: {name: val_loss, goal: minimize}
method: random
parameters:
  lr: {min: 0.001, max: 1, distribution: log_uniform_values}
  momentum: {min: 0, max: 0.99}
  batch_size: {values: [16, 64, 256]}
  depth: {min: 1, max: 2, distribution: int_uniform}
  dropout: {min: 0, max: 0.4, q: 0.2, distribution: q_uniform}
  activation: {values: [relu, tanh]}
early_terminate: {patience: 5}
budget: {epochs: 2000}
parallelism: 2
seed: 7
`);
    expect(input).toMatchObject({ name: "digits sieve", objective: "lc-table:digits-mlp", strategy: "random+fifo", budget: { kind: "epochs", value: 2000 }, parallelism: 2, seed: 7, patience: 5 });
    expect(input.space).toEqual([
      { type: "float", name: "lr", low: 0.001, high: 1, log: true },
      { type: "float", name: "momentum", low: 0, high: 0.99, log: false },
      { type: "int", name: "batch_size", low: 16, high: 256, log: true, grid: [16, 64, 256] },
      { type: "int", name: "depth", low: 1, high: 2 },
      { type: "float", name: "dropout", low: 0, high: 0.4, log: false, grid: [0, 0.2, 0.4] },
      { type: "categorical", name: "activation", choices: ["relu", "tanh"] },
    ]);
  });

  it("reads JSON too, and a command study with its argv, metric and folder", () => {
    const input = parse(JSON.stringify({ name: "mine", command: ["python3", "train.py", "--lr", "{lr}"], metric: { name: "loss", goal: "minimize" }, max_epochs: 20, parameters: { lr: { min: 0.0001, max: 0.1, distribution: "log_uniform_values" } }, run_cap: 30 }));
    expect(input.objective).toBe("command");
    expect(input.strategy).toBe("sieve");
    expect(input.budget).toEqual({ kind: "trials", value: 30 });
    expect(input.command).toMatchObject({ argv: ["python3", "train.py", "--lr", "{lr}"], metric: "loss", direction: "minimize", maxEpochs: 20 });
  });

  it("reads the race's switches warm_start and schedules, and leaves them out when absent", () => {
    const off = parse("name: x\nobjective: mlp:wine\nmethod: sieve\nbudget: {epochs: 300}\nwarm_start: false\nschedules: false\n");
    expect(off).toMatchObject({ warmStart: false, schedules: false });
    const on = parse("name: x\nobjective: mlp:wine\nbudget: {epochs: 300}\nwarm_start: true\n");
    expect(on.warmStart).toBe(true);
    expect("schedules" in on).toBe(false);
  });

  it("maps schedule_decay's snake_case keys to the API's scheduleDecay, and leaves it out when absent", () => {
    const input = parse("name: x\nobjective: mlp:wine\nmethod: sieve\nschedule_decay: {param: lr, factor: 0.1, from: latest, last_rung: true, alongside: true}\n");
    expect(input.scheduleDecay).toEqual({ param: "lr", factor: 0.1, from: "latest", lastRung: true, alongside: true });
    expect(parse("name: x\nobjective: mlp:wine\nschedule_decay: {param: lr, factor: 0.5}\n").scheduleDecay).toEqual({ param: "lr", factor: 0.5 });
    expect("scheduleDecay" in parse("name: x\nobjective: mlp:wine\n")).toBe(false);
  });

  it("says a command can warm start when the file asks for warm starts or schedules, and leaves it to the placeholder otherwise", () => {
    const file = (extra: string) => `name: x\ncommand: [python3, train.py, --lr, "{lr}"]\nmax_epochs: 9\nparameters: {lr: {min: 0.01, max: 0.1}}\nbudget: {epochs: 90}\n${extra}`;
    expect(parse(file("warm_start: true\n")).command!.warmStart).toBe(true);
    expect(parse(file("schedules: true\n")).command!.warmStart).toBe(true);
    expect(parse(file("schedule_decay: {param: lr, factor: 0.1}\n")).command!.warmStart).toBe(true);
    expect("warmStart" in parse(file("warm_start: false\n")).command!).toBe(false);
    expect("warmStart" in parse(file("")).command!).toBe(false);
  });

  it("reads a command's protocol and its waiting limits, and leaves them out when absent", () => {
    const file = (extra: string) => `name: x\ncommand: [python3, train.py]\nmax_epochs: 9\nparameters: {lr: {min: 0.01, max: 0.1}}\nbudget: {epochs: 90}\n${extra}`;
    expect(parse(file("protocol: worker\nkeep_alive_ms: 60000\nmax_waiting: 2\n")).command).toMatchObject({ protocol: "worker", keepAliveMs: 60000, maxWaiting: 2 });
    expect(parse(file("protocol: persistent\n")).command!.protocol).toBe("persistent");
    const plain = parse(file("protocol: per-job\n")).command!;
    expect(["protocol", "keepAliveMs", "maxWaiting"].filter((k) => k in plain)).toEqual([]);
  });

  it.each([
    ["an unknown protocol", "name: x\ncommand: [python3, train.py]\nmax_epochs: 9\nparameters: {lr: {min: 0.01, max: 0.1}}\nbudget: {epochs: 90}\nprotocol: stdin\n", /study\.yaml:6: protocol: must be per-job \(a new process for every job\), persistent/],
    ["a negative max_waiting", "name: x\ncommand: [python3, train.py]\nmax_epochs: 9\nparameters: {lr: {min: 0.01, max: 0.1}}\nbudget: {epochs: 90}\nmax_waiting: -1\n", /study\.yaml:6: max_waiting: must be an integer ≥ 0/],
    ["a warm_start that is not a boolean", "name: x\nobjective: mlp:wine\nbudget: {trials: 3}\nwarm_start: \"no\"\n", /study\.yaml:4: warm_start: must be true or false/],
    ["schedules given as a number", "name: x\nobjective: mlp:wine\nschedules: 0\nbudget: {trials: 3}\n", /study\.yaml:3: schedules: must be true or false/],
    ["a schedule_decay that is not a mapping", "name: x\nobjective: mlp:wine\nschedule_decay: lr\n", /study\.yaml:3: schedule_decay: must be a mapping such as \{param: lr, factor: 0\.1/],
    ["an unknown key of schedule_decay", "name: x\nobjective: mlp:wine\nschedule_decay:\n  param: lr\n  factor: 0.1\n  lastRung: true\n", /study\.yaml:6: schedule_decay\.lastRung: unknown key 'lastRung' \(known: param, factor, from, last_rung, alongside\)/],
    ["a missing name", "objective: synthetic:branin\nbudget: {trials: 3}\n", /study\.yaml:1: name: is required/],
    ["min above max", "name: x\nobjective: synthetic:branin\nparameters:\n  x1: {min: 5, max: -5}\nbudget: {trials: 3}\n", /study\.yaml:4: parameters\.x1\.min: min 5 exceeds max -5/],
    ["an unknown distribution", "name: x\nobjective: synthetic:branin\nparameters:\n  x1: {min: 0, max: 1, distribution: normal}\nbudget: {trials: 3}\n", /:4: parameters\.x1\.distribution: must be one of/],
    ["a command given as one string", "name: x\ncommand: python train.py --lr {lr}\nbudget: {trials: 3}\n", /:2: command: must be a list of arguments/],
    ["a budget in hours", "name: x\nobjective: synthetic:branin\nbudget: {hours: 3}\n", /:3: budget: must be \{epochs: N\} or \{trials: N\}/],
    ["an unknown field", "name: x\nobjective: synthetic:branin\nbudget: {trials: 3}\ncolour: red\n", /:4: colour: unknown field/],
    ["a YAML syntax error", "name: [x\n", /study\.yaml:\d+: \(syntax\)/],
  ])("rejects %s with the line and the field", (_label, text, message) => {
    expect(problemsOf(text).join("\n")).toMatch(message);
  });

  it("takes the defaults every way in shares when a file leaves them out: the sieve, parallelism 4, seed 0, no budget (the objective's)", () => {
    const input = parse("name: x\nobjective: synthetic:branin\n");
    expect(input).toMatchObject({ strategy: STUDY_DEFAULTS.strategy, parallelism: STUDY_DEFAULTS.parallelism, seed: STUDY_DEFAULTS.seed, epochDelayMs: STUDY_DEFAULTS.epochDelayMs });
    expect("budget" in input).toBe(false);
  });

  it("expands W&B's command macros into argv with placeholders, and runs W&B's default command for a bare program", () => {
    const file = (command: string) => `name: x\nprogram: train.py\n${command}max_epochs: 9\nparameters:\n  lr: {min: 0.01, max: 0.1}\n  opt: {values: [sgd, adam]}\n`;
    expect(parse(file("")).command!.argv).toEqual(["/usr/bin/env", "python3", "train.py", "--lr={lr}", "--opt={opt}"]);
    const custom = parse(file("command:\n  - ${env}\n  - python3\n  - ${program}\n  - --epochs\n  - '{epochs}'\n  - ${args_no_hyphens}\n"));
    expect(custom.command!.argv).toEqual(["/usr/bin/env", "python3", "train.py", "--epochs", "{epochs}", "lr={lr}", "opt={opt}"]);
    expect(custom.objective).toBe("command");
  });

  it("maps hyperband early_terminate onto the race's rungs: min_iter, or max_iter / eta^s, and gives W&B's methods the race", () => {
    const base = "name: x\ncommand: [python3, train.py]\nmax_epochs: 27\nparameters: {lr: {min: 0.01, max: 0.1}}\n";
    expect(parse(`${base}method: random\nearly_terminate: {type: hyperband, min_iter: 3, eta: 3}\n`)).toMatchObject({ strategy: "random+race", eta: 3, minEpochs: 3 });
    expect(parse(`${base}method: bayes\nearly_terminate: {type: hyperband, max_iter: 27, s: 2, eta: 3}\n`)).toMatchObject({ strategy: "tpe+race", eta: 3, minEpochs: 3 });
    expect(parse(`${base}early_terminate: {type: hyperband, min_iter: 2, patience: 4}\n`)).toMatchObject({ strategy: "sieve", eta: 3, minEpochs: 2, patience: 4 });
    expect(parse(`${base}method: tpe+asha\nearly_terminate: {type: hyperband, min_iter: 1, eta: 2}\n`)).toMatchObject({ strategy: "tpe+asha", eta: 2, minEpochs: 1 });
  });

  it("reads description as the notes, tags, and keep_checkpoints", () => {
    const input = parse("name: x\nobjective: mlp:wine\ndescription: first try\ntags: [baseline, 2024]\nkeep_checkpoints: all\n");
    expect(input).toMatchObject({ notes: "first try", tags: ["baseline", "2024"], keepCheckpoints: "all" });
  });

  const command = "name: x\nmax_epochs: 9\nparameters: {lr: {min: 0.01, max: 0.1}}\n";
  it.each([
    ["${args_json}", `${command}command: [python3, train.py, "\${args_json}"]\n`, /study\.yaml:4: command\.2: the macro \$\{args_json\} is not supported: .*HYPERSIEVE_PARAMS/],
    ["a macro inside an argument", `${command}command: [python3, "--x=\${args}"]\n`, /:4: command\.1: a macro such as \$\{args\} must be a list item of its own/],
    ["${program} without a program", `${command}command: [python3, "\${program}"]\n`, /:4: command\.1: \$\{program\} needs a top-level program/],
    ["an unknown macro", `${command}command:\n  - \${python}\n`, /:5: command\.0: the macro \$\{python\} is not supported/],
    ["an early_terminate of another type", `${command}command: [a]\nearly_terminate:\n  type: envelope\n`, /:6: early_terminate\.type: 'envelope' is not supported: only hyperband/],
    ["s with min_iter", `${command}command: [a]\nearly_terminate: {type: hyperband, min_iter: 1, s: 2}\n`, /:5: early_terminate\.s: is not supported with min_iter/],
    ["max_iter unlike max_epochs", `${command}command: [a]\nearly_terminate: {type: hyperband, max_iter: 27, s: 2}\n`, /:5: early_terminate\.max_iter: 27 differs from the 9 epochs of one full training/],
    ["hyperband on a scheduler without rungs", `${command}command: [a]\nmethod: random+fifo\nearly_terminate: {type: hyperband, min_iter: 1}\n`, /early_terminate\.type: hyperband needs a scheduler with rungs .*random\+fifo/],
    ["grid search", "name: x\nobjective: mlp:wine\nmethod: grid\n", /:3: method: grid search is not supported/],
    ["W&B's project", "name: x\nobjective: mlp:wine\nproject: mine\n", /:3: project: W&B's project has no meaning here/],
    ["keep_checkpoints of another kind", "name: x\nobjective: mlp:wine\nkeep_checkpoints: some\n", /:3: keep_checkpoints: must be best-and-newest or all/],
  ])("refuses %s, naming the line and what is unsupported", (_label, text, message) => {
    expect(problemsOf(text).join("\n")).toMatch(message);
  });
});
