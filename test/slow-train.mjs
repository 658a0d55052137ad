#!/usr/bin/env node
// A training program for agent tests: one epoch every EPOCH_MS (default 300), value x + 1/epoch,
// a checkpoint epoch-N.json per epoch, resume from HYPERSIEVE_RESUME_FROM, and on SIGTERM it finishes
// the epoch it is in and exits 0. It writes its pid (and its helper's, with SPAWN_HELPER=1) into PID_DIR.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const params = JSON.parse(process.env.HYPERSIEVE_PARAMS || "{}");
const epochs = Number(process.env.HYPERSIEVE_EPOCHS);
const dir = process.env.HYPERSIEVE_CHECKPOINT_DIR;
const resume = process.env.HYPERSIEVE_RESUME_FROM;
const from = Number(process.env.HYPERSIEVE_FROM_EPOCH || 0);
const epochMs = Number(process.env.EPOCH_MS || 300);
if (process.env.PID_DIR) fs.writeFileSync(path.join(process.env.PID_DIR, String(process.pid)), "program");
if (process.env.SPAWN_HELPER === "1") {
  // A process the program started (a data loader's worker, say): it shares the program's group.
  const helper = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  if (process.env.PID_DIR) fs.writeFileSync(path.join(process.env.PID_DIR, String(helper.pid)), "helper");
}
let start = 0;
if (resume && fs.existsSync(path.join(resume, `epoch-${from}.json`))) start = JSON.parse(fs.readFileSync(path.join(resume, `epoch-${from}.json`), "utf8")).epoch;
let stopping = false;
process.on("SIGTERM", () => (stopping = true));
for (let epoch = start + 1; epoch <= epochs; epoch++) {
  await new Promise((r) => setTimeout(r, epochMs));
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `epoch-${epoch}.json.tmp`), JSON.stringify({ epoch }));
    fs.renameSync(path.join(dir, `epoch-${epoch}.json.tmp`), path.join(dir, `epoch-${epoch}.json`));
  }
  process.stdout.write(`${JSON.stringify({ epoch, loss: Number(params.x) + 1 / epoch })}\n`);
  if (stopping) {
    console.error(`stopping after epoch ${epoch} (SIGTERM)`);
    process.exit(0);
  }
}
process.exit(0);
