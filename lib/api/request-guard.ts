/**
 * Checks every request must pass before any route runs: the Host header
 * names this server (no DNS rebinding), and a state-changing request from a
 * browser comes from this server's own origin (no cross-site requests).
 */

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Host names this server answers to: loopback, plus HYPERSIEVE_ALLOWED_HOSTS (comma-separated). */
export function allowedHostnames(env: Record<string, string | undefined> = process.env): Set<string> {
  const extra = (env.HYPERSIEVE_ALLOWED_HOSTS ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  const host = env.HOST?.toLowerCase();
  return new Set([...LOOPBACK, ...extra, ...(host && host !== "0.0.0.0" && host !== "::" ? [host] : [])]);
}

/**
 * The host name of a Host header, or null when the header is not `host[:port]` (RFC 9110): userinfo
 * (`127.0.0.1:3107@evil.example`), paths, spaces and non-numeric ports are refused, not trimmed.
 */
function hostnameOf(host: string): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::([0-9]{1,5}))?$/.exec(host.toLowerCase());
  return match ? match[1] : null;
}

/** Why a request path cannot be decoded (a malformed percent-escape in a segment), or null. */
export function pathProblem(pathname: string): string | null {
  for (const segment of pathname.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch {
      return `the path segment ${JSON.stringify(segment)} has a malformed percent-escape`;
    }
  }
  return null;
}

/** Why a request is refused, or null when it may proceed. */
export function guardRequest(
  request: { method: string; headers: { get(name: string): string | null }; nextUrl?: { pathname: string } },
  env: Record<string, string | undefined> = process.env,
): { status: number; error: string } | null {
  const host = request.headers.get("host");
  const allowed = allowedHostnames(env);
  const hostname = host === null ? null : hostnameOf(host);
  if (!host || hostname === null || !allowed.has(hostname)) {
    return { status: 421, error: `the Host header ${JSON.stringify(host)} is not one this server answers to (set HYPERSIEVE_ALLOWED_HOSTS to add one)` };
  }
  const bad = request.nextUrl ? pathProblem(request.nextUrl.pathname) : null;
  if (bad) return { status: 400, error: bad };
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return null;
  const origin = request.headers.get("origin");
  if (origin === "null") return { status: 403, error: "state-changing requests need a same-origin Origin; got 'null'" };
  if (origin !== null) {
    let originHost: string;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      return { status: 403, error: `the Origin header ${JSON.stringify(origin)} is not a URL` };
    }
    if (originHost !== host.toLowerCase()) return { status: 403, error: `cross-site request refused: Origin ${origin} is not this server (${host})` };
  } else if (request.headers.get("sec-fetch-site") === "cross-site") {
    return { status: 403, error: "cross-site request refused" };
  }
  return null;
}

/** Whether a method changes state (everything but GET, HEAD and OPTIONS). */
export function changesState(method: string): boolean {
  return method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
}

/**
 * Agent routes authenticate with the study's own agent token (lib/api/agent-guard.ts), and accept the
 * server token there too: whoever holds the server token can issue any study's agent token anyway.
 */
export function isAgentRoute(pathname: string): boolean {
  return pathname.startsWith("/api/agent/");
}
