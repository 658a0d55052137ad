/**
 * Study files: YAML or JSON study definitions in the shape people know from
 * sweep configs (name, metric {name, goal}, method, parameters with
 * min/max/distribution or values, command, early_terminate), turned into a
 * study request. Every problem names the file's line and the field.
 */
import path from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { COMMAND_PROTOCOLS, DEFAULT_COMMAND_PROTOCOL } from "../api/command";
import type { CreateStudyInput, ParamDef } from "../api/schemas";
import { KEEP_CHECKPOINTS, STUDY_DEFAULTS } from "../api/study-defaults";
import { earlyTerminateOf, expandCommand, strategyWithRungs, type EarlyTerminate, type Problem } from "./sweep-compat";

/** A study file that cannot be used; `problems` each name a line and a field. */
export class StudyFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { line: number | null; field: string; message: string }[],
  ) {
    super(problems.map((p) => `${file}${p.line ? `:${p.line}` : ""}: ${p.field}: ${p.message}`).join("\n"));
    this.name = "StudyFileError";
  }
}

const METHODS: Record<string, string> = { random: "random+fifo", bayes: "tpe+fifo", tpe: "tpe+fifo", sobol: "sobol+fifo", sieve: "sieve" };
/** Fields of W&B sweep configs that mean nothing here, with what to do instead. */
const REFUSED_FIELDS: Record<string, string> = {
  project: "W&B's project has no meaning here; label the study with tags: [...] instead",
  entity: "W&B's entity has no meaning here; remove it",
  controller: "W&B's controller has no meaning here: the server (or hypersieve run) drives the study; remove it",
};
const DISTRIBUTIONS = ["uniform", "log_uniform_values", "int_uniform", "q_uniform", "q_log_uniform_values", "categorical", "constant"] as const;
const TOP_LEVEL = new Set([
  "name", "objective", "metric", "method", "parameters", "command", "program", "cwd", "max_epochs", "early_terminate", "budget", "run_cap",
  "parallelism", "seed", "epoch_delay_ms", "warm_start", "schedules", "schedule_decay", "description", "tags", "keep_checkpoints", "protocol", "keep_alive_ms", "max_waiting",
]);


function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Coefficient of variation of the gaps between sorted values: 0 for an evenly spaced grid. */
function spread(sorted: readonly number[]): number {
  const gaps = sorted.slice(1).map((v, i) => v - sorted[i]);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  return mean > 0 ? sd / mean : Infinity;
}

/** One parameter of the file as a space parameter, or the problems with it; `base` is the objective's own definition, if any. */
function parameterOf(name: string, raw: unknown, problems: Problem[], base?: ParamDef): ParamDef | null {
  const at = (...rest: (string | number)[]) => ["parameters", name, ...rest];
  if (!isRecord(raw)) {
    problems.push({ path: at(), message: "must be a mapping such as {min: 0.001, max: 1, distribution: log_uniform_values} or {values: [...]}" });
    return null;
  }
  const known = new Set(["min", "max", "distribution", "values", "value", "q"]);
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push({ path: at(key), message: `unknown key '${key}' (known: ${[...known].join(", ")})` });
  if ("value" in raw) {
    const v = raw.value;
    if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") problems.push({ path: at("value"), message: "must be a number, string or boolean" });
    else return { type: "categorical", name, choices: [v] };
    return null;
  }
  if ("values" in raw) {
    const values = raw.values;
    if (!Array.isArray(values) || values.length === 0) {
      problems.push({ path: at("values"), message: "must be a non-empty list" });
      return null;
    }
    const bad = values.findIndex((v) => typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean");
    if (bad >= 0) {
      problems.push({ path: at("values", bad), message: "must be a number, string or boolean" });
      return null;
    }
    if (values.every((v) => typeof v === "number" && Number.isFinite(v)) && raw.distribution !== "categorical") {
      const grid = [...new Set(values as number[])].sort((a, b) => a - b);
      const int = grid.every(Number.isInteger);
      // A grid spaced evenly on a log scale (16, 64, 256) is a log-scale parameter.
      const log = grid[0] > 0 && grid.length > 2 && spread(grid.map(Math.log)) < spread(grid);
      return { type: int ? "int" : "float", name, low: grid[0], high: grid[grid.length - 1], log, grid };
    }
    return { type: "categorical", name, choices: values as (string | number | boolean)[] };
  }
  const { min, max } = raw;
  if (typeof min !== "number" || !Number.isFinite(min)) problems.push({ path: at("min"), message: "must be a finite number (or give values: [...])" });
  if (typeof max !== "number" || !Number.isFinite(max)) problems.push({ path: at("max"), message: "must be a finite number (or give values: [...])" });
  if (typeof min !== "number" || typeof max !== "number" || !Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (min > max) {
    problems.push({ path: at("min"), message: `min ${min} exceeds max ${max}` });
    return null;
  }
  // Without a distribution, follow the objective's own parameter, else the sweep-config convention (integers → int_uniform).
  const implied = base && base.type !== "categorical" ? (base.type === "int" ? "int_uniform" : base.log ? "log_uniform_values" : "uniform") : undefined;
  const distribution = raw.distribution ?? implied ?? (Number.isInteger(min) && Number.isInteger(max) ? "int_uniform" : "uniform");
  if (typeof distribution !== "string" || !(DISTRIBUTIONS as readonly string[]).includes(distribution)) {
    problems.push({ path: at("distribution"), message: `must be one of ${DISTRIBUTIONS.join(", ")}` });
    return null;
  }
  const log = distribution === "log_uniform_values" || distribution === "q_log_uniform_values";
  if (log && min <= 0) {
    problems.push({ path: at("min"), message: `${distribution} needs min > 0` });
    return null;
  }
  if (distribution === "int_uniform") {
    if (!Number.isInteger(min) || !Number.isInteger(max)) {
      problems.push({ path: at("min"), message: "int_uniform needs integer min and max" });
      return null;
    }
    return { type: "int", name, low: min, high: max, ...(base?.type === "int" && base.log && raw.distribution === undefined ? { log: true } : {}) };
  }
  if (distribution === "q_uniform" || distribution === "q_log_uniform_values") {
    const q = raw.q ?? 1;
    if (typeof q !== "number" || !(q > 0)) {
      problems.push({ path: at("q"), message: "must be a positive number" });
      return null;
    }
    const grid: number[] = [];
    for (let k = 0; min + k * q <= max + 1e-9 * Math.abs(max) && grid.length <= 1000; k++) grid.push(Number((min + k * q).toPrecision(12)));
    if (grid.length > 1000) {
      problems.push({ path: at("q"), message: "gives more than 1000 values; use a larger q or a continuous distribution" });
      return null;
    }
    return { type: "float", name, low: grid[0], high: grid[grid.length - 1], log, grid };
  }
  return { type: "float", name, low: min, high: max, log };
}

/** A schedule_decay's keys and the API's names for them; the API's schema checks the values. */
const SCHEDULE_DECAY_KEYS: Record<string, string> = { param: "param", factor: "factor", from: "from", last_rung: "lastRung", alongside: "alongside" };

/** The file's schedule_decay as the API's scheduleDecay (snake_case keys renamed), or undefined with the problems. */
function scheduleDecayOf(raw: unknown, problems: Problem[]): CreateStudyInput["scheduleDecay"] {
  if (!isRecord(raw)) {
    problems.push({ path: ["schedule_decay"], message: "must be a mapping such as {param: lr, factor: 0.1, from: latest, last_rung: true, alongside: true}" });
    return undefined;
  }
  const unknown = Object.keys(raw).filter((key) => !Object.hasOwn(SCHEDULE_DECAY_KEYS, key));
  for (const key of unknown) problems.push({ path: ["schedule_decay", key], message: `unknown key '${key}' (known: ${Object.keys(SCHEDULE_DECAY_KEYS).join(", ")})` });
  if (unknown.length > 0) return undefined;
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [SCHEDULE_DECAY_KEYS[key], value])) as CreateStudyInput["scheduleDecay"];
}

/** The file's budget; undefined when it gives none (the study then gets STUDY_DEFAULTS' budget for its objective). */
function budgetOf(data: Record<string, unknown>, problems: Problem[]): CreateStudyInput["budget"] | null {
  if (data.run_cap !== undefined && data.budget === undefined) {
    if (!Number.isInteger(data.run_cap) || (data.run_cap as number) < 1) problems.push({ path: ["run_cap"], message: "must be a positive integer" });
    else return { kind: "trials", value: data.run_cap as number };
    return null;
  }
  const b = data.budget;
  if (b === undefined) return undefined;
  if (!isRecord(b) || Object.keys(b).length !== 1 || !("epochs" in b || "trials" in b)) {
    problems.push({ path: ["budget"], message: "must be {epochs: N} or {trials: N} (or give run_cap, or leave it out for 50 full trainings' worth of epochs)" });
    return null;
  }
  const [kind, value] = Object.entries(b)[0];
  if (!Number.isInteger(value) || (value as number) < 1) {
    problems.push({ path: ["budget", kind], message: "must be a positive integer" });
    return null;
  }
  return { kind: kind as "epochs" | "trials", value: value as number };
}

/** Turns a parsed study file into a study request; throws StudyFileError naming each line and field. */
export function studyFromData(
  data: unknown,
  file: string,
  doc?: Document,
  lines?: LineCounter,
  objectiveSpace?: (id: string) => readonly ParamDef[] | undefined,
  objectiveMaxEpochs?: (id: string) => number | undefined,
): CreateStudyInput {
  const problems: Problem[] = [];
  const fail = (): never => {
    throw new StudyFileError(
      file,
      problems.map((p) => ({ line: lineOf(doc, lines, p.path), field: p.path.join(".") || "(file)", message: p.message })),
    );
  };
  if (!isRecord(data)) {
    problems.push({ path: [], message: "must be a mapping of study settings" });
    fail();
  }
  const d = data as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (REFUSED_FIELDS[key]) problems.push({ path: [key], message: REFUSED_FIELDS[key] });
    else if (!TOP_LEVEL.has(key)) problems.push({ path: [key], message: `unknown field (known: ${[...TOP_LEVEL].join(", ")})` });
  }
  if (typeof d.name !== "string" || d.name.trim() === "") problems.push({ path: ["name"], message: "is required: a non-empty string" });
  // W&B's program is the script's file; a list there is this format's older spelling of command.
  const program = typeof d.program === "string" ? d.program : undefined;
  if (d.program !== undefined && program === undefined && !Array.isArray(d.program)) problems.push({ path: ["program"], message: "must be the script to run, e.g. train.py" });
  const command = d.command ?? (Array.isArray(d.program) ? d.program : undefined);
  const commandGiven = command !== undefined || program !== undefined;
  if (typeof command === "string") problems.push({ path: ["command"], message: "must be a list of arguments, e.g. [python3, train.py, --lr, '{lr}']; it is never run through a shell" });
  const objective = typeof d.objective === "string" ? d.objective : commandGiven ? "command" : null;
  if (objective === null) problems.push({ path: ["objective"], message: "is required unless a command is given (e.g. lc-table:digits-mlp, mlp:digits, synthetic:branin)" });
  const metric = d.metric;
  let metricName: string | undefined;
  let goal: "minimize" | "maximize" = "minimize";
  if (metric !== undefined) {
    if (!isRecord(metric) || typeof metric.name !== "string") problems.push({ path: ["metric"], message: "must be {name: ..., goal: minimize|maximize}" });
    else {
      metricName = metric.name;
      if (metric.goal !== undefined && metric.goal !== "minimize" && metric.goal !== "maximize") problems.push({ path: ["metric", "goal"], message: "must be minimize or maximize" });
      else goal = (metric.goal as typeof goal | undefined) ?? "minimize";
    }
  }
  const method = d.method ?? STUDY_DEFAULTS.strategy;
  if (typeof method !== "string") problems.push({ path: ["method"], message: "must be a strategy name such as sieve, random, bayes, bohb, or sampler+scheduler like tpe+asha" });
  if (method === "grid") problems.push({ path: ["method"], message: "grid search is not supported: use sobol (space-filling, the closest) or random" });
  let space: ParamDef[] | undefined;
  if (d.parameters !== undefined) {
    if (!isRecord(d.parameters) || Object.keys(d.parameters).length === 0) problems.push({ path: ["parameters"], message: "must map each parameter name to its range or values" });
    else {
      const base = objective && objective !== "command" ? objectiveSpace?.(objective) : undefined;
      space = Object.entries(d.parameters)
        .map(([name, raw]) => parameterOf(name, raw, problems, base?.find((p) => p.name === name)))
        .filter((p): p is ParamDef => p !== null);
    }
  }
  const fileMaxEpochs = Number.isInteger(d.max_epochs) ? (d.max_epochs as number) : undefined;
  const maxEpochs = objective === "command" ? fileMaxEpochs : objective ? objectiveMaxEpochs?.(objective) : undefined;
  const early: EarlyTerminate | null = d.early_terminate === undefined ? { hyperband: false } : earlyTerminateOf(d.early_terminate, maxEpochs, problems);
  const patience = early?.patience;
  let strategy = typeof method === "string" ? (METHODS[method] ?? method) : "";
  if (early?.hyperband && typeof method === "string") strategy = strategyWithRungs(strategy, method, problems);
  const budget = budgetOf(d, problems);
  const int = (key: string, min: number, fallback: number) => {
    const v = d[key] ?? fallback;
    if (!Number.isInteger(v) || (v as number) < min) problems.push({ path: [key], message: `must be an integer ≥ ${min}` });
    return v as number;
  };
  const parallelism = int("parallelism", 1, STUDY_DEFAULTS.parallelism);
  const seed = int("seed", 0, STUDY_DEFAULTS.seed);
  const epochDelayMs = int("epoch_delay_ms", 0, STUDY_DEFAULTS.epochDelayMs);
  let notes: string | undefined;
  if (d.description !== undefined) {
    if (typeof d.description !== "string") problems.push({ path: ["description"], message: "must be text; it becomes the study's notes" });
    else notes = d.description;
  }
  let tags: string[] | undefined;
  if (d.tags !== undefined) {
    if (!Array.isArray(d.tags) || d.tags.some((t) => typeof t !== "string" && typeof t !== "number")) problems.push({ path: ["tags"], message: "must be a list of labels, e.g. [baseline, lr-sweep]" });
    else tags = d.tags.map(String);
  }
  const keep = d.keep_checkpoints;
  if (keep !== undefined && !(KEEP_CHECKPOINTS as readonly unknown[]).includes(keep)) problems.push({ path: ["keep_checkpoints"], message: `must be ${KEEP_CHECKPOINTS.join(" or ")}` });
  const flag = (key: string) => {
    const v = d[key];
    if (v !== undefined && typeof v !== "boolean") problems.push({ path: [key], message: "must be true or false" });
    return typeof v === "boolean" ? v : undefined;
  };
  const warmStart = flag("warm_start");
  const schedules = flag("schedules");
  const scheduleDecay = d.schedule_decay === undefined ? undefined : scheduleDecayOf(d.schedule_decay, problems);
  const protocol = COMMAND_PROTOCOLS.find((p) => p === d.protocol);
  if (d.protocol !== undefined && !protocol) problems.push({ path: ["protocol"], message: "must be per-job (a new process for every job), persistent (one process per trial) or worker (processes taken by any trial's job)" });
  const keepAliveMs = d.keep_alive_ms === undefined ? undefined : int("keep_alive_ms", 1000, 0);
  const maxWaiting = d.max_waiting === undefined ? undefined : int("max_waiting", 0, 0);
  let commandSpec: CreateStudyInput["command"];
  const argv = objective === "command" && (Array.isArray(command) || (command === undefined && program !== undefined)) ? expandCommand(command, program, (space ?? []).map((p) => p.name), problems) : null;
  if (argv) {
    if (!space) problems.push({ path: ["parameters"], message: "are required for a command study" });
    if (!Number.isInteger(d.max_epochs) || (d.max_epochs as number) < 1) problems.push({ path: ["max_epochs"], message: "is required for a command study: the epochs of one full training" });
    commandSpec = {
      argv,
      cwd: path.resolve(path.dirname(file), typeof d.cwd === "string" ? d.cwd : "."),
      metric: metricName ?? "value",
      direction: goal,
      maxEpochs: d.max_epochs as number,
      space: space ?? [],
      graceMs: 5000,
      timeoutMs: 600_000,
      ...(protocol && protocol !== DEFAULT_COMMAND_PROTOCOL ? { protocol } : {}),
      ...(keepAliveMs !== undefined ? { keepAliveMs } : {}),
      ...(maxWaiting !== undefined ? { maxWaiting } : {}),
      // Asking for the race's warm starts or schedules (a decay rule included) says the program can start from a parent's checkpoint (HYPERSIEVE_PARENT_CHECKPOINT).
      ...(warmStart === true || schedules === true || scheduleDecay ? { warmStart: true } : {}),
    };
  }
  if (problems.length > 0) fail();
  return {
    name: (d.name as string).trim(),
    objective: objective!,
    ...(space ? { space } : {}),
    strategy,
    ...(budget ? { budget } : {}),
    parallelism,
    seed,
    patience,
    ...(early?.eta !== undefined ? { eta: early.eta } : {}),
    ...(early?.minEpochs !== undefined ? { minEpochs: early.minEpochs } : {}),
    ...(keep !== undefined ? { keepCheckpoints: keep as (typeof KEEP_CHECKPOINTS)[number] } : {}),
    ...(notes !== undefined ? { notes } : {}),
    ...(tags !== undefined ? { tags } : {}),
    ...(warmStart !== undefined ? { warmStart } : {}),
    ...(schedules !== undefined ? { schedules } : {}),
    ...(scheduleDecay ? { scheduleDecay } : {}),
    epochDelayMs,
    ...(commandSpec ? { command: commandSpec } : {}),
  };
}

function lineOf(doc: Document | undefined, lines: LineCounter | undefined, p: (string | number)[]): number | null {
  if (!doc || !lines) return null;
  for (let k = p.length; k >= 0; k--) {
    const node = k === 0 ? doc.contents : doc.getIn(p.slice(0, k), true);
    if (node && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) return lines.linePos(node.range[0]).line;
  }
  return null;
}

/** A parsed study file: the study request, and the line of any field (for problems found later). */
export type ParsedStudyFile = { input: CreateStudyInput; lineOf: (field: (string | number)[]) => number | null };

/** Parses YAML or JSON text (JSON is YAML) into a study request. */
export function parseStudyFile(
  text: string,
  file: string,
  objectiveSpace?: (id: string) => readonly ParamDef[] | undefined,
  objectiveMaxEpochs?: (id: string) => number | undefined,
): ParsedStudyFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new StudyFileError(
      file,
      doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? null, field: "(syntax)", message: e.message.split("\n")[0] })),
    );
  }
  return { input: studyFromData(doc.toJS(), file, doc, lines, objectiveSpace, objectiveMaxEpochs), lineOf: (field) => lineOf(doc, lines, field) };
}

/** Maps an API issue path such as "space.2.low" back to the file's field, e.g. "parameters.lr.min". */
export function fileFieldOf(apiPath: string, input: CreateStudyInput): (string | number)[] {
  const [head, index, field] = apiPath.split(".");
  if (head === "space" && index !== undefined && input.space?.[Number(index)]) {
    const name = input.space[Number(index)].name;
    return ["parameters", name, ...(field === "low" ? ["min"] : field === "high" ? ["max"] : field ? [field] : [])];
  }
  if (head === "strategy") return ["method"];
  if (head === "patience") return ["early_terminate"];
  if (head === "eta") return ["early_terminate", "eta"];
  if (head === "minEpochs") return ["early_terminate"];
  if (head === "keepCheckpoints") return ["keep_checkpoints"];
  if (head === "notes") return ["description"];
  if (head === "command" && index === "argv") return ["command"];
  if (head === "command" && index === "cwd") return ["cwd"];
  if (head === "command" && index === "maxEpochs") return ["max_epochs"];
  if (head === "warmStart") return ["warm_start"];
  if (head === "scheduleDecay") {
    const key = Object.entries(SCHEDULE_DECAY_KEYS).find(([, api]) => api === index)?.[0];
    return ["schedule_decay", ...(key ? [key] : [])];
  }
  if (head === "command" && ["protocol", "keepAliveMs", "maxWaiting"].includes(index)) return [{ protocol: "protocol", keepAliveMs: "keep_alive_ms", maxWaiting: "max_waiting" }[index]!];
  return apiPath.split(".");
}
