/**
 * The checkpoint clean-up of finished trials (on unless a study keeps all):
 * each trial keeps the checkpoints of its best epoch, its newest epoch, the
 * epochs its branches start from and, for a branch, the parent's checkpoint
 * it started from (so a warm start can be reproduced); the rest of its epoch
 * files go.
 */
import "server-only";
import fs from "node:fs";
import { getStudyRecord, getTrialRecords, studyCheckpointDir, trialCheckpointDir } from "../../db/queries";
import { branchEpochsOf, trialForCleanup } from "../../db/study-admin";
import { cleanupCheckpoints, type CleanupResult } from "../objectives/checkpoint-cleanup";

const FINAL = new Set(["completed", "pruned", "failed", "interrupted"]);

/** The epochs a trial keeps besides its best and newest: where its branches start, and where it started itself. */
function alsoKept(trial: { id: number; startEpoch: number }): number[] {
  return [...branchEpochsOf(trial.id), ...(trial.startEpoch > 0 ? [trial.startEpoch] : [])];
}

/**
 * Cleans up a finished trial's checkpoint folder when its study keeps only
 * the best and the newest (the default); null when there is nothing to do.
 */
export function cleanupTrialCheckpoints(studyId: number, number: number): CleanupResult | null {
  // Objectives without checkpoints (tables, synthetic functions) have no folder: no query then.
  if (!fs.existsSync(trialCheckpointDir(studyId, number))) return null;
  const study = getStudyRecord(studyId);
  if (!study || study.keepCheckpoints !== "best-and-newest" || study.objective === "agent") return null;
  const trial = trialForCleanup(studyId, number);
  if (!trial || !FINAL.has(trial.status)) return null;
  return cleanupCheckpoints(trialCheckpointDir(studyId, number), trial.bestEpoch, alsoKept(trial));
}

/** Cleans up every finished trial of a study (when it ends: trials it pruned at the end, too). */
export function cleanupStudyCheckpoints(studyId: number): number {
  const study = getStudyRecord(studyId);
  if (!study || study.keepCheckpoints !== "best-and-newest" || study.objective === "agent") return 0;
  // Objectives without checkpoints (tables, synthetic functions) have no folder: no trial to read then.
  if (!fs.existsSync(studyCheckpointDir(studyId))) return 0;
  let deleted = 0;
  for (const t of getTrialRecords(studyId)) {
    if (FINAL.has(t.status) && fs.existsSync(trialCheckpointDir(studyId, t.number))) deleted += cleanupCheckpoints(trialCheckpointDir(studyId, t.number), t.bestEpoch, alsoKept(t)).deleted.length;
  }
  return deleted;
}
