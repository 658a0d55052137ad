/**
 * One owner per database: exactly one process (a server, or `hypersieve run`)
 * drives a database's studies. The owner holds an exclusive SQLite lock on a
 * small lock file beside the database (`<db>.lock`); the operating system
 * drops that lock when the process ends, however it ends (SIGKILL included),
 * so a crashed owner never leaves a stale lock behind and a reused pid cannot
 * fake one. `<db>.owner` names the owner's pid, for the message a second
 * process gets; it is advice, never the lock itself.
 */
import "server-only";
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { DatabaseUnavailableError } from "./client";

const IN_USE = Symbol.for("hypersieve.database-in-use");

/** Another live process owns the database; the message names the database and, when known, the owner's pid. */
export class DatabaseInUseError extends Error {
  readonly [IN_USE] = true;

  constructor(
    readonly file: string,
    readonly ownerPid: number | null,
  ) {
    super(`the database ${file} is in use by ${ownerPid === null ? "another process" : `process ${ownerPid}`}, which drives its studies`);
    this.name = "DatabaseInUseError";
  }
}

/** Whether a thrown value is a DatabaseInUseError, from whichever bundle. */
export function isDatabaseInUse(error: unknown): error is DatabaseInUseError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[IN_USE] === true;
}

const heldKey = Symbol.for("hypersieve.db-owner");
const holder = globalThis as unknown as { [heldKey]?: Map<string, Database.Database> };

function held(): Map<string, Database.Database> {
  return (holder[heldKey] ??= new Map());
}

/** The lock file of a database. */
export function lockFileOf(dbFile: string): string {
  return `${dbFile}.lock`;
}

/** The file naming the owner's pid. */
export function ownerFileOf(dbFile: string): string {
  return `${dbFile}.owner`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid the owner file names, when that process is alive (a stale file names nobody). */
export function ownerPidOf(dbFile: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(ownerFileOf(dbFile), "utf8");
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
}

/**
 * Makes this process the database's owner, or throws DatabaseInUseError when
 * another live process is. Idempotent within a process.
 */
export function acquireOwnership(dbFile: string): void {
  const file = path.resolve(dbFile);
  if (held().has(file)) return;
  let lock: Database.Database;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    lock = new Database(lockFileOf(file), { timeout: 0 });
  } catch (error) {
    throw new DatabaseUnavailableError(file, `cannot open its lock file ${lockFileOf(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    // In exclusive locking mode SQLite keeps the write lock it takes until the connection closes.
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS owner (pid INTEGER NOT NULL); DELETE FROM owner; COMMIT;");
    lock.prepare("INSERT INTO owner (pid) VALUES (?)").run(process.pid);
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY") || (error as { code?: string }).code?.startsWith("SQLITE_LOCKED")) {
      throw new DatabaseInUseError(file, ownerPidOf(file));
    }
    throw new DatabaseUnavailableError(file, `cannot lock ${lockFileOf(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  fs.writeFileSync(ownerFileOf(file), `${process.pid}\n`);
  held().set(file, lock);
}

/** Gives up ownership of a database this process holds (clean shutdown, tests); the OS does it at exit anyway. */
export function releaseOwnership(dbFile: string): void {
  const file = path.resolve(dbFile);
  const lock = held().get(file);
  if (!lock) return;
  held().delete(file);
  try {
    if (fs.readFileSync(ownerFileOf(file), "utf8").trim() === String(process.pid)) fs.rmSync(ownerFileOf(file), { force: true });
  } catch {}
  lock.close();
}

/** Whether this process owns the database. */
export function ownsDatabase(dbFile: string): boolean {
  return held().has(path.resolve(dbFile));
}
