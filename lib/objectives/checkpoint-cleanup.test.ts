import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bestCheckpointOf, cleanupCheckpoints } from "./checkpoint-cleanup";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-cleanup-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A folder holding the named files (a name ending in / is a folder, as Hugging Face saves). */
function folder(name: string, files: string[]): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) {
    if (f.endsWith("/")) fs.mkdirSync(path.join(dir, f), { recursive: true }), fs.writeFileSync(path.join(dir, f, "model.bin"), "w");
    else fs.writeFileSync(path.join(dir, f), f);
  }
  return dir;
}

const left = (dir: string) => fs.readdirSync(dir).sort();

describe("checkpoint clean-up of a finished trial", () => {
  it("keeps the best epoch's file and the newest, and deletes the other epoch files", () => {
    const dir = folder("plain", ["epoch-1.pt", "epoch-2.pt", "epoch-3.pt", "epoch-4.pt", "epoch-5.pt"]);
    const result = cleanupCheckpoints(dir, 2);
    expect(left(dir)).toEqual(["epoch-2.pt", "epoch-5.pt"]);
    expect(result.kept).toEqual([2, 5]);
    expect(result.deleted.map((f) => path.basename(f)).sort()).toEqual(["epoch-1.pt", "epoch-3.pt", "epoch-4.pt"]);
  });

  it("keeps the newest file at or before the best epoch when none names it, and the epochs branches start from", () => {
    const dir = folder("sparse", ["epoch=3-step=30.ckpt", "epoch=6-step=60.ckpt", "epoch=9-step=90.ckpt", "epoch=12-step=120.ckpt"]);
    cleanupCheckpoints(dir, 8, [3]);
    expect(left(dir)).toEqual(["epoch=12-step=120.ckpt", "epoch=3-step=30.ckpt", "epoch=6-step=60.ckpt"]);
  });

  it("deletes epoch folders like files, and leaves names without an epoch (Hugging Face's checkpoint-<step>) and half-written files alone", () => {
    const dir = folder("hf", ["epoch-1/", "epoch-2/", "epoch-3/", "checkpoint-100/", "checkpoint-200/", "last.pt", "epoch-7.pt.tmp"]);
    cleanupCheckpoints(dir, 3);
    expect(left(dir)).toEqual(["checkpoint-100", "checkpoint-200", "epoch-3", "epoch-7.pt.tmp", "last.pt"]);
  });

  it("does nothing to a folder that does not exist or has no epoch in any name", () => {
    expect(cleanupCheckpoints(path.join(root, "missing"), 3)).toEqual({ deleted: [], kept: [] });
    const dir = folder("unnamed", ["model.pt", "optimizer.pt"]);
    expect(cleanupCheckpoints(dir, 1).deleted).toEqual([]);
    expect(left(dir)).toEqual(["model.pt", "optimizer.pt"]);
  });

  it("names the best checkpoint: the file of the best epoch, else one named for the best, else none", () => {
    expect(bestCheckpointOf(folder("b1", ["epoch-1.pt", "epoch-2.pt"]), 2)).toBe(path.join(root, "b1", "epoch-2.pt"));
    expect(bestCheckpointOf(folder("b2", ["last.pt", "model_best.pth"]), 4)).toBe(path.join(root, "b2", "model_best.pth"));
    expect(bestCheckpointOf(folder("b3", ["epoch-1.pt"]), 4)).toBeNull();
    expect(bestCheckpointOf(path.join(root, "none"), 4)).toBeNull();
  });
});
