/**
 * The agents' routes answered before Next sees the request: Next's request
 * handling (web streams, routing, the proxy) costs several times what a
 * report does. The server entry (scripts/server.mjs) offers every request
 * here first; only what this takes for sure is taken (POST on an agent
 * route, a job id with nothing to decode), everything else goes to Next.
 * The answers are the proxy's and the routes' own: guardRequest (Host,
 * Origin) and the actions of agent-actions.ts, with their JSON errors.
 */
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { claimAction, jobActions, type AgentAnswer, type JobActionName } from "./agent-actions";
import { agentJsonHeaders, jobIdFrom } from "./agent-routes";
import { answerToError, bodyTooLarge, MAX_BODY_BYTES, type BodySource, type ErrorAnswer, type HeaderSource } from "./http";
import { guardRequest } from "./request-guard";

/** Where the Next server process puts the fast path for the server entry (a registered symbol: the entry is not bundled). */
export const AGENT_FAST_PATH = Symbol.for("hypersieve.agentFastPath");

/** Takes a request (true) and answers it, or leaves it to Next (false). */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

// Segments Next would decode to themselves; anything else (a percent-escape, a dot) is Next's to route.
const JOB_ROUTE = /^\/api\/agent\/jobs\/([0-9A-Za-z]{1,32})\/(report|renew|finish|release)$/;

/** Offers a request to the agents' routes; see the module comment. */
export const agentFastPath: FastPath = (req, res) => {
  if (req.method !== "POST" || !req.url) return false;
  let run: (request: BodySource) => Promise<AgentAnswer>;
  if (req.url === "/api/agent/claim") run = claimAction;
  else {
    const match = JOB_ROUTE.exec(req.url);
    if (!match) return false;
    const action = jobActions[match[2] as JobActionName];
    run = async (request) => action(jobIdFrom(match[1]), request);
  }
  void answer(req, res, run);
  return true;
};

async function answer(req: IncomingMessage, res: ServerResponse, run: (request: BodySource) => Promise<AgentAnswer>): Promise<void> {
  const headers: HeaderSource = { get: (name) => headerOf(req, name) };
  const refusal = guardRequest({ method: "POST", headers, nextUrl: { pathname: req.url ?? "/" } });
  if (refusal) return sendError(res, { status: refusal.status, body: { error: refusal.error }, headers: {} });
  try {
    const result = await run({ headers, text: () => bodyText(req) });
    if (result.status === 204) {
      res.writeHead(204).end();
      return;
    }
    const text = JSON.stringify(result.body);
    res.writeHead(200, agentJsonHeaders(text)).end(text);
  } catch (error) {
    sendError(res, answerToError(error));
  }
}

function sendError(res: ServerResponse, { status, body, headers }: ErrorAnswer): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }).end(text);
}

/** A header as a web Headers object built from node:http's would give it (repeated values joined by ", "). */
function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}

const utf8 = new TextDecoder();

/** Bytes past which a body is refused unread: decoding shrinks a body by at most its BOM (bad bytes become U+FFFD, no shorter). */
const KEPT_BYTES = MAX_BODY_BYTES + 3;

/** The body as Request.text() reads it: UTF-8, a leading BOM dropped, bad bytes replaced. A body too large is drained, not kept. */
function bodyText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= KEPT_BYTES) chunks.push(chunk);
    });
    req.on("end", () => (size > KEPT_BYTES ? reject(bodyTooLarge()) : resolve(utf8.decode(Buffer.concat(chunks, size)))));
    req.on("error", reject);
  });
}
