/**
 * Statements prepared once per connection, for the hot paths (an agent's
 * report and claim): drizzle builds and prepares its SQL again on every
 * call, which cost more than the statements themselves under load.
 */
import "server-only";
import type Database from "better-sqlite3";
import { getDb } from "./client";

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The prepared statement of this SQL text on the current connection. */
export function statement(sqlText: string): Database.Statement {
  const client = getDb().$client;
  let statements = cache.get(client);
  if (!statements) cache.set(client, (statements = new Map()));
  let prepared = statements.get(sqlText);
  if (!prepared) statements.set(sqlText, (prepared = client.prepare(sqlText)));
  return prepared;
}

/** Runs `run` in one transaction of the current connection (a savepoint inside another). */
export function inTransaction<T>(run: () => T): T {
  return getDb().$client.transaction(run)();
}
