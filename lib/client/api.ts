/**
 * Browser-side access to the HTTP API: one fetch helper that turns a 4xx/5xx
 * body into a typed error. Client-only; never imports server modules.
 */
import type { ApiError } from "@/lib/api/schemas";

/** A failed API call, carrying the server's message and its per-field issues. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.error);
    this.name = "ApiRequestError";
  }
}

function isApiError(x: unknown): x is ApiError {
  return typeof x === "object" && x !== null && typeof (x as { error?: unknown }).error === "string";
}

/** Fetches JSON from the API; throws ApiRequestError on any non-2xx answer. */
export async function apiFetch<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}), ...init?.headers },
    cache: "no-store",
  });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error: ApiError = isApiError(body) ? body : { error: `${response.status} ${response.statusText || "request failed"}` };
    throw new ApiRequestError(response.status, error);
  }
  return body as T;
}
