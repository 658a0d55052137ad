/**
 * Study files: YAML or JSON study definitions in the shape people know from
 * sweep configs (name, metric {name, goal}, method, parameters with
 * min/max/distribution or values, command, early_terminate), turned into a
 * study request. Every problem names the file's line and the field.
 */
import path from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { CreateStudyInput, ParamDef } from "../api/schemas";

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
const DISTRIBUTIONS = ["uniform", "log_uniform_values", "int_uniform", "q_uniform", "q_log_uniform_values", "categorical", "constant"] as const;
const TOP_LEVEL = new Set(["name", "objective", "metric", "method", "parameters", "command", "cwd", "max_epochs", "early_terminate", "budget", "run_cap", "parallelism", "seed", "epoch_delay_ms", "warm_start", "schedules", "description", "program", "protocol", "keep_alive_ms", "max_waiting"]);

type Problem = { path: (string | number)[]; message: string };

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

function budgetOf(data: Record<string, unknown>, problems: Problem[]): CreateStudyInput["budget"] | null {
  if (data.run_cap !== undefined && data.budget === undefined) {
    if (!Number.isInteger(data.run_cap) || (data.run_cap as number) < 1) problems.push({ path: ["run_cap"], message: "must be a positive integer" });
    else return { kind: "trials", value: data.run_cap as number };
    return null;
  }
  const b = data.budget;
  if (!isRecord(b) || Object.keys(b).length !== 1 || !("epochs" in b || "trials" in b)) {
    problems.push({ path: ["budget"], message: "must be {epochs: N} or {trials: N} (or give run_cap)" });
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
  for (const key of Object.keys(d)) if (!TOP_LEVEL.has(key)) problems.push({ path: [key], message: `unknown field (known: ${[...TOP_LEVEL].join(", ")})` });
  if (typeof d.name !== "string" || d.name.trim() === "") problems.push({ path: ["name"], message: "is required: a non-empty string" });
  const command = d.command ?? d.program;
  if (typeof command === "string") problems.push({ path: ["command"], message: "must be a list of arguments, e.g. [python3, train.py, --lr, '{lr}']; it is never run through a shell" });
  const objective = typeof d.objective === "string" ? d.objective : command !== undefined ? "command" : null;
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
  const method = d.method ?? "sieve";
  if (typeof method !== "string") problems.push({ path: ["method"], message: "must be a strategy name such as sieve, random, bayes, bohb, or sampler+scheduler like tpe+asha" });
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
  let patience: number | undefined;
  if (d.early_terminate !== undefined) {
    const et = d.early_terminate;
    if (!isRecord(et) || !Number.isInteger(et.patience) || (et.patience as number) < 1) problems.push({ path: ["early_terminate"], message: "must be {patience: N} with N a positive integer" });
    else patience = et.patience as number;
  }
  const budget = budgetOf(d, problems);
  const int = (key: string, min: number, fallback: number) => {
    const v = d[key] ?? fallback;
    if (!Number.isInteger(v) || (v as number) < min) problems.push({ path: [key], message: `must be an integer ≥ ${min}` });
    return v as number;
  };
  const parallelism = int("parallelism", 1, 4);
  const seed = int("seed", 0, 0);
  const epochDelayMs = int("epoch_delay_ms", 0, 0);
  const flag = (key: string) => {
    const v = d[key];
    if (v !== undefined && typeof v !== "boolean") problems.push({ path: [key], message: "must be true or false" });
    return typeof v === "boolean" ? v : undefined;
  };
  const warmStart = flag("warm_start");
  const schedules = flag("schedules");
  const protocols = ["per-job", "persistent", "worker"] as const;
  const protocol = protocols.find((p) => p === d.protocol);
  if (d.protocol !== undefined && !protocol) problems.push({ path: ["protocol"], message: "must be per-job (a new process for every job), persistent (one process per trial) or worker (processes taken by any trial's job)" });
  const keepAliveMs = d.keep_alive_ms === undefined ? undefined : int("keep_alive_ms", 1000, 0);
  const maxWaiting = d.max_waiting === undefined ? undefined : int("max_waiting", 0, 0);
  let commandSpec: CreateStudyInput["command"];
  if (objective === "command" && Array.isArray(command)) {
    if (!space) problems.push({ path: ["parameters"], message: "are required for a command study" });
    if (!Number.isInteger(d.max_epochs) || (d.max_epochs as number) < 1) problems.push({ path: ["max_epochs"], message: "is required for a command study: the epochs of one full training" });
    const bad = command.findIndex((a) => typeof a !== "string" && typeof a !== "number");
    if (bad >= 0) problems.push({ path: ["command", bad], message: "must be a string" });
    commandSpec = {
      argv: command.map(String),
      cwd: path.resolve(path.dirname(file), typeof d.cwd === "string" ? d.cwd : "."),
      metric: metricName ?? "value",
      direction: goal,
      maxEpochs: d.max_epochs as number,
      space: space ?? [],
      graceMs: 5000,
      timeoutMs: 600_000,
      ...(protocol && protocol !== "per-job" ? { protocol } : {}),
      ...(keepAliveMs !== undefined ? { keepAliveMs } : {}),
      ...(maxWaiting !== undefined ? { maxWaiting } : {}),
      // Asking for the race's warm starts or schedules says the program can start from a parent's checkpoint (HYPERSIEVE_PARENT_CHECKPOINT).
      ...(warmStart === true || schedules === true ? { warmStart: true } : {}),
    };
  }
  if (problems.length > 0) fail();
  return {
    name: (d.name as string).trim(),
    objective: objective!,
    ...(space ? { space } : {}),
    strategy: METHODS[method as string] ?? (method as string),
    budget: budget!,
    parallelism,
    seed,
    patience,
    ...(warmStart !== undefined ? { warmStart } : {}),
    ...(schedules !== undefined ? { schedules } : {}),
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
export function parseStudyFile(text: string, file: string, objectiveSpace?: (id: string) => readonly ParamDef[] | undefined): ParsedStudyFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new StudyFileError(
      file,
      doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? null, field: "(syntax)", message: e.message.split("\n")[0] })),
    );
  }
  return { input: studyFromData(doc.toJS(), file, doc, lines, objectiveSpace), lineOf: (field) => lineOf(doc, lines, field) };
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
  if (head === "warmStart") return ["warm_start"];
  if (head === "command" && ["protocol", "keepAliveMs", "maxWaiting"].includes(index)) return [{ protocol: "protocol", keepAliveMs: "keep_alive_ms", maxWaiting: "max_waiting" }[index]!];
  return apiPath.split(".");
}
