import { NextResponse, type NextRequest } from "next/server";
import { changesState, guardRequest, isAgentRoute } from "./lib/api/request-guard";
import { carriesServerToken, missingTokenMessage, portOfHost, sameSecret, serverToken, tokenCookieName } from "./lib/api/server-token";

/** How long a browser keeps the token cookie; the token itself changes at every start unless HYPERSIEVE_TOKEN fixes it. */
const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

/**
 * Refuses foreign Host headers and cross-site state-changing requests before any page or route runs;
 * trades a `?token=` link for the token cookie; and refuses state-changing requests without the server token.
 */
export function proxy(request: NextRequest) {
  const refusal = guardRequest(request);
  if (refusal) return NextResponse.json({ error: refusal.error }, { status: refusal.status });
  const server = serverToken();
  const url = request.nextUrl;
  if (!changesState(request.method) && url.searchParams.has("token")) {
    const given = url.searchParams.get("token") ?? "";
    const clean = new URLSearchParams(url.search);
    clean.delete("token");
    const query = clean.toString();
    // On the host the browser used (guardRequest checked it), whatever Next thinks its own name is; Next wants it absolute.
    const location = new URL(`${url.pathname}${query ? `?${query}` : ""}`, `${url.protocol}//${request.headers.get("host")}`);
    const headers = new Headers({ location: location.href, "cache-control": "no-store" });
    if (server && sameSecret(given, server.token)) {
      const name = tokenCookieName(portOfHost(request.headers.get("host")));
      headers.append("set-cookie", `${name}=${server.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_S}`);
    }
    return new Response(null, { status: 303, headers });
  }
  if (changesState(request.method) && !isAgentRoute(url.pathname) && !(server && carriesServerToken(request.headers, server.token))) {
    return NextResponse.json({ error: missingTokenMessage(server?.file ?? null) }, { status: 401, headers: { "www-authenticate": 'Bearer realm="hypersieve"' } });
  }
  return NextResponse.next();
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"] };
