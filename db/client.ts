/**
 * The one SQLite connection of this process, opened lazily (so `next build`
 * never opens it) and kept on globalThis so dev reloads do not reopen it.
 * Migrations are applied on first open.
 */
import "server-only";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

type Holder = { db: Db; file: string };
const globalKey = Symbol.for("hypersieve.db");
const holder = globalThis as unknown as { [globalKey]?: Holder };

/** The database file: HYPERSIEVE_DB, or data/hypersieve.db under the working directory. */
export function databaseFile(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.HYPERSIEVE_DB ?? path.join("data", "hypersieve.db"));
}

/** Opens a database file with WAL, a busy timeout and foreign keys, and migrates it. */
export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    return configure(sqlite);
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** Sets the pragmas and applies the migrations. */
function configure(sqlite: Database.Database): Db {
  sqlite.pragma("journal_mode = WAL");
  // In WAL mode, NORMAL keeps every committed transaction through a crash of the process (SIGKILL
  // included); FULL also survives a power loss, at one fsync per report. HYPERSIEVE_SYNC=full opts in.
  sqlite.pragma(`synchronous = ${process.env.HYPERSIEVE_SYNC === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: path.join(/*turbopackIgnore: true*/ process.cwd(), "db", "migrations") });
  // Waiting on another process's lock blocks the event loop: wait briefly here, and let the callers hold
  // their writes and retry on a timer (lib/engine/write-lane.ts) or answer 503 with Retry-After.
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db as Db;
}

/** How long one write waits, blocking, for another process's lock before SQLITE_BUSY (HYPERSIEVE_BUSY_MS). */
export const BUSY_TIMEOUT_MS = Math.max(0, Number(process.env.HYPERSIEVE_BUSY_MS ?? 20) || 0);

/** Runs `work` with a longer busy timeout: start-up, before anything is served, may wait out a lock. */
export function withPatientLocks<T>(db: Db, ms: number, work: () => T): T {
  db.$client.pragma(`busy_timeout = ${ms}`);
  try {
    return work();
  } finally {
    db.$client.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

const UNAVAILABLE = Symbol.for("hypersieve.database-unavailable");

/** The database could not be opened or migrated; the message names the file and the cause (route helpers answer 503 with it). */
export class DatabaseUnavailableError extends Error {
  readonly [UNAVAILABLE] = true;

  constructor(file: string, cause: unknown) {
    super(`database unavailable: ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "DatabaseUnavailableError";
  }
}

/** This process's connection, opened on first use; throws DatabaseUnavailableError when the file cannot be used. */
export function getDb(): Db {
  const file = databaseFile();
  const current = holder[globalKey];
  if (current && current.file === file) return current.db;
  current?.db.$client.close();
  delete holder[globalKey];
  let db: Db;
  try {
    db = openDatabase(file);
  } catch (error) {
    throw new DatabaseUnavailableError(file, error);
  }
  holder[globalKey] = { db, file };
  return db;
}

/** Closes this process's connection (tests and clean shutdown). */
export function closeDb(): void {
  holder[globalKey]?.db.$client.close();
  delete holder[globalKey];
}
