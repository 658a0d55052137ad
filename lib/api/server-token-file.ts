/** Makes the server token at start-up and writes it beside the database, mode 0600 (see server-token.ts). */
import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { setServerToken, tokenFileOf } from "./server-token";

/** Why a token the user chose cannot be the server's, or null. */
export function serverTokenProblem(token: string): string | null {
  if (token.length < 16) return "HYPERSIEVE_TOKEN must be at least 16 characters";
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(token)) return "HYPERSIEVE_TOKEN must be letters, digits and . _ ~ + / = - only (it travels in a cookie and a header)";
  // The agent command reads HYPERSIEVE_TOKEN too: a study's agent token left in the shell must not become the master key.
  if (token.startsWith("hs_")) return "HYPERSIEVE_TOKEN looks like a study's agent token (hs_…); a server token must be another secret";
  return null;
}

/**
 * Sets this process's server token (HYPERSIEVE_TOKEN, or a new random one)
 * and writes it to the token file with mode 0600. Only the database's owner
 * calls it, so a refused second server never overwrites the owner's file.
 */
export function establishServerToken(dbFile: string, env: Record<string, string | undefined> = process.env): { token: string; file: string } {
  const given = env.HYPERSIEVE_TOKEN?.trim();
  if (given) {
    const problem = serverTokenProblem(given);
    if (problem) throw new Error(problem);
  }
  const token = given || `hst_${randomBytes(24).toString("base64url")}`;
  const file = tokenFileOf(dbFile);
  // Created 0600, and chmod'ed in case an older file had wider bits; written through the descriptor so no other mode ever holds it.
  const fd = fs.openSync(file, "w", 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, `${token}\n`);
  } finally {
    fs.closeSync(fd);
  }
  setServerToken({ token, file });
  return { token, file };
}

