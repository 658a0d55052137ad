#!/usr/bin/env node
// A stand-in training program for the Slurm demo, in plain Node with no dependencies: each epoch
// takes EPOCH_SECONDS (default 1) and the loss follows a curve set by lr and width. It follows
// docs/command-protocol.md like a real one: params from HYPERSIEVE_PARAMS, one JSON line per epoch,
// a checkpoint per epoch in HYPERSIEVE_CHECKPOINT_DIR (written before the line), resume from the
// checkpoint of HYPERSIEVE_FROM_EPOCH in HYPERSIEVE_RESUME_FROM, and on SIGTERM it finishes the
// epoch it is in, reports it and exits 0.
import fs from "node:fs";
import path from "node:path";

const params = JSON.parse(process.env.HYPERSIEVE_PARAMS || "{}");
const lr = Number(params.lr ?? 0.01);
const width = Number(params.width ?? 64);
const epochs = Number(process.env.HYPERSIEVE_EPOCHS || 6);
const from = Number(process.env.HYPERSIEVE_FROM_EPOCH || 0);
const dir = process.env.HYPERSIEVE_CHECKPOINT_DIR || "";
const resume = process.env.HYPERSIEVE_RESUME_FROM || "";
const epochMs = Number(process.env.EPOCH_SECONDS || 1) * 1000;

let stopping = false;
process.on("SIGTERM", () => (stopping = true));

let state = { epoch: 0, weight: 0 };
const checkpoint = resume && path.join(resume, `epoch-${from}.json`);
if (checkpoint && fs.existsSync(checkpoint)) {
  state = JSON.parse(fs.readFileSync(checkpoint, "utf8"));
  console.error(`resumed from ${checkpoint}`);
} else if (from > 0) {
  console.error(`no checkpoint of epoch ${from}: training from scratch`);
}

for (let epoch = state.epoch + 1; epoch <= epochs; epoch++) {
  await new Promise((resolve) => setTimeout(resolve, epochMs));
  // "Training": the weight moves towards 1 at a rate set by lr; too large an lr overshoots.
  const rate = Math.min(1.9, lr * 20);
  state = { epoch, weight: state.weight + rate * (1 - state.weight) };
  const loss = (1 - state.weight) ** 2 + 0.05 * Math.abs(Math.log2(width / 96)) + 0.01 / epoch;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `epoch-${epoch}.json`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
    fs.renameSync(`${file}.tmp`, file);
  }
  process.stdout.write(`${JSON.stringify({ epoch, loss })}\n`);
  if (stopping) {
    console.error(`stopping after epoch ${epoch} (SIGTERM)`);
    process.exit(0);
  }
}
