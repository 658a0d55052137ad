/**
 * Hostile input against every route of a real server: wrong types, missing
 * fields, NaN and Infinity, huge bodies, traversal in paths, shell
 * metacharacters in values, bad or missing tokens, a cross-site Origin, a
 * foreign Host. Each gets a 4xx with a message, and no table changes.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { api, killServer, startServer, tokenHeaders, type Server } from "./server";

const PORT = Number(process.env.HOSTILE_PORT ?? 3133);

type Probe = { name: string; method: string; path: string; body?: string | object; headers?: Record<string, string>; status?: number };

let running: Server | null = null;
test.afterEach(async () => {
  if (running) await killServer(running);
  running = null;
});

test("every route refuses hostile input with a 4xx and writes nothing", async () => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-hostile-"));
  const dbFile = path.join(dir, "hostile.db");
  const server = await startServer(PORT, dbFile);
  running = server;
  const local = await api<{ id: number }>(server.url, "/api/studies", { name: "target", objective: "synthetic:hartmann6", strategy: "sieve", budget: { kind: "epochs", value: 100000 }, parallelism: 2, seed: 1, epochDelayMs: 50 });
  const remote = await api<{ id: number; agentToken: string }>(server.url, "/api/studies", {
    name: "agents", objective: "agent", strategy: "random+fifo", budget: { kind: "epochs", value: 100 }, parallelism: 1, seed: 1, epochDelayMs: 0,
    agent: { maxEpochs: 3, space: [{ type: "float", name: "x", low: 0, high: 1 }] },
  });
  await api(server.url, `/api/studies/${local.id}/actions`, { action: "pause" });
  const db = new Database(dbFile);
  const tables = ["studies", "trials", "measurements", "events", "rules", "analysis_snapshots", "agent_jobs", "agent_tokens"];
  const snapshot = () => Object.fromEntries(tables.map((t) => [t, db.prepare(`select count(*) as n, coalesce(max(rowid), 0) as m from ${t}`).get()]));
  const before = snapshot();
  const studyBody = { name: "x", objective: "synthetic:branin", budget: { kind: "epochs", value: 10 } };
  const command = { argv: [process.execPath, "train.mjs", "{x}"], cwd: dir, direction: "minimize", maxEpochs: 1, space: [{ type: "float", name: "x", low: 0, high: 1 }] };
  const L = local.id;
  const R = remote.id;
  const bearer = { authorization: `Bearer ${remote.agentToken}` };
  const probes: Probe[] = [
    { name: "study: wrong types", method: "POST", path: "/api/studies", body: { ...studyBody, parallelism: "4", seed: true } },
    { name: "study: missing fields", method: "POST", path: "/api/studies", body: { name: "x" } },
    { name: "study: NaN in JSON", method: "POST", path: "/api/studies", body: '{"name":"x","objective":"synthetic:branin","budget":{"kind":"epochs","value":NaN}}' },
    { name: "study: Infinity bound", method: "POST", path: "/api/studies", body: '{"name":"x","objective":"synthetic:branin","budget":{"kind":"epochs","value":10},"space":[{"type":"float","name":"x1","low":-Infinity,"high":1}]}' },
    { name: "study: 1e999 bound", method: "POST", path: "/api/studies", body: '{"name":"x","objective":"synthetic:branin","budget":{"kind":"epochs","value":10},"space":[{"type":"float","name":"x1","low":-5,"high":1e999}]}' },
    { name: "study: huge body", method: "POST", path: "/api/studies", body: { ...studyBody, name: "x".repeat(2_000_000) }, status: 413 },
    { name: "study: not JSON", method: "POST", path: "/api/studies", body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415 },
    { name: "study: shell metacharacters as the objective", method: "POST", path: "/api/studies", body: { ...studyBody, objective: "$(touch /tmp/pwned); rm -rf ~" } },
    { name: "study: traversal as the objective", method: "POST", path: "/api/studies", body: { ...studyBody, objective: "lc-table:../../../etc/passwd" } },
    { name: "study: prototype pollution", method: "POST", path: "/api/studies", body: '{"name":"x","objective":"synthetic:branin","budget":{"kind":"epochs","value":10},"__proto__":{"admin":true}}' },
    { name: "study: a command off the allow-list of fields", method: "POST", path: "/api/studies", body: { ...studyBody, objective: "command", command: { argv: ["sh", "-c", "{x1}"], cwd: "/", maxEpochs: 1, space: [] } } },
    { name: "study: cross-site origin", method: "POST", path: "/api/studies", body: studyBody, headers: { origin: "http://evil.example" }, status: 403 },
    { name: "study: Origin null", method: "POST", path: "/api/studies", body: studyBody, headers: { origin: "null" }, status: 403 },
    { name: "study id: letters", method: "GET", path: "/api/studies/abc" },
    { name: "study id: traversal", method: "GET", path: "/api/studies/..%2F..%2Fetc%2Fpasswd" },
    { name: "study id: encoded dots", method: "GET", path: "/api/studies/%2e%2e/curves", status: 404 },
    { name: "study id: huge", method: "GET", path: "/api/studies/99999999999999999999999" },
    { name: "curves: negative limit", method: "GET", path: `/api/studies/${L}/curves?limit=-5` },
    { name: "trials: bad sort", method: "GET", path: `/api/studies/${L}/trials?sort=drop%20table` },
    { name: "trial number: traversal", method: "GET", path: `/api/studies/${L}/trials/..%2F1` },
    { name: "scatter: unknown parameter", method: "GET", path: `/api/studies/${L}/scatter?x=__proto__&y=x1` },
    { name: "effects: an epoch that is no rung", method: "GET", path: `/api/studies/${L}/effects?epoch=7` },
    { name: "effects: an epoch in words", method: "GET", path: `/api/studies/${L}/effects?epoch=all` },
    { name: "points: a limit too large", method: "GET", path: `/api/studies/${L}/points?limit=1e9` },
    { name: "export: bad format", method: "GET", path: `/api/studies/${L}/export?format=exe` },
    { name: "action: unknown", method: "POST", path: `/api/studies/${L}/actions`, body: { action: "rm -rf" } },
    { name: "action: cross-site", method: "POST", path: `/api/studies/${L}/actions`, body: { action: "stop" }, headers: { origin: "http://evil.example" }, status: 403 },
    { name: "rule: shell metacharacters as a value", method: "POST", path: `/api/studies/${L}/rules`, body: { kind: "pin", param: "x1", value: "$(touch /tmp/pwned)" } },
    { name: "rule: NaN bound", method: "POST", path: `/api/studies/${L}/rules`, body: '{"kind":"range","param":"x1","low":NaN,"high":1}' },
    { name: "rule: unknown parameter", method: "POST", path: `/api/studies/${L}/rules`, body: { kind: "pin", param: "x9", value: 0.5 } },
    { name: "rule: missing fields", method: "POST", path: `/api/studies/${L}/rules`, body: { kind: "range", param: "x1" } },
    { name: "rule decision: unknown rule", method: "PATCH", path: `/api/studies/${L}/rules/..%2F..%2Fslab`, body: { status: "active" }, status: 404 },
    { name: "rule decision: bad status", method: "PATCH", path: `/api/studies/${L}/rules/user%3A1`, body: { status: "maybe" } },
    { name: "stop trial: not a number", method: "POST", path: `/api/studies/${L}/trials/x/stop` },
    { name: "stop trial: none such", method: "POST", path: `/api/studies/${L}/trials/99999/stop`, status: 409 },
    { name: "agent token: not an agent study", method: "POST", path: `/api/studies/${L}/agent-token`, status: 409 },
    { name: "claim: no token", method: "POST", path: "/api/agent/claim", body: { study: R, agent: "a" }, status: 401 },
    { name: "claim: bad token", method: "POST", path: "/api/agent/claim", body: { study: R, agent: "a" }, headers: { authorization: "Bearer hs_forged" }, status: 401 },
    { name: "claim: token in the URL", method: "POST", path: `/api/agent/claim?token=${remote.agentToken}`, body: { study: R, agent: "a" }, status: 401 },
    { name: "claim: another study's token", method: "POST", path: "/api/agent/claim", body: { study: L, agent: "a" }, headers: bearer, status: 401 },
    { name: "claim: shell metacharacters as the agent name", method: "POST", path: "/api/agent/claim", body: { study: R, agent: "a; rm -rf /" }, headers: bearer },
    { name: "report: unknown job", method: "POST", path: "/api/agent/jobs/999999/report", body: { study: R, agent: "a", epoch: 1, value: 0.5 }, headers: bearer, status: 404 },
    { name: "report: Infinity", method: "POST", path: "/api/agent/jobs/1/report", body: '{"study":' + R + ',"agent":"a","epoch":1,"value":1e999}', headers: bearer },
    { name: "report: traversal job id", method: "POST", path: "/api/agent/jobs/..%2F1/report", body: { study: R, agent: "a", epoch: 1, value: 0.5 }, headers: bearer },
    { name: "renew: no token", method: "POST", path: "/api/agent/jobs/1/renew", body: { study: R, agent: "a" }, status: 401 },
    { name: "finish: bad status", method: "POST", path: "/api/agent/jobs/1/finish", body: { study: R, agent: "a", status: "won" }, headers: bearer },
    { name: "foreign Host header", method: "GET", path: "/api/studies", headers: { host: "evil.example" }, status: 421 },
    { name: "Host header with userinfo before a foreign host", method: "GET", path: "/api/studies", headers: { host: `127.0.0.1:${PORT}@evil.example` }, status: 421 },
    { name: "command: empty argv[0]", method: "POST", path: "/api/studies", body: { ...studyBody, objective: "command", command: { ...command, argv: ["", "{x}"] } } },
    { name: "command: low above high", method: "POST", path: "/api/studies", body: { ...studyBody, objective: "command", command: { ...command, space: [{ type: "float", name: "x", low: 1, high: 0 }] } } },
    { name: "command: cwd names a file", method: "POST", path: "/api/studies", body: { ...studyBody, objective: "command", command: { ...command, cwd: "/etc/passwd" } } },
    { name: "study name: NUL", method: "POST", path: "/api/studies", body: { ...studyBody, name: "a\u0000b" } },
    { name: "study name: lone surrogate", method: "POST", path: "/api/studies", body: '{"name":"a\\ud800b","objective":"synthetic:branin","budget":{"kind":"epochs","value":10}}' },
    { name: "study name: right-to-left override", method: "POST", path: "/api/studies", body: { ...studyBody, name: "invoice\u202egpj.exe" } },
    { name: "command title: right-to-left override", method: "POST", path: "/api/studies", body: { ...studyBody, objective: "command", command: { ...command, title: "a\u202eb" } } },
    { name: "rule: categorical pin value with NUL", method: "POST", path: `/api/studies/${L}/rules`, body: { kind: "pin", param: "x1", value: "a\u0000" } },
    { name: "media type: text/plain with an application/json parameter", method: "POST", path: "/api/studies", body: studyBody, headers: { "content-type": "text/plain; x=application/json" }, status: 415 },
    { name: "study id: malformed percent-escape", method: "GET", path: "/api/studies/%E0%A4%A" },
    { name: "study id: malformed percent-escape, deeper", method: "GET", path: `/api/studies/${L}/trials/%E0%A4%A` },
    { name: "study id: hexadecimal", method: "GET", path: "/api/studies/0x1" },
    { name: "study id: leading space", method: "GET", path: "/api/studies/%201" },
    { name: "study id: exponent", method: "GET", path: "/api/studies/1e0" },
    { name: "trial number: hexadecimal", method: "GET", path: `/api/studies/${L}/trials/0x0` },
    { name: "rule decision: '%' decoded once is an unknown rule", method: "PATCH", path: `/api/studies/${L}/rules/%25`, body: { status: "active" }, status: 404 },
    { name: "rule decision: malformed percent-escape", method: "PATCH", path: `/api/studies/${L}/rules/%E0%A4%A`, body: { status: "active" } },
    { name: "method: DELETE on the study list", method: "DELETE", path: "/api/studies", status: 405 },
    { name: "method: PUT on a study", method: "PUT", path: `/api/studies/${L}`, body: studyBody, status: 405 },
    { name: "method: GET on a POST-only route", method: "GET", path: "/api/agent/claim", status: 405 },
    { name: "method: POST on a GET-only route", method: "POST", path: "/api/objectives", body: {}, status: 405 },
    { name: "report: lower-case bearer is accepted (unknown job)", method: "POST", path: "/api/agent/jobs/999999/report", body: { study: R, agent: "a", epoch: 1, value: 0.5 }, headers: { authorization: `bearer ${remote.agentToken}` }, status: 404 },
    { name: "job id: hexadecimal", method: "POST", path: "/api/agent/jobs/0x1/report", body: { study: R, agent: "a", epoch: 1, value: 0.5 }, headers: bearer },
    { name: "server token: none on a new study", method: "POST", path: "/api/studies", body: studyBody, headers: { authorization: "" }, status: 401 },
    { name: "server token: none on a study action", method: "POST", path: `/api/studies/${L}/actions`, body: { action: "resume" }, headers: { authorization: "" }, status: 401 },
    { name: "server token: forged", method: "PATCH", path: `/api/studies/${L}/rules/user%3A1`, body: { status: "active" }, headers: { authorization: "Bearer hst_forged_forged_forged" }, status: 401 },
    { name: "server token: in the URL of a POST", method: "POST", path: `/api/studies/${L}/actions?token=${process.env.HYPERSIEVE_TOKEN}`, body: { action: "resume" }, headers: { authorization: "" }, status: 401 },
    { name: "server token: an agent token is not it", method: "POST", path: `/api/studies/${R}/agent-token`, headers: bearer, status: 401 },
    { name: "server token: in a cookie of another port", method: "POST", path: `/api/studies/${L}/actions`, body: { action: "resume" }, headers: { authorization: "", cookie: `hypersieve_token_1=${process.env.HYPERSIEVE_TOKEN}` }, status: 401 },
  ];
  const failures: string[] = [];
  for (const probe of probes) {
    const body = probe.body === undefined ? undefined : typeof probe.body === "string" ? probe.body : JSON.stringify(probe.body);
    // node:http rather than fetch, which would not send a forged Host header.
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port: PORT, path: probe.path, method: probe.method, headers: { host: `127.0.0.1:${PORT}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(probe.path.startsWith("/api/agent/") ? {} : tokenHeaders()), ...probe.headers } },
        (res) => {
          let data = "";
          res.on("data", (d) => (data += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: data }));
        },
      );
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
    let message = "";
    try {
      message = JSON.parse(text).error ?? "";
    } catch {}
    const expected = probe.status ?? 400;
    if (status !== expected || message.length < 8) failures.push(`${probe.name}: ${status} ${text.slice(0, 160)}`);
  }
  // A bare 405 or 500 has no JSON error; every answer above had one.
  expect(failures).toEqual([]);
  expect(snapshot()).toEqual(before);
  expect(fs.existsSync("/tmp/pwned")).toBe(false);
  db.close();
  await killServer(server);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("an unusable database fails start-up naming the file and the cause", async () => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-hostile-"));
  // A directory where the database file should be: SQLite cannot open it.
  const dbFile = path.join(dir, "a-directory.db");
  fs.mkdirSync(dbFile);
  const outcome = await startServer(PORT, dbFile).then(
    async (server) => {
      await killServer(server);
      return "started";
    },
    (error: Error) => error.message,
  );
  expect(outcome).toContain(`refusing to start: database unavailable: ${dbFile}: `);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a second server refuses to start on a database in use, naming it and the owner's pid", async () => {
  test.setTimeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-hostile-"));
  const dbFile = path.join(dir, "owned.db");
  running = await startServer(PORT, dbFile);
  const refused = await startServer(Number(process.env.HOSTILE_SECOND_PORT ?? PORT + 1), dbFile).then(
    async (second) => {
      await killServer(second);
      return "started";
    },
    (error: Error) => error.message,
  );
  expect(refused).toContain(`refusing to start: the database ${dbFile} is in use by process ${running.process.pid}`);
  // The owner is unharmed.
  expect((await fetch(`${running.url}/api/studies`)).status).toBe(200);
  await killServer(running);
  running = null;
  fs.rmSync(dir, { recursive: true, force: true });
});
