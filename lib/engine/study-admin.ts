/**
 * What users do with a study once it has run: extend a finished study's
 * budget, delete a study, annotate studies and trials.
 */
import "server-only";
import fs from "node:fs";
import { getStudyRecord, getStudySummary, getTrialRows, studyCheckpointDir } from "../../db/queries";
import { annotateStudy, annotateTrial, deleteStudyRows, extendStudyBudget } from "../../db/study-admin";
import { deleteStrategySnapshot } from "../../db/strategy-snapshots";
import type { AnnotationInput, StudySummary, TrialRow } from "../api/schemas";
import { getEngine } from "./engine";
import { InputError } from "./studies";

function existing(id: number) {
  const record = getStudyRecord(id);
  if (!record) throw new InputError([{ path: "id", message: `study ${id} does not exist` }], 404);
  return record;
}

/**
 * Raises a completed or stopped study's budget (same kind) and lets it go
 * on: its strategy is rebuilt by replaying the log, so it continues exactly
 * where it was; trials that ended with the study stay ended, new ones start.
 */
export function extendBudget(id: number, value: number): StudySummary {
  const record = existing(id);
  if (record.status !== "completed" && record.status !== "stopped") {
    const why = record.status === "failed" ? "a failed study cannot go on; fix its cause and launch a new one" : "only a completed or stopped study's budget can be extended";
    throw new InputError([{ path: "id", message: `study ${id} is ${record.status}: ${why}` }], 409);
  }
  if (value <= record.budgetValue) {
    throw new InputError([{ path: "value", message: `must exceed the current budget of ${record.budgetValue} ${record.budgetKind}` }]);
  }
  const engine = getEngine();
  engine.start();
  // The finished run is idle: drop it, so the next load replays the log under the new budget.
  engine.forget(id);
  extendStudyBudget(id, { kind: record.budgetKind, value });
  engine.launch(id);
  return getStudySummary(id)!;
}

/** Deletes a study that is not running or paused: its rows, then its checkpoint folder. */
export function deleteStudy(id: number): { id: number; checkpoints: string } {
  const record = existing(id);
  if (record.status === "running" || record.status === "paused") {
    throw new InputError([{ path: "id", message: `study ${id} is ${record.status}; stop it first (POST /api/studies/${id}/actions {"action":"stop"}), then delete it` }], 409);
  }
  const engine = getEngine();
  engine.start();
  engine.forget(id);
  deleteStrategySnapshot(id);
  deleteStudyRows(id);
  const checkpoints = studyCheckpointDir(id);
  fs.rmSync(checkpoints, { recursive: true, force: true });
  return { id, checkpoints };
}

/** Sets a study's notes and tags. */
export function annotateStudyOf(id: number, input: AnnotationInput): StudySummary {
  if (!annotateStudy(id, input)) throw new InputError([{ path: "id", message: `study ${id} does not exist` }], 404);
  return getStudySummary(id)!;
}

/** Sets a trial's notes and tags. */
export function annotateTrialOf(id: number, number: number, input: AnnotationInput): TrialRow {
  existing(id);
  if (!annotateTrial(id, number, input)) throw new InputError([{ path: "number", message: `study ${id} has no trial ${number}` }], 404);
  return getTrialRows(id, [number])[0];
}
