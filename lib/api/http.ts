/**
 * Route-handler helpers: read a bounded JSON body, parse it with a zod schema,
 * and turn every failure into a 4xx whose message names the bad field.
 */
import { z } from "zod";
import type { ApiError } from "./schemas";

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

const BRAND = Symbol.for("hypersieve.http-error");

/** A failure that already knows its HTTP status and message. */
export class HttpError extends Error {
  // Next bundles instrumentation and each route separately, so an engine object made in one bundle throws
  // another bundle's HttpError class; a registered symbol recognises it across bundles.
  readonly [BRAND] = true;

  constructor(
    readonly status: number,
    message: string,
    readonly issues?: ApiError["issues"],
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Whether a thrown value is an HttpError, from whichever bundle. */
export function isHttpError(error: unknown): error is HttpError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

// db/client.ts brands its DatabaseUnavailableError with this registered symbol (lib/api stays above db).
const DB_BRAND = Symbol.for("hypersieve.database-unavailable");

// db/owner.ts brands its DatabaseInUseError with this registered symbol.
const IN_USE_BRAND = Symbol.for("hypersieve.database-in-use");

/** Whether a thrown value says another process owns the database, from whichever bundle. */
export function isDatabaseInUse(error: unknown): error is Error {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[IN_USE_BRAND] === true;
}

/** Whether a thrown value says the database is unusable, from whichever bundle. */
export function isDatabaseUnavailable(error: unknown): error is Error {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[DB_BRAND] === true;
}

/** The answer to a method a route does not serve: a JSON 405 naming the methods it does. */
export function methodNotAllowed(...allowed: string[]): (request: Request) => Response {
  return (request) => {
    const response = errorResponse(405, `method ${request.method} is not allowed on ${new URL(request.url).pathname}; use ${allowed.join(" or ")}`);
    response.headers.set("allow", allowed.join(", "));
    return response;
  };
}

/** Seconds a client is told to wait (Retry-After) before sending a refused write again. */
export const RETRY_AFTER_S = 2;

/** An error's status, JSON body and headers (a 503 says when to try again: Retry-After), as any server answers it. */
export type ErrorAnswer = { status: number; body: ApiError; headers: Record<string, string> };

/** The answer for an error status and message. */
export function errorAnswer(status: number, error: string, issues?: ApiError["issues"]): ErrorAnswer {
  const body: ApiError = issues && issues.length > 0 ? { error, issues } : { error };
  return { status, body, headers: status === 503 ? { "retry-after": String(RETRY_AFTER_S) } : {} };
}

/** A JSON error response; a 503 says when to try again (Retry-After). */
export function errorResponse(status: number, error: string, issues?: ApiError["issues"]): Response {
  return responseOf(errorAnswer(status, error, issues));
}

function responseOf({ status, body, headers }: ErrorAnswer): Response {
  return Response.json(body, { status, headers });
}

/** The 503 message for a database error that passes (another process's lock) or that a person must fix (a full disk), or null. */
function databaseFaultMessage(error: unknown): string | null {
  const code = typeof error === "object" && error !== null ? String((error as { code?: unknown }).code ?? "") : "";
  const detail = error instanceof Error ? error.message : String(error);
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return `the database is locked by another process (${detail}); retry in ${RETRY_AFTER_S} s`;
  if (code.startsWith("SQLITE_FULL") || code.startsWith("SQLITE_IOERR")) return `the database could not be written (${code}: ${detail}); free disk space, then retry`;
  return null;
}

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}

/** Parses a value with a schema, or throws a 400 that lists each bad field. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what = "request"): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new HttpError(400, `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
}

/** Whether a Content-Type header names exactly application/json; parameters after ';' do not count. */
export function isJsonMediaType(header: string | null): boolean {
  if (header === null) return false;
  return header.split(";")[0].trim().toLowerCase() === "application/json";
}

/** The 413 for a body over MAX_BODY_BYTES. */
export function bodyTooLarge(): HttpError {
  return new HttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
}

/** A request's header lookup (a web Headers, or node:http's headers behind a getter). */
export type HeaderSource = { get(name: string): string | null };

/** What readJson needs of a request: a web Request is one; the agents' fast path makes one over node:http. */
export type BodySource = { headers: HeaderSource; text(): Promise<string> };

/** Reads the body as JSON (at most MAX_BODY_BYTES) and parses it with the schema. */
export async function readJson<T extends z.ZodType>(request: BodySource, schema: T): Promise<z.infer<T>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw bodyTooLarge();
  if (!isJsonMediaType(request.headers.get("content-type"))) {
    throw new HttpError(415, `content-type must be application/json (parameters such as charset aside), not ${JSON.stringify(request.headers.get("content-type") ?? "")}`);
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw bodyTooLarge();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
  return parseWith(schema, value, "body");
}

/** What a thrown error answers: HttpError (and its subclasses) its status, database faults 503 or 409, the rest 500. */
export function answerToError(error: unknown): ErrorAnswer {
  if (isHttpError(error)) return errorAnswer(error.status, error.message, error.issues);
  if (isDatabaseUnavailable(error)) return errorAnswer(503, error.message);
  const fault = databaseFaultMessage(error);
  if (fault) return errorAnswer(503, fault);
  if (isDatabaseInUse(error)) return errorAnswer(409, `${error.message}; this server does not own it, so it cannot run studies on it`);
  console.error("[hypersieve] request failed:", error);
  return errorAnswer(500, "internal error: " + (error instanceof Error ? error.message : String(error)));
}

/** Runs a handler and maps thrown errors to JSON responses (answerToError). */
export async function handle(run: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    return responseOf(answerToError(error));
  }
}
