#!/usr/bin/env node
// A training program for a Hypersieve command study, in plain Node with no
// dependencies: a one-hidden-layer perceptron on a CSV classification dataset
// (last column = class label), trained by mini-batch SGD with momentum.
// It follows docs/command-protocol.md: params from HYPERSIEVE_PARAMS (or
// --name value flags), one JSON line per epoch on stdout, a checkpoint per
// epoch in HYPERSIEVE_CHECKPOINT_DIR, resume from HYPERSIEVE_RESUME_FROM, and
// a clean exit on SIGTERM. Under the persistent protocol
// (HYPERSIEVE_PROTOCOL=persistent) one process trains its trial across jobs:
// at the epoch it was given it waits on stdin for {"continue_to": N} or
// {"stop": true}; under the worker protocol (HYPERSIEVE_PROTOCOL=worker) also
// for {"start": {"argv": [...], "env": {...}}}, another trial's job.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const DEFAULT_DATA = fileURLToPath(new URL("../../lib/objectives/datasets/wine.csv", import.meta.url));
const DEFAULTS = { lr: 0.05, momentum: 0.9, hidden: 16, weight_decay: 1e-4, batch_size: 16, epochs: 30, seed: 0, data: DEFAULT_DATA };

// --- configuration: defaults < HYPERSIEVE_* environment < --flags -------------
function configuration(env, args) {
  const config = { ...DEFAULTS, ...JSON.parse(env.HYPERSIEVE_PARAMS || "{}") };
  if (env.HYPERSIEVE_EPOCHS) config.epochs = Number(env.HYPERSIEVE_EPOCHS);
  if (env.HYPERSIEVE_SEED) config.seed = Number(env.HYPERSIEVE_SEED);
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i].replace(/^--/, "").replaceAll("-", "_");
    if (!(key in DEFAULTS)) throw new Error(`unknown flag ${args[i]}; known: ${Object.keys(DEFAULTS).map((k) => `--${k.replaceAll("_", "-")}`).join(" ")}`);
    config[key] = key === "data" ? args[i + 1] : Number(args[i + 1]);
  }
  for (const [key, value] of Object.entries(config)) {
    if (key !== "data" && !Number.isFinite(Number(value))) throw new Error(`${key} must be a number (got ${value})`);
  }
  return {
    ...config,
    hidden: Math.round(config.hidden),
    batch_size: Math.max(1, Math.round(config.batch_size)),
    checkpointDir: env.HYPERSIEVE_CHECKPOINT_DIR || "",
    resumeFrom: env.HYPERSIEVE_RESUME_FROM || "",
    fromEpoch: Number(env.HYPERSIEVE_FROM_EPOCH || 0),
  };
}

/** mulberry32: a small seeded generator, so a trial trains the same way every time. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

// --- data: a fixed stratified 70/30 split, features standardized on the training part ---
function loadData(file) {
  const rows = fs.readFileSync(file, "utf8").trim().split("\n").slice(1).map((line) => line.split(",").map(Number));
  const x = rows.map((r) => r.slice(0, -1));
  const y = rows.map((r) => r[r.length - 1]);
  const classes = Math.max(...y) + 1;
  const random = rng(12345); // the split is the same for every trial, whatever its seed
  const train = [];
  const val = [];
  for (let c = 0; c < classes; c++) {
    const members = shuffle(y.flatMap((label, i) => (label === c ? [i] : [])), random);
    const cut = Math.round(members.length * 0.3);
    val.push(...members.slice(0, cut));
    train.push(...members.slice(cut));
  }
  const d = x[0].length;
  const mean = Array.from({ length: d }, (_, j) => train.reduce((s, i) => s + x[i][j], 0) / train.length);
  const std = Array.from({ length: d }, (_, j) => Math.sqrt(train.reduce((s, i) => s + (x[i][j] - mean[j]) ** 2, 0) / train.length) || 1);
  const scaled = x.map((r) => r.map((v, j) => (v - mean[j]) / std[j]));
  return { x: scaled, y, train, val, d, classes };
}

// --- the model: d -> hidden (tanh) -> classes (softmax) -----------------------
function initModel(d, hidden, classes, seed) {
  const random = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const w1 = Array.from({ length: hidden * d }, () => gauss() * Math.sqrt(1 / d));
  const w2 = Array.from({ length: classes * hidden }, () => gauss() * Math.sqrt(1 / hidden));
  const params = { w1, b1: new Array(hidden).fill(0), w2, b2: new Array(classes).fill(0) };
  const velocity = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, new Array(v.length).fill(0)]));
  return { d, hidden, classes, params, velocity };
}

function forward(model, xi) {
  const { d, hidden, classes, params } = model;
  const h = new Array(hidden);
  for (let u = 0; u < hidden; u++) {
    let s = params.b1[u];
    for (let j = 0; j < d; j++) s += params.w1[u * d + j] * xi[j];
    h[u] = Math.tanh(s);
  }
  const logits = new Array(classes);
  for (let c = 0; c < classes; c++) {
    let s = params.b2[c];
    for (let u = 0; u < hidden; u++) s += params.w2[c * hidden + u] * h[u];
    logits[c] = s;
  }
  const top = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - top));
  const sum = exp.reduce((a, b) => a + b, 0);
  return { h, p: exp.map((e) => e / sum) };
}

function step(model, data, batch, config) {
  const { d, hidden, classes, params, velocity } = model;
  const grad = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, new Array(v.length).fill(0)]));
  for (const i of batch) {
    const xi = data.x[i];
    const { h, p } = forward(model, xi);
    const dlogits = p.map((pc, c) => (pc - (c === data.y[i] ? 1 : 0)) / batch.length);
    const dh = new Array(hidden).fill(0);
    for (let c = 0; c < classes; c++) {
      grad.b2[c] += dlogits[c];
      for (let u = 0; u < hidden; u++) {
        grad.w2[c * hidden + u] += dlogits[c] * h[u];
        dh[u] += dlogits[c] * params.w2[c * hidden + u];
      }
    }
    for (let u = 0; u < hidden; u++) {
      const ds = dh[u] * (1 - h[u] * h[u]);
      grad.b1[u] += ds;
      for (let j = 0; j < d; j++) grad.w1[u * d + j] += ds * xi[j];
    }
  }
  for (const key of Object.keys(params)) {
    const decay = key.startsWith("w") ? config.weight_decay : 0;
    const w = params[key];
    const v = velocity[key];
    for (let k = 0; k < w.length; k++) {
      v[k] = config.momentum * v[k] + grad[key][k] + decay * w[k];
      w[k] -= config.lr * v[k];
    }
  }
}

function evaluate(model, data, indices) {
  let loss = 0;
  let correct = 0;
  for (const i of indices) {
    const { p } = forward(model, data.x[i]);
    loss -= Math.log(Math.max(p[data.y[i]], 1e-12));
    if (p.indexOf(Math.max(...p)) === data.y[i]) correct++;
  }
  return { loss: loss / indices.length, accuracy: correct / indices.length };
}

// --- checkpoints: one file per epoch, written before the epoch is reported ----
function saveCheckpoint(dir, epoch, model) {
  const file = path.join(dir, `epoch-${epoch}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ epoch, params: model.params, velocity: model.velocity }));
  fs.renameSync(`${file}.tmp`, file); // a kill mid-write never leaves a torn checkpoint
  // Keep a few: after a stop, the job that resumes may need one older than the newest.
  fs.rmSync(path.join(dir, `epoch-${epoch - 3}.json`), { force: true });
}

/** The newest checkpoint at or before the epoch this job starts from, or null. */
function loadCheckpoint(dir, fromEpoch) {
  if (!dir || !fs.existsSync(dir)) return null;
  const epochs = fs.readdirSync(dir)
    .map((f) => /^epoch-(\d+)\.json$/.exec(f))
    .filter((m) => m && Number(m[1]) <= fromEpoch)
    .map((m) => Number(m[1]));
  if (epochs.length === 0) return null;
  return JSON.parse(fs.readFileSync(path.join(dir, `epoch-${Math.max(...epochs)}.json`), "utf8"));
}

/**
 * The persistent and worker protocols' instructions, one JSON object a line
 * on stdin: {kind: "continue", to}, {kind: "start", config} (another trial's
 * job, set up as if the process had been started with its argv and
 * environment), or null to stop (a stop instruction, the end of stdin, or
 * SIGTERM while waiting).
 */
function instructions(terminated) {
  const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  return async () => {
    const next = await Promise.race([lines.next(), terminated]);
    if (!next || next.done) return null;
    const instruction = JSON.parse(next.value);
    if (instruction.stop) return null;
    if (Number.isInteger(instruction.continue_to)) return { kind: "continue", to: instruction.continue_to };
    if (instruction.start) return { kind: "start", config: configuration({ ...process.env, ...instruction.start.env }, instruction.start.argv.slice(2)) };
    throw new Error(`unknown instruction ${next.value}`);
  };
}

const datasets = new Map();

/** Trains one trial from its config; resolves with the next trial's config (worker protocol) or null when done. */
async function trial(config, nextInstruction, isStopping) {
  if (!datasets.has(config.data)) datasets.set(config.data, loadData(config.data));
  const data = datasets.get(config.data);
  const model = initModel(data.d, config.hidden, data.classes, config.seed);
  let start = 0;
  const checkpoint = loadCheckpoint(config.resumeFrom, config.fromEpoch);
  if (checkpoint) {
    model.params = checkpoint.params;
    model.velocity = checkpoint.velocity;
    start = checkpoint.epoch;
    console.error(`resumed from epoch ${start}`);
  }
  if (config.checkpointDir) fs.mkdirSync(config.checkpointDir, { recursive: true });

  let target = config.epochs;
  for (let epoch = start + 1; ; epoch++) {
    if (epoch > target) {
      // Per-job protocol: done. Persistent: wait, with the model in memory, for the trial's next job.
      const next = nextInstruction ? await nextInstruction() : null;
      if (next === null) return null;
      if (next.kind === "start") return next.config;
      target = next.to;
    }
    // The shuffle depends on (seed, epoch) alone, so a resumed trial trains exactly as an uninterrupted one.
    const order = shuffle([...data.train], rng(config.seed * 100003 + epoch));
    for (let b = 0; b < order.length; b += config.batch_size) step(model, data, order.slice(b, b + config.batch_size), config);
    const val = evaluate(model, data, data.val);
    const train = evaluate(model, data, data.train);
    if (config.checkpointDir) saveCheckpoint(config.checkpointDir, epoch, model);
    const value = Number.isFinite(val.loss) ? val.loss : null; // null reports a diverged run as NaN
    process.stdout.write(`${JSON.stringify({ epoch, value, accuracy: val.accuracy, train_loss: train.loss })}\n`);
    // Give a pending SIGTERM its turn: the handler runs only between tasks.
    await new Promise((resolve) => setImmediate(resolve));
    if (isStopping()) {
      console.error(`stopping after epoch ${epoch} (SIGTERM)`);
      return null;
    }
  }
}

async function main() {
  let stopping = false;
  let onTerm;
  const terminated = new Promise((resolve) => (onTerm = resolve));
  process.on("SIGTERM", () => {
    stopping = true;
    onTerm(null);
  });
  let config = configuration(process.env, process.argv.slice(2));
  // For benchmarks and tests: one line per process start.
  if (process.env.TRAIN_STARTS_FILE) fs.appendFileSync(process.env.TRAIN_STARTS_FILE, `${process.pid} ${config.fromEpoch}\n`);
  const waits = ["persistent", "worker"].includes(process.env.HYPERSIEVE_PROTOCOL);
  const nextInstruction = waits ? instructions(terminated) : null;
  while (config) config = await trial(config, nextInstruction, () => stopping);
  process.exit(0);
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(1);
});
