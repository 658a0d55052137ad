/**
 * Makes an lc-table/1 learning-curve table (../shared/benchmarks/FORMAT.md) by
 * training the built-in MLP on every point of a hyperparameter grid.
 *
 *   npx tsx --conditions=react-server bench/make-table.ts --dataset wine|breast-cancer|digits --grid FILE.json --epochs N --out FILE.json [--workers 2]
 *
 * The grid file is {"name": "...", "space": [{"name": "lr", "type": "float", "log": true, "values": [...]}, ...]},
 * with an optional "fixed": {"optimizer": "adam", ...} for hyperparameters that
 * are not searched but differ from MLP_DEFAULTS. Every combination is trained
 * from scratch for N epochs (seed = paramsSeed of its training params, as the
 * objective does), in worker threads; the curves are checked with parseLcTable
 * and written atomically. Run it from the repository root (the datasets and the
 * worker entry are found from there). Bad arguments exit with status 2.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseLcTable, parseTableParam, type TableParam } from "../lib/objectives/lc-table";
import { DATASET_IDS, DATASETS_DIR, loadDataset, VALIDATION_SHARE, type DatasetId } from "../lib/objectives/mlp/dataset";
import { paramsSeed } from "../lib/objectives/mlp/objective";
import { MLP_DEFAULTS, mlpConfig, trainJob, type EpochMetrics } from "../lib/objectives/mlp/trainer";
import { acquireWorker, closeIdleWorkers, runJobOnWorker, workerEntryPath } from "../lib/objectives/mlp/worker-pool";
import type { Params } from "../lib/optimizer/space";

/** Losses above this are recorded as it; a diverged run's remaining losses are this value. */
export const LOSS_CAP = 10;

/** A command-line mistake: printed and answered with exit status 2. */
class UsageError extends Error {}

const USAGE = "usage: npx tsx --conditions=react-server bench/make-table.ts --dataset wine|breast-cancer|digits --grid FILE.json --epochs N --out FILE.json [--workers 2]";

type Options = { dataset: DatasetId; gridFile: string; epochs: number; out: string; workers: number };
type Grid = { name: string; description?: string; space: TableParam[]; fixed: Params };

function parseArgs(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") throw new UsageError(USAGE);
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument '${arg}'`);
    const key = arg.slice(2);
    if (!["dataset", "grid", "epochs", "out", "workers"].includes(key)) throw new UsageError(`unknown option ${arg}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value`);
    if (flags.has(key)) throw new UsageError(`${arg} is given twice`);
    flags.set(key, value);
    i++;
  }
  const required = (key: string) => {
    const v = flags.get(key);
    if (v === undefined) throw new UsageError(`--${key} is required`);
    return v;
  };
  const dataset = required("dataset");
  if (!DATASET_IDS.includes(dataset as DatasetId)) throw new UsageError(`--dataset must be one of ${DATASET_IDS.join(", ")}, got '${dataset}'`);
  const int = (key: string, raw: string, min: number) => {
    const x = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(x) || x < min) throw new UsageError(`--${key} must be an integer ≥ ${min}, got '${raw}'`);
    return x;
  };
  const epochs = int("epochs", required("epochs"), 1);
  const workers = int("workers", flags.get("workers") ?? "2", 0);
  if (workers > 16) throw new UsageError(`--workers must be at most 16, got ${workers}`);
  const out = required("out");
  if (!out.endsWith(".json")) throw new UsageError(`--out must name a .json file, got '${out}'`);
  return { dataset: dataset as DatasetId, gridFile: required("grid"), epochs, out, workers };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Reads and checks the grid file: lc-table space rules, MLP parameter names, and values mlpConfig accepts. */
function readGrid(file: string): Grid {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read grid '${file}': ${(error as Error).message}`);
  }
  const bad = (message: string): never => {
    throw new UsageError(`grid '${file}': ${message}`);
  };
  if (!isRecord(raw)) bad("must be a JSON object");
  const g = raw as Record<string, unknown>;
  if (typeof g.name !== "string" || !/^[A-Za-z0-9._-]+$/.test(g.name)) bad("name must be a non-empty string of letters, digits, '.', '_' or '-'");
  if (g.description !== undefined && typeof g.description !== "string") bad("description must be a string");
  if (!Array.isArray(g.space) || g.space.length === 0) bad("space must be a non-empty array");
  const known = Object.keys(MLP_DEFAULTS);
  const space = (g.space as unknown[]).map((p, i): TableParam => {
    let param: TableParam;
    try {
      param = parseTableParam(p, i);
    } catch (error) {
      return bad((error as Error).message);
    }
    const where = `space[${i}] (${param.name})`;
    if (!known.includes(param.name)) bad(`space[${i}].name must be one of the MLP's hyperparameters (${known.join(", ")}), got ${JSON.stringify(param.name)}`);
    const extra = Object.keys(p as object).filter((k) => !["name", "type", "log", "values"].includes(k));
    if (extra.length > 0) bad(`${where} has unknown field(s) ${extra.join(", ")}`);
    param.values.forEach((v, j) => {
      try {
        mlpConfig({ [param.name]: v as number | string });
      } catch (error) {
        bad(`${where}.values[${j}]: ${(error as Error).message}`);
      }
    });
    return param;
  });
  if (new Set(space.map((p) => p.name)).size !== space.length) bad("space names a parameter twice");
  const fixed: Params = {};
  if (g.fixed !== undefined) {
    if (!isRecord(g.fixed)) bad("fixed must be an object of hyperparameter values");
    for (const [k, v] of Object.entries(g.fixed as Record<string, unknown>)) {
      if (!known.includes(k)) bad(`fixed.${k} is not one of the MLP's hyperparameters (${known.join(", ")})`);
      if (space.some((p) => p.name === k)) bad(`fixed.${k} is also in the space`);
      if (typeof v !== "number" && typeof v !== "string") bad(`fixed.${k} must be a number or a string`);
      try {
        mlpConfig({ [k]: v as number | string });
      } catch (error) {
        bad(`fixed.${k}: ${(error as Error).message}`);
      }
      fixed[k] = v as number | string;
    }
  }
  const extra = Object.keys(g).filter((k) => !["name", "description", "space", "fixed"].includes(k));
  if (extra.length > 0) bad(`unknown field(s) ${extra.join(", ")}`);
  return { name: g.name as string, description: g.description as string | undefined, space, fixed };
}

/** Every combination of the space, first parameter slowest. */
function combinations(space: TableParam[]): Params[] {
  let out: Params[] = [{}];
  for (const p of space) out = out.flatMap((partial) => p.values.map((v) => ({ ...partial, [p.name]: v as number | string })));
  return out;
}

const round = (x: number) => Number(x.toPrecision(5));

type Row = {
  params: Params;
  curves: { val_loss: number[]; val_error: number[]; train_loss: number[] };
  epoch_seconds: number;
};

type Outcome = { row: Row; diverged: boolean; capped: boolean };

/**
 * Turns the epochs a job reported into full-length curves: losses above LOSS_CAP
 * (or non-finite) become LOSS_CAP; from the first epoch whose validation loss is
 * not finite on (trainJob stops there), val_loss = train_loss = LOSS_CAP and
 * val_error = the majority-class error of the validation split.
 */
function toRow(params: Params, reported: EpochMetrics[], epochs: number, seconds: number, majorityError: number): Outcome {
  const val_loss: number[] = [];
  const val_error: number[] = [];
  const train_loss: number[] = [];
  let diverged = false;
  let capped = false;
  const loss = (x: number) => {
    if (Number.isFinite(x) && x <= LOSS_CAP) return round(x);
    capped = true;
    return LOSS_CAP;
  };
  for (let e = 0; e < epochs; e++) {
    const m = reported[e];
    if (!diverged && m && Number.isFinite(m.val_loss)) {
      val_loss.push(loss(m.val_loss));
      val_error.push(round(1 - m.val_accuracy));
      train_loss.push(loss(m.train_loss));
      continue;
    }
    if (!diverged && !m) throw new Error(`training ${JSON.stringify(params)} stopped after ${reported.length} of ${epochs} epochs without diverging`);
    diverged = true;
    val_loss.push(LOSS_CAP);
    val_error.push(round(majorityError));
    train_loss.push(LOSS_CAP);
  }
  const trained = Math.max(1, reported.length);
  return { row: { params, curves: { val_loss, val_error, train_loss }, epoch_seconds: round(seconds / trained) }, diverged, capped };
}

function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function optimizerText(kinds: string[]): string {
  const sgd = "SGD with `momentum` and L2 `weight_decay` (torch.optim.SGD semantics: dampening 0, no Nesterov)";
  const adam = "Adam with decoupled `weight_decay` (torch.optim.AdamW semantics: betas 0.9/0.999, eps 1e-8; w -= lr*weight_decay*w each step; momentum is ignored)";
  return kinds.map((k) => (k === "sgd" ? sgd : adam)).join("; or ");
}

function describe(grid: Grid, datasetId: DatasetId, epochs: number, workers: number): string {
  const ds = loadDataset(datasetId);
  const total = ds.train.rows + ds.validation.rows;
  const searched = new Set(grid.space.map((p) => p.name));
  const fixedAll = Object.fromEntries(Object.entries({ ...MLP_DEFAULTS, ...grid.fixed }).filter(([k]) => !searched.has(k)));
  const optimizerParam = grid.space.find((p) => p.name === "optimizer");
  const kinds = optimizerParam ? (optimizerParam.values as string[]) : [String(fixedAll.optimizer)];
  const activation = searched.has("activation") ? "`activation`" : String(fixedAll.activation);
  const majority = majorityError(datasetId);
  return [
    grid.description ? `${grid.description.trim()} ` : "",
    `The built-in Hypersieve MLP (lib/objectives/mlp, pure TypeScript, Float32 weights) on the shipped '${datasetId}' dataset `,
    `(lib/objectives/datasets/${datasetId}.csv: ${total} samples, ${ds.features} features, ${ds.classes} classes). `,
    `Split: the objective's fixed stratified ${Math.round((1 - VALIDATION_SHARE) * 100)}/${Math.round(VALIDATION_SHARE * 100)} train/validation split seeded by the dataset id `,
    `(${ds.train.rows} train, ${ds.validation.rows} validation); features standardized with the training split's mean/std (std 0 -> 1). `,
    `Model: depth hidden dense layers of width units with ${activation}, inverted dropout after each hidden layer, linear output, softmax cross-entropy; `,
    `He-normal init for hidden layers, Glorot-normal for the output, zero biases. Optimizer: ${optimizerText(kinds)}; constant lr, `,
    `mini-batches of batch_size reshuffled every epoch, last partial batch kept. `,
    `Hyperparameters not in the space: ${Object.entries(fixedAll).map(([k, v]) => `${k}=${v}`).join(", ")}. `,
    `Every grid point was trained from scratch for max_epochs (${epochs}) epochs by trainJob, with seed = paramsSeed(params) `,
    `(lib/objectives/mlp/objective.ts) of its training params (the row's params${Object.keys(grid.fixed).length ? ` plus ${Object.entries(grid.fixed).map(([k, v]) => `${k}=${v}`).join(", ")}` : ""}), `,
    `the seed the live objective uses for exactly those params when a request carries none. `,
    `Curves: val_loss = validation cross-entropy (metric), val_error = validation misclassification rate, train_loss = mean mini-batch `,
    `training cross-entropy during the epoch (dropout active, weight decay excluded). `,
    `Divergence: losses above ${LOSS_CAP} are recorded as ${LOSS_CAP}.0; once the validation loss becomes non-finite training is stopped and `,
    `that epoch and every later one are recorded as val_loss = train_loss = ${LOSS_CAP}.0 and val_error = majority-class error (${round(majority)}). `,
    `epoch_seconds = wall time of the job divided by the epochs it trained (training + validation pass + one message round trip to its worker thread), `,
    `measured with ${workers === 0 ? "training in the main thread" : `${workers} worker thread(s)`} on a ${cpus().length}-CPU machine whose other load was not controlled, so it is noisy. `,
    `Made by bench/make-table.ts. Floats rounded to 5 significant digits.`,
  ].join("");
}

function majorityError(datasetId: DatasetId): number {
  const ds = loadDataset(datasetId);
  const counts = new Array<number>(ds.classes).fill(0);
  for (const y of ds.validation.y) counts[y]++;
  return 1 - Math.max(...counts) / ds.validation.rows;
}

/** Trains one configuration; resolves with its reported epochs and wall seconds. */
async function trainOne(datasetId: DatasetId, params: Params, epochs: number, inProcess: boolean): Promise<{ reported: EpochMetrics[]; seconds: number }> {
  const reported: EpochMetrics[] = [];
  const onEpoch = (_epoch: number, m: EpochMetrics) => {
    reported.push(m);
    return true;
  };
  const seed = paramsSeed(params);
  const t0 = performance.now();
  if (inProcess) {
    await trainJob({ dataset: loadDataset(datasetId), params, seed, fromEpoch: 0, toEpoch: epochs, onEpoch });
  } else {
    const worker = await acquireWorker();
    await runJobOnWorker(worker, { datasetId, params, seed, fromEpoch: 0, toEpoch: epochs }, { onEpoch, signal: new AbortController().signal });
  }
  return { reported, seconds: (performance.now() - t0) / 1000 };
}

async function run(options: Options): Promise<void> {
  const grid = readGrid(options.gridFile);
  if (!existsSync(DATASETS_DIR) || (options.workers > 0 && !existsSync(workerEntryPath()))) {
    throw new UsageError(`run from the repository root: ${DATASETS_DIR} or ${workerEntryPath()} is missing`);
  }
  const outDir = path.dirname(path.resolve(options.out));
  if (!existsSync(outDir)) mkdirSync(outDir, { recursive: true });
  const kind = grid.space.find((p) => p.name === "optimizer") ? null : (grid.fixed.optimizer ?? MLP_DEFAULTS.optimizer);
  if (kind === "adam" && grid.space.some((p) => p.name === "momentum")) process.stderr.write(`make-table: warning: momentum is in the space but Adam ignores it\n`);

  const configs = combinations(grid.space);
  const majority = majorityError(options.dataset);
  const outcomes: Outcome[] = new Array(configs.length);
  const start = performance.now();
  let next = 0;
  let done = 0;
  let diverged = 0;
  let lastReport = 0;
  const progress = (final: boolean) => {
    const now = performance.now();
    if (!final && now - lastReport < 5000) return;
    lastReport = now;
    const elapsed = (now - start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (configs.length - done) : NaN;
    process.stderr.write(`${grid.name}: ${done}/${configs.length} configs (${((100 * done) / configs.length).toFixed(1)}%), ${fmtDuration(elapsed)} elapsed, ETA ${final ? "0 s" : fmtDuration(eta)}, ${diverged} diverged\n`);
  };
  process.stderr.write(`${grid.name}: training ${configs.length} configs × ${options.epochs} epochs on ${options.dataset} with ${options.workers === 0 ? "no workers (in-process)" : `${options.workers} worker(s)`}\n`);
  const lane = async () => {
    while (next < configs.length) {
      const i = next++;
      const training = { ...grid.fixed, ...configs[i] };
      const { reported, seconds } = await trainOne(options.dataset, training, options.epochs, options.workers === 0);
      const outcome = toRow(configs[i], reported, options.epochs, seconds, majority);
      outcomes[i] = outcome;
      done++;
      if (outcome.diverged) diverged++;
      progress(false);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.workers) }, lane));
  } finally {
    await closeIdleWorkers();
  }
  progress(true);
  const seconds = (performance.now() - start) / 1000;

  const table = {
    format: "lc-table/1",
    name: grid.name,
    description: describe(grid, options.dataset, options.epochs, options.workers),
    metric: "val_loss",
    direction: "minimize",
    max_epochs: options.epochs,
    space: grid.space,
    rows: outcomes.map((o) => o.row),
  };
  parseLcTable(table); // throws LcTableError naming the problem; nothing is written then
  const text = JSON.stringify(table) + "\n";
  const tmp = `${options.out}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, options.out);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  const capped = outcomes.filter((o) => o.capped && !o.diverged).length;
  process.stderr.write(
    `${grid.name}: wrote ${options.out} (${configs.length} rows, ${text.length} bytes) in ${fmtDuration(seconds)}; ` +
      `${diverged} diverged (${((100 * diverged) / configs.length).toFixed(1)}%), ${capped} more had a loss capped at ${LOSS_CAP}\n`,
  );
}

async function main(argv: string[]): Promise<number> {
  try {
    await run(parseArgs(argv));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`make-table: ${error.message}\n`);
      if (!error.message.startsWith("usage:")) process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`make-table: ${(error as Error).stack ?? error}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
