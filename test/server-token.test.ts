/**
 * The server token: every state-changing method of every route under app/api (read from the route files,
 * so a route added later is covered) is refused by proxy.ts without the token and let through with it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proxy } from "../proxy";
import { agentToken } from "../lib/cli/agent-command";
import { clearServerToken, tokenCookieName } from "../lib/api/server-token";
import { establishServerToken, serverTokenProblem } from "../lib/api/server-token-file";

const root = path.resolve(__dirname, "..");
const HOST = "127.0.0.1:3000";

/** Every route file under app/api with its URL (dynamic segments filled) and the state-changing methods it exports. */
function stateChangingRoutes(): { file: string; url: string; method: string }[] {
  const apiDir = path.join(root, "app", "api");
  const files = fs.readdirSync(apiDir, { recursive: true, encoding: "utf8" }).filter((f) => /(^|\/)route\.ts$/.test(f));
  return files.flatMap((file) => {
    const text = fs.readFileSync(path.join(apiDir, file), "utf8");
    const exported = new Set<string>();
    for (const m of text.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\b/g)) exported.add(m[1]);
    for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) for (const n of m[1].matchAll(/as\s+([A-Z]+)\b/g)) exported.add(n[1]);
    const segments = path.dirname(file).split(path.sep).filter((s) => s !== ".");
    const url = "/api/" + segments.map((s) => (s.startsWith("[...") ? "no/such/route" : s.startsWith("[") ? "1" : s)).join("/");
    return ["POST", "PUT", "PATCH", "DELETE"].filter((m) => exported.has(m)).map((method) => ({ file, url, method }));
  });
}

function request(method: string, url: string, headers: Record<string, string> = {}) {
  return new NextRequest(`http://${HOST}${url}`, { method, headers: { host: HOST, "content-type": "application/json", ...headers }, body: changes(method) ? "{}" : undefined });
}
const changes = (method: string) => !["GET", "HEAD"].includes(method);
const passes = (response: Response) => response.headers.get("x-middleware-next") === "1";

let dir: string;
let token: string;
let tokenFile: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-token-"));
  ({ token, file: tokenFile } = establishServerToken(path.join(dir, "t.db"), {}));
});
afterAll(() => {
  clearServerToken();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the server token", () => {
  const routes = stateChangingRoutes();

  it("finds the state-changing routes in app/api", () => {
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(["POST /api/studies", "PATCH /api/studies/1/rules/1", "POST /api/agent/claim"]));
    expect(routes.length).toBeGreaterThan(20);
  });

  it.each(routes.filter((r) => !r.url.startsWith("/api/agent/")))("$method $url refuses a request without the token, with a 401 saying how to get it", async ({ method, url }) => {
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer wrong-token-wrong-token" }, { cookie: `${tokenCookieName("3000")}=nope` }, { cookie: `${tokenCookieName("4000")}=${token}` }]) {
      const response = proxy(request(method, url, headers));
      expect(response.status).toBe(401);
      const body = await response.json();
      expect(body.error).toContain("needs the server's token");
      expect(body.error).toContain(tokenFile);
    }
  });

  it.each(routes)("$method $url lets a request with the token through (as a bearer token or the cookie)", ({ method, url }) => {
    expect(passes(proxy(request(method, url, { authorization: `Bearer ${token}` })))).toBe(true);
    expect(passes(proxy(request(method, url, { authorization: `bearer ${token}` })))).toBe(true);
    expect(passes(proxy(request(method, url, { cookie: `other=1; ${tokenCookieName("3000")}=${token}` })))).toBe(true);
  });

  it("lets agent routes through to their own per-study check", () => {
    for (const r of routes.filter((x) => x.url.startsWith("/api/agent/"))) expect(passes(proxy(request(r.method, r.url)))).toBe(true);
  });

  it("lets reads through without the token", () => {
    expect(passes(proxy(request("GET", "/api/studies")))).toBe(true);
    expect(passes(proxy(request("GET", "/studies/1")))).toBe(true);
  });

  it("trades a ?token= link for an HttpOnly, SameSite=Strict cookie and drops it from the address", () => {
    const response = proxy(request("GET", `/studies/3?tab=race&token=${token}`));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`http://${HOST}/studies/3?tab=race`);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toContain(`${tokenCookieName("3000")}=${token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
  });

  it("sets no cookie for a wrong ?token=, and never trades one on a POST", () => {
    const wrong = proxy(request("GET", "/?token=guess-guess-guess-guess"));
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toBe(`http://${HOST}/`);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(proxy(request("POST", `/api/studies?token=${token}`)).status).toBe(401);
  });

  it("writes the token file readable by its owner only, and takes HYPERSIEVE_TOKEN when it is given", () => {
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(tokenFile, "utf8").trim()).toBe(token);
    const other = path.join(dir, "fixed.db");
    fs.writeFileSync(`${other}.token`, "old", { mode: 0o644 });
    const fixed = establishServerToken(other, { HYPERSIEVE_TOKEN: "a-fixed-token-of-enough-length" });
    expect(fixed.token).toBe("a-fixed-token-of-enough-length");
    expect(fs.statSync(`${other}.token`).mode & 0o777).toBe(0o600);
    establishServerToken(path.join(dir, "t.db"), { HYPERSIEVE_TOKEN: token });
  });

  it("refuses a weak token, or a study's agent token, as the server token", () => {
    expect(serverTokenProblem("short")).toMatch(/at least 16/);
    expect(serverTokenProblem("hs_abcdefghijklmnopqrstuvwxyz")).toMatch(/agent token/);
    expect(serverTokenProblem("has spaces in it, many of them")).toMatch(/letters, digits/);
  });

  it("the CLI's agent reads the server token beside the database when given no other", () => {
    expect(agentToken("", { HYPERSIEVE_DB: path.join(dir, "t.db") })).toBe(token);
    expect(agentToken("", { HYPERSIEVE_DB: path.join(dir, "t.db"), HYPERSIEVE_TOKEN: "hs_study" })).toBe("hs_study");
    expect(() => agentToken("", { HYPERSIEVE_DB: path.join(dir, "none.db") })).toThrow(/no agent token.*none\.db\.token/);
  });
});
