/** The lc-trace/1 format (docs/benchmarks/FORMAT.md): building, and parsing with messages that say what is wrong. */

export type TraceRun = { seed: number; seconds: number; trace: [number, number][] };

export type LcTrace = {
  format: "lc-trace/1";
  table: string;
  optimizer: string;
  strategy: string;
  budget_fte: number;
  runs: TraceRun[];
};

/** Thrown for a malformed trace; the message names the field and the rule it breaks. */
export class LcTraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LcTraceError";
  }
}

function fail(message: string): never {
  throw new LcTraceError(message);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** Parses and checks an lc-trace/1 object: points are [fte, value] pairs in non-decreasing fte within the budget. */
export function parseLcTrace(raw: unknown): LcTrace {
  if (!isRecord(raw)) fail("trace must be a JSON object");
  if (raw.format !== "lc-trace/1") fail(`format must be "lc-trace/1", got ${JSON.stringify(raw.format)}`);
  if (typeof raw.table !== "string" || raw.table === "") fail("table must be a non-empty string");
  const budget = raw.budget_fte;
  if (!isNumber(budget) || budget <= 0) fail("budget_fte must be a positive number");
  if (!Array.isArray(raw.runs) || raw.runs.length === 0) fail("runs must be a non-empty array");
  const runs = raw.runs.map((run, r): TraceRun => {
    const where = `runs[${r}]`;
    if (!isRecord(run)) fail(`${where} must be an object`);
    if (!isNumber(run.seed)) fail(`${where}.seed must be a number`);
    if (!isNumber(run.seconds) || run.seconds < 0) fail(`${where}.seconds must be a number ≥ 0`);
    if (!Array.isArray(run.trace) || run.trace.length === 0) fail(`${where}.trace must be a non-empty array of [fte, value] points`);
    let last = 0;
    const trace = run.trace.map((point, i): [number, number] => {
      if (!Array.isArray(point) || point.length !== 2 || !isNumber(point[0]) || !isNumber(point[1])) {
        fail(`${where}.trace[${i}] must be a pair of finite numbers [fte, value]`);
      }
      const [fte, value] = point as [number, number];
      if (fte < last) fail(`${where}.trace[${i}]: fte ${fte} is below the previous point's ${last}; points must be in increasing fte`);
      if (fte > budget * (1 + 1e-9)) fail(`${where}.trace[${i}]: fte ${fte} exceeds budget_fte ${budget}`);
      last = fte;
      return [fte, value];
    });
    return { seed: run.seed, seconds: run.seconds, trace };
  });
  return {
    format: "lc-trace/1",
    table: raw.table,
    optimizer: typeof raw.optimizer === "string" ? raw.optimizer : "",
    strategy: typeof raw.strategy === "string" ? raw.strategy : "",
    budget_fte: budget,
    runs,
  };
}
