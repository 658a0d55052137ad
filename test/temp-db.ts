/** Points the process's database at a fresh temporary SQLite file for one test file. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeDb, getDb } from "../db/client";
import { getEngine } from "../lib/engine/engine";

export function useTempDatabase(): { file: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-test-"));
  const file = path.join(dir, "test.db");
  process.env.HYPERSIEVE_DB = file;
  getDb();
  return { file, dir };
}

export async function closeTempDatabase(where: { dir: string }): Promise<void> {
  await getEngine().reset();
  closeDb();
  fs.rmSync(where.dir, { recursive: true, force: true });
}

/** Polls until the check passes or the timeout runs out. */
export async function waitFor(check: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
