/**
 * Which checkpoint in a trial's folder a resumed job should load, for
 * programs that take a checkpoint file (`--resume-from epoch-12.pt`,
 * Lightning's `ckpt_path`, Hugging Face's `resume_from_checkpoint`) rather
 * than a folder. The rule is docs/command-protocol.md, "Checkpoints and
 * resuming".
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";

// "epoch-12.pt", "epoch_12.ckpt", "epoch=12-step=340.ckpt", "model.epoch12.pt"; or a bare number, "12.pt".
const EPOCH_IN_NAME = /epoch[-_=]?(\d+)/i;
const BARE_NUMBER = /^(\d+)(\.[^.]*)?$/;
// Half-written files of an atomic save (x.pt.tmp, tmpab12cd, .x.pt) and editor leftovers are never checkpoints.
const NOT_A_CHECKPOINT = /^\.|^tmp|\.(tmp|temp|part|partial|lock)$|~$/i;

/** The epoch a checkpoint's name carries, or null when it carries none. */
export function checkpointEpoch(name: string): number | null {
  const match = EPOCH_IN_NAME.exec(name) ?? BARE_NUMBER.exec(name);
  if (!match) return null;
  const epoch = Number(match[1]);
  return Number.isSafeInteger(epoch) ? epoch : null;
}

/**
 * The newest checkpoint in `dir` (a file, or a folder such as Hugging Face's
 * checkpoint-500) that a job starting after `fromEpoch` may load, as a full
 * path; "" when there is none. When any name carries an epoch, the highest
 * epoch at or before `fromEpoch` wins (a later one was saved but never
 * recorded, and resuming from it would skip epochs); otherwise the latest
 * modification time does.
 */
export function newestCheckpoint(dir: string, fromEpoch: number): string {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return "";
  }
  const candidates = names.filter((n) => !NOT_A_CHECKPOINT.test(n));
  const numbered = candidates.map((name) => ({ name, epoch: checkpointEpoch(name) })).filter((c): c is { name: string; epoch: number } => c.epoch !== null);
  const mtime = (name: string) => fs.statSync(path.join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? -Infinity;
  let best: string | undefined;
  if (numbered.length > 0) {
    const usable = numbered.filter((c) => c.epoch <= fromEpoch);
    best = usable.sort((a, b) => b.epoch - a.epoch || mtime(b.name) - mtime(a.name))[0]?.name;
  } else {
    best = candidates.map((name) => ({ name, at: mtime(name) })).filter((c) => c.at > -Infinity).sort((a, b) => b.at - a.at)[0]?.name;
  }
  return best === undefined ? "" : path.join(dir, best);
}
