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

/** A JSON error response. */
export function errorResponse(status: number, error: string, issues?: ApiError["issues"]): Response {
  const body: ApiError = issues && issues.length > 0 ? { error, issues } : { error };
  return Response.json(body, { status });
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

/** Reads the body as JSON (at most MAX_BODY_BYTES) and parses it with the schema. */
export async function readJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
  const type = request.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) throw new HttpError(415, "content-type must be application/json");
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new HttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
  return parseWith(schema, value, "body");
}

/** Runs a handler and maps thrown errors to responses: HttpError (and its subclasses) to its status, the rest to 500. */
export async function handle(run: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (isHttpError(error)) return errorResponse(error.status, error.message, error.issues);
    console.error("[hypersieve] request failed:", error);
    return errorResponse(500, "internal error: " + (error instanceof Error ? error.message : String(error)));
  }
}
