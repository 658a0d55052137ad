import { NextResponse, type NextRequest } from "next/server";
import { guardRequest } from "./lib/api/request-guard";

/** Refuses foreign Host headers and cross-site state-changing requests before any page or route runs. */
export function proxy(request: NextRequest) {
  const refusal = guardRequest(request);
  if (refusal) return NextResponse.json({ error: refusal.error }, { status: refusal.status });
  return NextResponse.next();
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"] };
