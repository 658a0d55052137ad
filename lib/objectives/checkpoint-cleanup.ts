/**
 * A finished trial's checkpoints: which file is its best, and the clean-up
 * that keeps the best and the newest and deletes the rest. Files are told
 * apart by the epoch in their names (checkpoint-file.ts checkpointEpoch:
 * `epoch-12.pt`, `epoch=12-step=340.ckpt`, the MLP's `epoch-000012.ckpt`,
 * `12.pt`, an `epoch-12/` folder); a name without an epoch — `last.pt`,
 * Hugging Face's `checkpoint-<step>` folders — is never deleted, since
 * nothing says which epoch it holds.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { checkpointEpoch } from "./checkpoint-file";

// Half-written files of an atomic save and editor leftovers, as in checkpoint-file.ts.
const NOT_A_CHECKPOINT = /^\.|^tmp|\.(tmp|temp|part|partial|lock)$|~$/i;

function entries(dir: string): { name: string; epoch: number | null }[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => !NOT_A_CHECKPOINT.test(n))
      .map((name) => ({ name, epoch: checkpointEpoch(name) }));
  } catch {
    return [];
  }
}

/**
 * The checkpoint of a trial's best epoch in its folder, as a full path: the
 * file (or folder) whose name carries that epoch, else one named for the
 * best (`best.pt`, `model_best.pth`); null when there is none.
 */
export function bestCheckpointOf(dir: string, bestEpoch: number): string | null {
  const all = entries(dir);
  const exact = all.find((e) => e.epoch === bestEpoch);
  const named = exact ?? all.find((e) => /best/i.test(e.name));
  return named ? path.join(dir, named.name) : null;
}

/** What a clean-up did: the files it deleted and the epochs it kept. */
export type CleanupResult = { deleted: string[]; kept: number[] };

/**
 * Deletes the epoch checkpoints of a finished trial's folder except the best
 * epoch's, the newest, and those of `alsoKeep` (epochs its branches start
 * from). When no file carries the best epoch, the newest one at or before it
 * is kept instead, so the best weights that exist stay. Names without an
 * epoch, and every file of a folder where no name carries one, are left.
 */
export function cleanupCheckpoints(dir: string, bestEpoch: number | null, alsoKeep: Iterable<number> = []): CleanupResult {
  const numbered = entries(dir).filter((e): e is { name: string; epoch: number } => e.epoch !== null);
  if (numbered.length === 0) return { deleted: [], kept: [] };
  const epochs = [...new Set(numbered.map((e) => e.epoch))].sort((a, b) => a - b);
  const keep = new Set<number>([epochs[epochs.length - 1], ...alsoKeep]);
  if (bestEpoch !== null) {
    const atOrBefore = epochs.filter((e) => e <= bestEpoch);
    if (atOrBefore.length > 0) keep.add(atOrBefore[atOrBefore.length - 1]);
  }
  const deleted: string[] = [];
  for (const e of numbered) {
    if (keep.has(e.epoch)) continue;
    const file = path.join(dir, e.name);
    fs.rmSync(file, { recursive: true, force: true });
    deleted.push(file);
  }
  return { deleted, kept: epochs.filter((e) => keep.has(e)) };
}
