/**
 * The server's fast path answers the agents exactly as the proxy and the Next routes do: each probe goes
 * once to a real node:http server with the fast path and once to the proxy's check and the route handler,
 * and both answers must agree (status and JSON body), whatever the probe gets wrong.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as claimRoute } from "@/app/api/agent/claim/route";
import { POST as reportRoute } from "@/app/api/agent/jobs/[job]/report/route";
import { POST as renewRoute } from "@/app/api/agent/jobs/[job]/renew/route";
import { tableCounts } from "@/db/queries";
import { createStudy } from "@/lib/engine/studies";
import { closeTempDatabase, useTempDatabase } from "@/test/temp-db";
import { agentFastPath } from "./agent-fast-path";
import { guardRequest } from "./request-guard";

type Probe = { name: string; path: string; method?: string; headers?: Record<string, string>; body?: string; chunked?: boolean };
type Answer = { status: number; body: unknown };

let where: { dir: string };
let server: http.Server;
let port: number;
beforeAll(async () => {
  where = useTempDatabase();
  // A request the fast path leaves alone is answered 599, so a test sees it went to Next.
  server = http.createServer((req, res) => void (agentFastPath(req, res) || res.writeHead(599).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await closeTempDatabase(where);
});

function viaFastPath(probe: Probe): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { host: `127.0.0.1:${port}`, ...probe.headers };
    const req = http.request({ host: "127.0.0.1", port, path: probe.path, method: probe.method ?? "POST", headers }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    });
    req.on("error", reject);
    if (probe.chunked) for (let i = 0; i < probe.body!.length; i += 65_536) req.write(probe.body!.slice(i, i + 65_536));
    else if (probe.body !== undefined) req.write(probe.body);
    req.end();
  });
}

/** The answer of proxy.ts (its guard: agent routes need no server token) and then the route handler. */
async function viaNext(probe: Probe): Promise<Answer> {
  const url = new URL(probe.path, `http://127.0.0.1:${port}`);
  const headers = new Headers({ host: `127.0.0.1:${port}`, ...probe.headers });
  const refusal = guardRequest({ method: "POST", headers, nextUrl: url });
  if (refusal) return { status: refusal.status, body: { error: refusal.error } };
  // Bytes, as Next passes them on: a string body would make Request add a content type of its own.
  const request = new Request(url, { method: "POST", headers, body: probe.body === undefined ? undefined : new TextEncoder().encode(probe.body) });
  const [, , , , job, action] = url.pathname.split("/");
  const context = { params: Promise.resolve({ job: decodeURIComponent(job ?? "") }) };
  const route = url.pathname === "/api/agent/claim" ? claimRoute(request) : action === "renew" ? renewRoute(request, context) : reportRoute(request, context);
  const response = await route;
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe("the agents' fast path", () => {
  it("gives every agent request the proxy's and the route's own answer", async () => {
    const study = createStudy({
      name: "fast path", objective: "agent", strategy: "random+fifo", budget: { kind: "trials", value: 2 }, parallelism: 2, seed: 1, epochDelayMs: 0,
      agent: { metric: "loss", direction: "minimize", maxEpochs: 3, space: [{ type: "float", name: "x", low: 0, high: 1 }], leaseSeconds: 60, requeue: true },
    });
    const json = { "content-type": "application/json", authorization: `Bearer ${study.agentToken}` };
    const claimed = await viaNext({ name: "claim", path: "/api/agent/claim", headers: json, body: JSON.stringify({ study: study.id, agent: "a" }) });
    expect(claimed.status).toBe(200);
    const job = (claimed.body as { job: number }).job;
    const report = (fields: Record<string, unknown>) => JSON.stringify({ study: study.id, agent: "a", epoch: 1, value: 0.5, ...fields });
    const reportPath = `/api/agent/jobs/${job}/report`;
    const probes: (Probe & { status: number })[] = [
      { name: "a report", path: reportPath, headers: json, body: report({}), status: 200 },
      { name: "a report, its body after a BOM", path: reportPath, headers: json, body: `\uFEFF${report({})}`, status: 200 },
      { name: "the same epoch with another value", path: reportPath, headers: json, body: report({ value: 0.7 }), status: 409 },
      { name: "another agent's job", path: reportPath, headers: json, body: report({ agent: "b", epoch: 2 }), status: 409 },
      { name: "an unknown job", path: "/api/agent/jobs/999999/report", headers: json, body: report({}), status: 404 },
      { name: "a hexadecimal job id", path: "/api/agent/jobs/0x1/report", headers: json, body: report({}), status: 400 },
      { name: "job id zero", path: "/api/agent/jobs/0/report", headers: json, body: report({}), status: 400 },
      { name: "no token", path: reportPath, headers: { "content-type": "application/json" }, body: report({}), status: 401 },
      { name: "a forged token", path: reportPath, headers: { ...json, authorization: "Bearer hs_forged" }, body: report({}), status: 401 },
      { name: "text/plain", path: reportPath, headers: { ...json, "content-type": "text/plain" }, body: report({}), status: 415 },
      { name: "json only as a parameter", path: reportPath, headers: { ...json, "content-type": "text/plain; x=application/json" }, body: report({}), status: 415 },
      { name: "no content type", path: reportPath, headers: { authorization: json.authorization }, body: report({}), status: 415 },
      { name: "a body over the limit", path: reportPath, headers: json, body: report({ pad: "x".repeat(300_000) }), status: 413 },
      { name: "a chunked body over the limit", path: reportPath, headers: json, body: report({ pad: "x".repeat(300_000) }), chunked: true, status: 413 },
      { name: "not JSON", path: reportPath, headers: json, body: "{study:", status: 400 },
      { name: "an unknown field", path: reportPath, headers: json, body: report({ extra2: 1 }), status: 400 },
      { name: "Infinity", path: reportPath, headers: json, body: report({}).replace("0.5", "1e999"), status: 400 },
      { name: "a foreign Host", path: reportPath, headers: { ...json, host: "evil.example" }, body: report({}), status: 421 },
      { name: "userinfo in the Host", path: reportPath, headers: { ...json, host: `127.0.0.1:${port}@evil.example` }, body: report({}), status: 421 },
      { name: "a cross-site Origin", path: reportPath, headers: { ...json, origin: "http://evil.example" }, body: report({}), status: 403 },
      { name: "a renewal", path: `/api/agent/jobs/${job}/renew`, headers: json, body: JSON.stringify({ study: study.id, agent: "a" }), status: 200 },
      { name: "a claim with a bad agent name", path: "/api/agent/claim", headers: json, body: JSON.stringify({ study: study.id, agent: "a; rm" }), status: 400 },
    ];
    const disagreements: string[] = [];
    for (const probe of probes) {
      const fast = await viaFastPath(probe);
      const next = await viaNext(probe);
      if (fast.status !== probe.status || JSON.stringify(fast) !== JSON.stringify(next)) disagreements.push(`${probe.name}: fast ${JSON.stringify(fast).slice(0, 200)}, Next ${JSON.stringify(next).slice(0, 200)}`);
    }
    expect(disagreements).toEqual([]);
    // One measurement stored, from the first report: the repeats and the refusals wrote nothing.
    expect(tableCounts().measurements).toBe(1);
  });

  it("leaves to Next what it cannot answer for sure: other methods, percent-escapes, other paths", async () => {
    const left = [
      { name: "GET", path: "/api/agent/claim", method: "GET" },
      { name: "a percent-escape", path: "/api/agent/jobs/%31/report", body: "{}" },
      { name: "a dot segment", path: "/api/agent/jobs/..%2F1/report", body: "{}" },
      { name: "a trailing slash", path: "/api/agent/claim/", body: "{}" },
      { name: "a query", path: "/api/agent/claim?x=1", body: "{}" },
      { name: "another route", path: "/api/studies", body: "{}" },
    ];
    for (const probe of left) expect((await viaFastPath(probe)).status, probe.name).toBe(599);
  });
});
