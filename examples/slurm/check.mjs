#!/usr/bin/env node
// The checks of run-demo.sh, read from the server's database after the study:
//   node check.mjs DB STUDY ACKS_DIR SIGNALLED_AGENT
// 1. nothing lost: every report an agent had acknowledged (its HYPERSIEVE_AGENT_ACK_LOG) is stored, same value;
// 2. the signalled agent gave its job back, and another agent finished that trial from where it stopped;
// 3. the study completed. Prints what it found; exits 1 when a check fails.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Database = require("better-sqlite3");
const [dbFile, studyArg, acksDir, signalled] = process.argv.slice(2);
const study = Number(studyArg);
const db = new Database(dbFile, { readonly: true });
const problems = [];
const check = (ok, message) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${message}`);
  if (!ok) problems.push(message);
};

const summary = db.prepare("select status, epochs_spent as spent, best_value as best from studies where id = ?").get(study);
const trials = db.prepare("select id, number, status, last_epoch as last, retrained_epochs as retrained from trials where study_id = ? order by number").all(study);
check(summary?.status === "completed", `study ${study} is ${summary?.status}: ${trials.length} trials, ${summary?.spent} epochs spent, best loss ${summary?.best}`);

const stored = new Map(
  db.prepare("select t.number as trial, m.epoch, m.value from measurements m join trials t on t.id = m.trial_id where t.study_id = ?").all(study).map((r) => [`${r.trial}:${r.epoch}`, r.value]),
);
const acks = fs
  .readdirSync(acksDir)
  .flatMap((f) => fs.readFileSync(path.join(acksDir, f), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)))
  .filter((a) => a.study === study);
const lost = acks.filter((a) => stored.get(`${a.trial}:${a.epoch}`) !== a.value);
check(acks.length > 0 && lost.length === 0, `nothing lost: ${acks.length} acknowledged reports from ${new Set(acks.map((a) => a.agent)).size} agents, ${stored.size} stored, ${lost.length} missing`);

const released = db.prepare("select payload from events where study_id = ? and type = 'trial_released'").all(study).map((e) => JSON.parse(e.payload));
const mine = released.filter((r) => r.agent === signalled);
check(mine.length === 1, `agent ${signalled} gave back ${mine.length} job(s) after SIGTERM${mine[0] ? `: trial ${mine[0].trial} at epoch ${mine[0].lastEpoch} of ${mine[0].toEpoch}` : ""}`);
if (mine[0]) {
  const { trial, lastEpoch } = mine[0];
  const after = acks.filter((a) => a.trial === trial && a.epoch > lastEpoch);
  const others = [...new Set(after.map((a) => a.agent))];
  const row = trials.find((t) => t.number === trial);
  check(
    after.length > 0 && !others.includes(signalled),
    `trial ${trial} resumed elsewhere: epochs ${lastEpoch + 1}..${row?.last} by ${others.join(", ") || "nobody"}; it ended ${row?.status}, ${row?.retrained} epochs trained again`,
  );
  const epochs = [...stored.keys()].filter((k) => k.startsWith(`${trial}:`)).map((k) => Number(k.split(":")[1])).sort((a, b) => a - b);
  check(epochs.every((e, i) => e === i + 1), `trial ${trial}'s measurements are epochs 1..${epochs.length}, each once`);
}
const failed = trials.filter((t) => t.status === "failed" || t.status === "interrupted");
check(failed.length === 0, `no trial failed or was interrupted (${failed.map((t) => `#${t.number} ${t.status}`).join(", ") || "none"})`);
process.exit(problems.length === 0 ? 0 : 1);
