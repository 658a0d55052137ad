/**
 * The server token (as Jupyter's): every state-changing request except the
 * agent routes must carry it, in the HttpOnly cookie a browser gets from a
 * `?token=` link, or as `Authorization: Bearer <token>`. The server takes
 * HYPERSIEVE_TOKEN or makes a random one at start and writes it, mode 0600,
 * to `<db>.token`, so only the server's user (and its CLI) can read it:
 * loopback is no trust boundary on a machine shared with other accounts.
 *
 * No "server-only" marker: proxy.ts imports it; it touches no file (server-token-file.ts writes the token).
 */
import { createHash, timingSafeEqual } from "node:crypto";

const key = Symbol.for("hypersieve.server-token");
const holder = globalThis as unknown as { [key]?: { token: string; file: string } };

/** Sets this process's server token (server-token-file.ts, at start-up). */
export function setServerToken(value: { token: string; file: string }): void {
  holder[key] = value;
}

/** The file beside a database that holds its server's token. */
export function tokenFileOf(dbFile: string): string {
  return `${dbFile}.token`;
}

/**
 * The cookie that carries the token for the server on `port`: browsers share
 * cookies across the ports of one host, so two servers on one machine must
 * not overwrite each other's.
 */
export function tokenCookieName(port: string): string {
  return `hypersieve_token_${port.replace(/[^0-9]/g, "") || "80"}`;
}

/** This process's server token and its file, or null before start-up set them. */
export function serverToken(): { token: string; file: string } | null {
  return holder[key] ?? null;
}

/** Forgets the server token (tests). */
export function clearServerToken(): void {
  delete holder[key];
}

/** Compares two secrets in constant time (of their hashes, so lengths do not leak). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case, RFC 7235), or null. */
export function bearerOf(authorization: string | null): string | null {
  return /^bearer +(\S+) *$/i.exec(authorization ?? "")?.[1] ?? null;
}

/** The value of one cookie in a Cookie header, or null. */
export function cookieOf(cookieHeader: string | null, name: string): string | null {
  for (const part of (cookieHeader ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The port of a Host header ("80" when it names none). */
export function portOfHost(host: string | null): string {
  return /:([0-9]{1,5})$/.exec(host ?? "")?.[1] ?? "80";
}

/** Whether a request's headers carry the server token, in its cookie or as a bearer token. */
export function carriesServerToken(headers: { get(name: string): string | null }, token: string): boolean {
  const bearer = bearerOf(headers.get("authorization"));
  if (bearer !== null && sameSecret(bearer, token)) return true;
  const cookie = cookieOf(headers.get("cookie"), tokenCookieName(portOfHost(headers.get("host"))));
  return cookie !== null && sameSecret(cookie, token);
}

/** What a request without the token is told: where the token is and the two ways to send it. */
export function missingTokenMessage(file: string | null): string {
  const where = file ? `it is in ${file} (readable only by the server's user)` : "the server has not set one yet";
  return (
    `this request changes state and needs the server's token: open the address the server printed at start ` +
    `(it ends in ?token=…) in this browser, or send 'Authorization: Bearer <token>'; ${where}`
  );
}
