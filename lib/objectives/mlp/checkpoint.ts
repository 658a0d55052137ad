/**
 * Checkpoints of MLP training: the whole state that the next epoch depends on
 * (weights, optimizer moments and step count, epoch) in a compact binary —
 * magic, a small JSON header, then a little-endian Float32 payload — and
 * crash-safe files, one per epoch, in a trial's checkpoint folder.
 */
import fs from "node:fs";
import path from "node:path";
import type { Model } from "./epoch";
import { layoutOf, type NetworkSpec } from "./network";
import type { OptimizerKind } from "./optimizer";

/** What training needs to go on from the end of `epoch` exactly as if it had never stopped. */
export type TrainingState = {
  epoch: number;
  model: Model;
  /** The best validation loss so far and its epoch, so pruning can keep the best checkpoint. */
  best: { epoch: number; valLoss: number } | null;
  /** Free-form facts about the trial (its params), recorded for whoever inspects the file. */
  meta?: Record<string, unknown>;
};

type Header = {
  version: 1;
  epoch: number;
  spec: NetworkSpec;
  optimizer: { kind: OptimizerKind; step: number };
  best: { epoch: number; valLoss: number | null } | null;
  meta?: Record<string, unknown>;
  arrays: { name: string; length: number }[];
};

const MAGIC = "HSCK";
const PREFIX = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Serializes a training state to bytes. */
export function encodeCheckpoint(state: TrainingState): Uint8Array {
  const { model } = state;
  const arrays = [{ name: "weights", data: model.weights }, ...model.optimizer.buffers.map((data, i) => ({ name: `optimizer.${i}`, data }))];
  const header: Header = {
    version: 1,
    epoch: state.epoch,
    spec: model.spec,
    optimizer: { kind: model.optimizer.kind, step: model.optimizer.step },
    // JSON has no NaN or Infinity: a diverged best is stored as null.
    best: state.best ? { epoch: state.best.epoch, valLoss: Number.isFinite(state.best.valLoss) ? state.best.valLoss : null } : null,
    ...(state.meta ? { meta: state.meta } : {}),
    arrays: arrays.map((a) => ({ name: a.name, length: a.data.length })),
  };
  let json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the Float32 payload starts 4-byte aligned.
  const padded = Math.ceil((PREFIX + json.length) / 4) * 4 - PREFIX;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const floats = arrays.reduce((n, a) => n + a.data.length, 0);
  const bytes = new Uint8Array(PREFIX + json.length + floats * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, PREFIX);
  let offset = PREFIX + json.length;
  const view = new DataView(bytes.buffer);
  for (const { data } of arrays) {
    if (LITTLE_ENDIAN) new Float32Array(bytes.buffer, offset, data.length).set(data);
    else for (let i = 0; i < data.length; i++) view.setFloat32(offset + 4 * i, data[i], true);
    offset += data.length * 4;
  }
  return bytes;
}

/** Parses bytes written by encodeCheckpoint; throws on anything torn, foreign or inconsistent. */
export function decodeCheckpoint(bytes: Uint8Array): TrainingState {
  if (bytes.length < PREFIX || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error("not a Hypersieve MLP checkpoint (bad magic)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (PREFIX + headerLength > bytes.length) throw new Error("checkpoint header is truncated");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerLength))) as Header;
  if (header.version !== 1) throw new Error(`checkpoint version ${header.version} is not supported`);
  const floats = header.arrays.reduce((n, a) => n + a.length, 0);
  if (bytes.length !== PREFIX + headerLength + floats * 4) {
    throw new Error(`checkpoint payload has ${bytes.length - PREFIX - headerLength} bytes, header promises ${floats * 4}`);
  }
  const layout = layoutOf(header.spec);
  const expected = header.optimizer.kind === "sgd" ? 2 : 3;
  if (header.arrays.length !== expected || header.arrays.some((a) => a.length !== layout.total)) {
    throw new Error(`checkpoint arrays do not fit a ${header.optimizer.kind} network of ${layout.total} parameters`);
  }
  let offset = PREFIX + headerLength;
  const arrays = header.arrays.map(({ length }) => {
    const data = new Float32Array(length);
    for (let i = 0; i < length; i++) data[i] = view.getFloat32(offset + 4 * i, true);
    offset += length * 4;
    return data;
  });
  const [weights, ...buffers] = arrays;
  return {
    epoch: header.epoch,
    model: {
      spec: header.spec,
      layout,
      weights,
      grad: new Float64Array(weights.length),
      optimizer: { kind: header.optimizer.kind, step: header.optimizer.step, buffers },
    },
    best: header.best ? { epoch: header.best.epoch, valLoss: header.best.valLoss ?? NaN } : null,
    ...(header.meta ? { meta: header.meta } : {}),
  };
}

/** The file of the checkpoint at the end of `epoch`. */
export function checkpointPath(dir: string, epoch: number): string {
  return path.join(dir, `epoch-${String(epoch).padStart(6, "0")}.ckpt`);
}

/**
 * Writes a checkpoint to a temporary file, flushes it, then renames it into
 * place: a rename is atomic, so a crash leaves the old file or the new one,
 * never a torn one.
 */
export function saveCheckpoint(dir: string, state: TrainingState): string {
  fs.mkdirSync(dir, { recursive: true });
  const target = checkpointPath(dir, state.epoch);
  const temp = `${target}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = fs.openSync(temp, "w");
  try {
    fs.writeSync(fd, encodeCheckpoint(state));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  return target;
}

/** The epochs that have a checkpoint in `dir`, ascending; empty when the folder does not exist. */
export function checkpointEpochs(dir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => /^epoch-(\d+)\.ckpt$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Loads the checkpoint of `epoch`, or null when there is none. */
export function loadCheckpoint(dir: string, epoch: number): TrainingState | null {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(checkpointPath(dir, epoch));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return decodeCheckpoint(bytes);
}

/** Deletes every checkpoint of `dir` except those of the listed epochs (and leftover temporary files). */
export function pruneCheckpoints(dir: string, keep: Iterable<number>): void {
  const kept = new Set(keep);
  for (const epoch of checkpointEpochs(dir)) if (!kept.has(epoch)) fs.rmSync(checkpointPath(dir, epoch), { force: true });
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    // Only one job writes a trial's folder at a time, so any temporary file here is a crash's leftover.
    if (name.endsWith(".tmp")) fs.rmSync(path.join(dir, name), { force: true });
  }
}
