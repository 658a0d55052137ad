// A stand-in training program for command.test.ts, speaking the command protocol
// (docs/command-protocol.md). Its "loss" follows x_e = x_{e-1} (1 - lr) + 0.05 / e
// from x_0 = 1, so a test can compute the exact curve. Flags choose a misbehaviour:
//   --crash-at K      print a traceback to stderr and exit 3 instead of epoch K
//   --exit-early K    exit 0 after epoch K
//   --hang-after K    go silent after epoch K
//   --skip K          never print epoch K
//   --extra-epochs N  train N epochs past --epochs
//   --garbage         print log lines and broken JSON around every epoch
//   --grandchild      start a child process (sharing our stdout) and report its pid
//   --ignore-term     ignore SIGTERM
//   --delay MS        wait between epochs (default 5)
//   --key NAME        print the value under NAME instead of "value"
//   --diverge-at K    from epoch K on, print the value as null (NaN: a diverged run) and train on
// Checkpoints go to HYPERSIEVE_CHECKPOINT_DIR as state-<e>.json, and a job
// resumes from the newest one at or before HYPERSIEVE_FROM_EPOCH in
// HYPERSIEVE_RESUME_FROM. Like many users' scripts, it can instead take
//   --checkpoint-dir DIR  save epoch-<e>.pt there (JSON inside)
//   --resume-from FILE    load exactly this file ("" = from scratch); a folder crashes it, as torch.load does
// and, to warm start from a parent trial,
//   --parent FILE         start from this checkpoint of another trial ("" = none); its lr is not carried over
//   --shrink BOOL         with "true", halve the state taken from the parent (shrink and perturb, without noise)
// Every line carries warm: 1 when the job started from --parent, else 0.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

const params = JSON.parse(process.env.HYPERSIEVE_PARAMS ?? "{}");
const lr = Number(option("lr", params.lr));
const toEpoch = Number(option("epochs", process.env.HYPERSIEVE_EPOCHS));
const dir = process.env.HYPERSIEVE_CHECKPOINT_DIR ?? "";
const resumeFrom = process.env.HYPERSIEVE_RESUME_FROM ?? "";
const fileMode = args.includes("--checkpoint-dir") || args.includes("--resume-from");
const checkpointDir = option("checkpoint-dir", "");
const resumeFile = option("resume-from", "");
const fromEpoch = Number(process.env.HYPERSIEVE_FROM_EPOCH ?? 0);
const delay = Number(option("delay", 5));

if (dir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("HYPERSIEVE_") || k === "OMP_NUM_THREADS"));
  fs.writeFileSync(path.join(dir, `received-${fromEpoch}.json`), JSON.stringify({ argv: args, env }));
}

process.on("SIGTERM", () => {
  if (flag("ignore-term")) return;
  if (dir) fs.writeFileSync(path.join(dir, "sigterm"), String(process.pid));
  process.exit(0);
});

let grandchild = 0;
if (flag("grandchild")) {
  const sleeper = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: ["ignore", "inherit", "inherit"] });
  grandchild = sleeper.pid;
}

const parentFile = option("parent", "");

/** The newest checkpoint at or before the epoch the job starts from. */
function loadCheckpoint() {
  if (parentFile) {
    const parent = JSON.parse(fs.readFileSync(parentFile, "utf8"));
    return { epoch: parent.epoch, x: option("shrink", "false") === "true" ? 0.5 * parent.x : parent.x };
  }
  if (fileMode) return resumeFile ? JSON.parse(fs.readFileSync(resumeFile, "utf8")) : { epoch: 0, x: 1 };
  if (!resumeFrom) return { epoch: 0, x: 1 };
  const epochs = fs.readdirSync(resumeFrom)
    .map((f) => /^state-(\d+)\.json$/.exec(f))
    .filter(Boolean)
    .map((m) => Number(m[1]))
    .filter((e) => e <= fromEpoch);
  if (epochs.length === 0) return { epoch: 0, x: 1 };
  return JSON.parse(fs.readFileSync(path.join(resumeFrom, `state-${Math.max(...epochs)}.json`), "utf8"));
}

function saveCheckpoint(state) {
  if (fileMode) {
    if (!checkpointDir) return;
    const file = path.join(checkpointDir, `epoch-${state.epoch}.pt`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
    fs.renameSync(`${file}.tmp`, file);
    return;
  }
  if (!dir) return;
  const file = path.join(dir, `state-${state.epoch}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
  fs.renameSync(`${file}.tmp`, file);
  fs.rmSync(path.join(dir, `state-${state.epoch - 3}.json`), { force: true });
}

const garbage = [
  "loading data...",
  '{"epoch": "2", "value": 0.5}',
  '{"epoch": 2.5, "value": 0.5}',
  '{"epoch": 0, "value": 0.5}',
  '{"value": 0.5}',
  '{"epoch": 1, "value": "low"}',
  '{"epoch": 7, "value": 0.5',
  "[1, 2, 3]",
  "epoch 3 value 0.5",
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let state = loadCheckpoint();
const startEpoch = state.epoch;
const lastEpoch = toEpoch + Number(option("extra-epochs", 0));

for (let epoch = state.epoch + 1; epoch <= lastEpoch; epoch++) {
  await sleep(delay);
  if (Number(option("crash-at", 0)) === epoch) {
    for (let i = 0; i < 25; i++) process.stderr.write(`trace line ${i}\n`);
    process.stderr.write(`RuntimeError: boom at epoch ${epoch}\n`);
    process.exit(3);
  }
  state = { epoch, x: state.x * (1 - lr) + 0.05 / epoch };
  saveCheckpoint(state);
  if (flag("garbage")) for (const line of garbage) process.stdout.write(`${line}\n`);
  if (Number(option("skip", 0)) !== epoch) {
    const diverged = Number(option("diverge-at", 0)) > 0 && epoch >= Number(option("diverge-at", 0));
    const line = { epoch, [option("key", "value")]: diverged ? null : state.x, argv_lr: Number(option("lr")), echo_lr: params.lr, pid: process.pid, start_epoch: startEpoch, warm: parentFile ? 1 : 0, note: "text is not a metric" };
    if (grandchild) line.grandchild_pid = grandchild;
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  if (Number(option("exit-early", 0)) === epoch) process.exit(0);
  if (Number(option("hang-after", 0)) === epoch) setInterval(() => {}, 1000), await new Promise(() => {});
}
process.exit(0);
