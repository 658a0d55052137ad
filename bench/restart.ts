/**
 * Restart cost: builds a study of N reports on a table objective in a fresh
 * database (the engine, no delay), lets go of it as a crash would, then times
 * what a restart does for it: reading the event log, replaying it into the
 * strategy, and the whole StudyRun.load. Prints figures; not a test.
 *
 *   npx tsx --conditions=react-server bench/restart.ts [--strategy random+fifo] [--reports 10000] [--db FILE]
 *
 * With --db FILE an existing database is reused (its first study is timed).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const strategyName = arg("strategy", "random+fifo");
const reports = Number(arg("reports", "10000"));
const given = arg("db", "");
const file = given || path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-restart-")), "bench.db");
process.env.HYPERSIEVE_DB = file;

async function main(): Promise<void> {
const { getStudyIdsByStatus, getStudySummary, getReplayEvents, getStudyRecord } = await import("../db/queries");
const { getEngine } = await import("../lib/engine/engine");
const { createStudy } = await import("../lib/engine/studies");
const { StudyRun } = await import("../lib/engine/study-run");

let id: number;
if (!given || getStudyIdsByStatus("running").length === 0) {
  const built = performance.now();
  getEngine().start();
  id = createStudy({ name: "restart bench", objective: "lc-table:digits-mlp", strategy: strategyName, budget: { kind: "epochs", value: reports * 2 }, parallelism: 4, seed: 3, epochDelayMs: 0 }).id;
  while ((getStudySummary(id)?.epochsSpent ?? 0) < reports) await new Promise((r) => setTimeout(r, 50));
  await getEngine().reset();
  console.log(`built ${getStudySummary(id)!.epochsSpent} reports of ${strategyName} in ${((performance.now() - built) / 1000).toFixed(1)} s: ${file}`);
} else {
  id = getStudyIdsByStatus("running")[0];
}
const record = getStudyRecord(id)!;
const { getStrategySnapshot } = await import("../db/strategy-snapshots");
const { createStrategy } = await import("../lib/optimizer/registry");
const { replay } = await import("../lib/engine/study-run");
const { objectiveForStudy } = await import("../lib/objectives/registry");
const { schedulerSettingsOf } = await import("../db/queries");
const objective = objectiveForStudy(record.objective, record.objectiveConfig)!;
let t = performance.now();
const events = getReplayEvents(id);
const read = performance.now() - t;
t = performance.now();
const strategy = createStrategy({ name: record.strategy, space: record.space as never, direction: record.direction, maxEpochs: record.maxEpochs, seed: record.seed, settings: { patience: record.patience ?? undefined, ...schedulerSettingsOf(record) }, allowBranch: objective.info.warmStart ?? false, branchKeeps: objective.info.warmStartKeeps });
for (const e of events) replay(strategy, e.type, e.payload);
const full = performance.now() - t;
const saved = getStrategySnapshot(id);
const tail = saved ? getReplayEvents(id, saved.lastEventId).length : events.length;
const { stateToJson, stateFromJson } = await import("../lib/optimizer/state");
t = performance.now();
const json = stateToJson(strategy.save());
const save = performance.now() - t;
t = performance.now();
stateFromJson(json);
const parse = performance.now() - t;
console.log(`snapshot of the full replay: stringify ${save.toFixed(0)} ms, parse ${parse.toFixed(0)} ms, ${(json.length / 1e6).toFixed(2)} MB`);
t = performance.now();
StudyRun.load(id);
const load = performance.now() - t;
console.log(
  `study ${id} (${record.strategy}, ${record.epochsSpent} reports, ${strategy.trials.length} trials, ${events.length} replayed events): ` +
    `read log ${read.toFixed(0)} ms; full replay ${full.toFixed(0)} ms; ` +
    `snapshot ${saved ? `${(saved.state.length / 1e6).toFixed(2)} MB, ${tail} events after it` : "none"}; StudyRun.load ${load.toFixed(0)} ms`,
);
}

void main();
