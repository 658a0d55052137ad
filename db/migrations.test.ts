import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { eq } from "drizzle-orm";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "./client";
import { studies, trials } from "./schema";

const migrations = path.join(__dirname, "migrations");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-migrations-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the migrations folder that stops at the given tag, as an older release shipped it. */
function migrationsUpTo(tag: string): string {
  const out = path.join(dir, `up-to-${tag}`);
  fs.cpSync(migrations, out, { recursive: true });
  const journalFile = path.join(out, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { idx: number; tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === tag);
  expect(last).toBeGreaterThanOrEqual(0);
  journal.entries = journal.entries.slice(0, last + 1);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return out;
}

describe("migrations", () => {
  it("upgrades a database made at 0003 to 0004, keeping its studies, with no scheduler settings", () => {
    const file = path.join(dir, "old.db");
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: migrationsUpTo("0003_agents") });
    const columns = () => (old.pragma("table_info(studies)") as { name: string }[]).map((c) => c.name);
    expect(columns()).not.toContain("scheduler_settings");
    old
      .prepare(
        `insert into studies (name, objective, metric, direction, strategy, space, budget_kind, budget_value, max_epochs, parallelism, seed, status, created_at, updated_at)
         values ('kept', 'mlp:wine', 'val_loss', 'minimize', 'sieve', '[]', 'epochs', 300, 50, 2, 7, 'paused', 't', 't')`,
      )
      .run();
    old.close();

    const db = openDatabase(file);
    try {
      expect((db.$client.pragma("table_info(studies)") as { name: string }[]).map((c) => c.name)).toContain("scheduler_settings");
      const row = db.select().from(studies).where(eq(studies.name, "kept")).get();
      expect(row).toMatchObject({ objective: "mlp:wine", strategy: "sieve", seed: 7, status: "paused", schedulerSettings: null });
      db.update(studies).set({ schedulerSettings: { warmStart: false, schedules: true } }).where(eq(studies.id, row!.id)).run();
      expect(db.select().from(studies).where(eq(studies.id, row!.id)).get()!.schedulerSettings).toEqual({ warmStart: false, schedules: true });
      expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      db.$client.close();
    }
  });

  it("upgrades a database made at 0004 to 0005: its studies and trials get empty notes and tags, and keep every checkpoint", () => {
    const file = path.join(dir, "at-0004.db");
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: migrationsUpTo("0004_scheduler_settings") });
    const info = old
      .prepare(
        `insert into studies (name, objective, metric, direction, strategy, space, budget_kind, budget_value, max_epochs, parallelism, seed, status, created_at, updated_at)
         values ('before notes', 'mlp:wine', 'val_loss', 'minimize', 'sieve', '[]', 'epochs', 300, 50, 2, 7, 'completed', 't', 't')`,
      )
      .run();
    old
      .prepare(`insert into trials (study_id, number, params, status, target_epoch, created_at, updated_at) values (?, 0, '{}', 'completed', 3, 't', 't')`)
      .run(info.lastInsertRowid);
    old.close();

    const db = openDatabase(file);
    try {
      const row = db.select().from(studies).where(eq(studies.name, "before notes")).get()!;
      expect(row).toMatchObject({ notes: "", tags: [], keepCheckpoints: "all", status: "completed" });
      expect(db.select().from(trials).where(eq(trials.studyId, row.id)).get()).toMatchObject({ notes: "", tags: [] });
      db.update(studies).set({ tags: ["kept"], notes: "n" }).where(eq(studies.id, row.id)).run();
      expect(db.select().from(studies).where(eq(studies.id, row.id)).get()).toMatchObject({ tags: ["kept"], notes: "n" });
      expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      db.$client.close();
    }
  });
});
