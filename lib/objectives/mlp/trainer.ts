/**
 * Trains one MLP job epoch by epoch: resumes from a checkpoint, evaluates on
 * the validation split after each epoch, saves checkpoints, and asks the
 * caller after each epoch whether to go on.
 */
import type { Params } from "../../optimizer/space";
import { checkpointEpochs, loadCheckpoint, pruneCheckpoints, saveCheckpoint, type TrainingState } from "./checkpoint";
import type { Dataset } from "./dataset";
import { createModel, evaluate, trainEpochSteps, type Model } from "./epoch";
import { assertSpec, type Activation, type NetworkSpec } from "./network";
import { createOptimizerState, type OptimizerSettings } from "./optimizer";
import { prepareWarmStart, type WarmStart } from "./warm-start";

/** A trial's hyperparameters, checked and typed. */
export type MlpConfig = {
  width: number;
  depth: number;
  activation: Activation;
  dropout: number;
  batchSize: number;
  optimizer: OptimizerSettings;
};

/** The defaults used for any hyperparameter a study does not search. */
export const MLP_DEFAULTS = {
  lr: 0.01,
  momentum: 0.9,
  optimizer: "sgd",
  batch_size: 32,
  width: 64,
  depth: 2,
  weight_decay: 0,
  dropout: 0,
  activation: "relu",
} as const satisfies Params;

function numberParam(params: Params, name: keyof typeof MLP_DEFAULTS, check: (v: number) => boolean, rule: string): number {
  const value = params[name] ?? MLP_DEFAULTS[name];
  if (typeof value !== "number" || !check(value)) throw new RangeError(`param ${name} must be ${rule}, got ${JSON.stringify(value)}`);
  return value;
}

function choiceParam<T extends string>(params: Params, name: keyof typeof MLP_DEFAULTS, choices: readonly T[]): T {
  const value = params[name] ?? MLP_DEFAULTS[name];
  if (typeof value !== "string" || !choices.includes(value as T)) throw new RangeError(`param ${name} must be one of ${choices.join(", ")}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** Reads and validates the MLP hyperparameters from a trial's params, with defaults for absent ones. */
export function mlpConfig(params: Params): MlpConfig {
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  return {
    width: numberParam(params, "width", positiveInt, "a positive integer"),
    depth: numberParam(params, "depth", (v) => Number.isInteger(v) && v >= 0 && v <= 16, "an integer in [0, 16]"),
    activation: choiceParam(params, "activation", ["relu", "tanh", "gelu"] as const),
    dropout: numberParam(params, "dropout", (v) => v >= 0 && v < 1, "in [0, 1)"),
    batchSize: numberParam(params, "batch_size", positiveInt, "a positive integer"),
    optimizer: {
      kind: choiceParam(params, "optimizer", ["sgd", "adam"] as const),
      lr: numberParam(params, "lr", (v) => v > 0 && Number.isFinite(v), "a positive number"),
      momentum: numberParam(params, "momentum", (v) => v >= 0 && v < 1, "in [0, 1)"),
      weightDecay: numberParam(params, "weight_decay", (v) => v >= 0 && Number.isFinite(v), "a non-negative number"),
    },
  };
}

/** What is measured after each epoch (the names are the reported metric names). */
export type EpochMetrics = { val_loss: number; val_accuracy: number; train_loss: number };

/** One training job. */
export type TrainJobOptions = {
  dataset: Dataset;
  params: Params;
  seed: number;
  /** Epochs already trained (0 = from scratch); its checkpoint is loaded when there is one. */
  fromEpoch: number;
  toEpoch: number;
  /** The trial's checkpoint folder; without one, resuming retrains the first fromEpoch epochs silently. */
  checkpointDir?: string;
  /** For a branch: the parent's checkpoint to start from (epoch = fromEpoch), prepared into checkpointDir first. */
  warmStart?: WarmStart;
  /** Called after each epoch with its metrics; training goes on only while it answers true. */
  onEpoch: (epoch: number, metrics: EpochMetrics) => boolean | Promise<boolean>;
  /** Checked between mini-batches: once aborted, the job ends without reporting the unfinished epoch. */
  signal?: AbortSignal;
  /** When set, hands the event loop back between mini-batches once this many ms have passed (in-process training). */
  yieldEveryMs?: number;
};

/** How a job ended. */
export type TrainJobResult = { lastEpoch: number; reason: "done" | "stopped" | "diverged" | "aborted" };

/** Same architecture, so weights can be carried over. */
function sameShape(a: NetworkSpec, b: NetworkSpec): boolean {
  return a.inputs === b.inputs && a.classes === b.classes && a.width === b.width && a.depth === b.depth;
}

/**
 * The newest state at or before fromEpoch: a checkpoint when one exists (the
 * exact epoch, else the latest earlier one), else a fresh model at epoch 0.
 * Differences in activation, dropout or optimizer settings are taken from the
 * new params (a branch); a different optimizer starts with fresh moments.
 */
function startingState(spec: NetworkSpec, config: MlpConfig, options: TrainJobOptions): TrainingState {
  const fresh = (): TrainingState => ({ epoch: 0, model: createModel(spec, config.optimizer.kind, options.seed), best: null });
  if (options.fromEpoch === 0 || !options.checkpointDir) return fresh();
  const candidates = checkpointEpochs(options.checkpointDir).filter((e) => e <= options.fromEpoch);
  if (candidates.length === 0) return fresh();
  const state = loadCheckpoint(options.checkpointDir, candidates[candidates.length - 1])!;
  if (!sameShape(state.model.spec, spec)) {
    throw new Error(`checkpoint in ${options.checkpointDir} holds a ${state.model.spec.depth}×${state.model.spec.width} network, the params ask for ${spec.depth}×${spec.width}`);
  }
  const model: Model = { ...state.model, spec };
  if (model.optimizer.kind !== config.optimizer.kind) model.optimizer = createOptimizerState(config.optimizer.kind, model.weights.length);
  return { ...state, model };
}

function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Trains and evaluates one epoch; null when the signal aborted it half-way. */
async function runEpoch(state: TrainingState, config: MlpConfig, options: TrainJobOptions, epoch: number): Promise<EpochMetrics | null> {
  const steps = trainEpochSteps(state.model, options.dataset.train, config.optimizer, config.batchSize, options.seed, epoch);
  const every = options.yieldEveryMs;
  let since = every === undefined ? 0 : performance.now();
  let trainLoss: number;
  for (;;) {
    const step = steps.next();
    if (step.done) {
      trainLoss = step.value;
      break;
    }
    if (every !== undefined && performance.now() - since >= every) {
      await nextTick();
      since = performance.now();
    }
    if (options.signal?.aborted) return null;
  }
  const validation = evaluate(state.model, options.dataset.validation);
  state.epoch = epoch;
  if (Number.isFinite(validation.loss) && (!state.best || !(state.best.valLoss <= validation.loss))) {
    state.best = { epoch, valLoss: validation.loss };
  }
  return { val_loss: validation.loss, val_accuracy: validation.accuracy, train_loss: trainLoss };
}

/**
 * Trains params from fromEpoch to toEpoch, reporting each epoch through
 * onEpoch. A checkpoint of every epoch is written before it is reported, so
 * whatever the engine has recorded can be resumed; the folder keeps the
 * latest two and the best. A non-finite validation loss is reported as it is
 * and ends the job (the engine ranks it worst).
 */
export async function trainJob(options: TrainJobOptions): Promise<TrainJobResult> {
  const { fromEpoch, toEpoch, dataset } = options;
  if (!Number.isInteger(fromEpoch) || fromEpoch < 0 || !Number.isInteger(toEpoch) || toEpoch < fromEpoch) {
    throw new RangeError(`epochs must satisfy 0 ≤ fromEpoch ≤ toEpoch, got ${fromEpoch} → ${toEpoch}`);
  }
  const config = mlpConfig(options.params);
  const spec: NetworkSpec = {
    inputs: dataset.features,
    classes: dataset.classes,
    width: config.width,
    depth: config.depth,
    activation: config.activation,
    dropout: config.dropout,
  };
  assertSpec(spec);
  if (options.warmStart) {
    if (!options.checkpointDir || options.warmStart.epoch !== fromEpoch) throw new RangeError(`a warm start needs a checkpoint folder and its epoch equal to fromEpoch (${fromEpoch})`);
    prepareWarmStart(options.warmStart, options.checkpointDir, config, options.params, options.seed);
  }
  const state = startingState(spec, config, options);
  state.meta = { ...state.meta, params: options.params, seed: options.seed, dataset: dataset.id };
  // Catch up without reporting: the engine has these epochs already, and training is deterministic.
  for (let epoch = state.epoch + 1; epoch <= fromEpoch; epoch++) {
    const metrics = await runEpoch(state, config, options, epoch);
    if (!metrics) return { lastEpoch: fromEpoch, reason: "aborted" };
    if (!Number.isFinite(metrics.val_loss)) return { lastEpoch: fromEpoch, reason: "diverged" };
  }
  for (let epoch = fromEpoch + 1; epoch <= toEpoch; epoch++) {
    const metrics = await runEpoch(state, config, options, epoch);
    if (!metrics) return { lastEpoch: epoch - 1, reason: "aborted" };
    const diverged = !Number.isFinite(metrics.val_loss);
    if (options.checkpointDir && !diverged) {
      saveCheckpoint(options.checkpointDir, state);
      const keep = [epoch, epoch - 1, ...(state.best ? [state.best.epoch] : [])];
      pruneCheckpoints(options.checkpointDir, keep);
    }
    if (options.signal?.aborted) return { lastEpoch: epoch - 1, reason: "aborted" };
    const goOn = await options.onEpoch(epoch, metrics);
    if (diverged) return { lastEpoch: epoch, reason: "diverged" };
    if (!goOn) return { lastEpoch: epoch, reason: "stopped" };
  }
  return { lastEpoch: toEpoch, reason: "done" };
}
