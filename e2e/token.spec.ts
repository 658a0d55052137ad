/**
 * The server token in a real browser and against the real server: a page
 * opened without it says how to get in and cannot change anything; the
 * `?token=` link gives an HttpOnly, SameSite=Strict cookie and is dropped
 * from the address; every state-changing route (read from app/api) refuses
 * a request without the token and lets one with it through.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

const token = process.env.HYPERSIEVE_TOKEN!;

function stateChangingRoutes(): { url: string; method: string; served: boolean }[] {
  const apiDir = path.join(__dirname, "..", "app", "api");
  return fs
    .readdirSync(apiDir, { recursive: true, encoding: "utf8" })
    .filter((f) => /(^|\/)route\.ts$/.test(f))
    .flatMap((file) => {
      const text = fs.readFileSync(path.join(apiDir, file), "utf8");
      // Methods a route serves (its exported functions) and the ones it answers 405 (exported aliases of methodNotAllowed).
      const served = new Set([...text.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\b/g)].map((m) => m[1]));
      const exported = new Set(served);
      for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) for (const n of m[1].matchAll(/as\s+([A-Z]+)\b/g)) exported.add(n[1]);
      // Ids that name nothing: an accepted request then changes nothing on the shared server.
      const segments = path.dirname(file).split(path.sep).filter((s) => s !== ".");
      const url = "/api/" + segments.map((s) => (s.startsWith("[...") ? "no/such/route" : s.startsWith("[") ? "999999" : s)).join("/");
      return ["POST", "PUT", "PATCH", "DELETE"].filter((m) => exported.has(m)).map((method) => ({ url, method, served: served.has(method) }));
    });
}

test("every state-changing route refuses a request without the server token and takes one with it", async ({ baseURL }) => {
  const routes = stateChangingRoutes();
  expect(routes.length).toBeGreaterThan(20);
  const refusedWithout: string[] = [];
  const refusedWith: string[] = [];
  for (const { url, method, served } of routes) {
    // Agent routes read their body before their token: give them one of the right shape.
    const body = url.startsWith("/api/agent/") ? { study: 999999, agent: "a", ...(url.endsWith("/report") ? { epoch: 1, value: 0.5 } : url.endsWith("/finish") ? { status: "exited" } : {}) } : {};
    const send = (headers: Record<string, string>) => fetch(`${baseURL}${url}`, { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const without = await send({});
    const message = ((await without.json()) as { error?: string }).error ?? "";
    // Agent routes answer with their own per-study check (405 for a method they do not serve); every other route with the server token's.
    const agent = url.startsWith("/api/agent/");
    const [status, expected] = agent && !served ? [405, /not allowed/] : agent ? [401, /agent token|Authorization/] : [401, /needs the server's token.*\.token/];
    if (without.status !== status || !expected.test(message)) refusedWithout.push(`${method} ${url}: ${without.status} ${message}`);
    const withToken = await send({ authorization: `Bearer ${token}` });
    if (withToken.status === 401) refusedWith.push(`${method} ${url}: ${withToken.status} ${await withToken.text()}`);
  }
  expect(refusedWithout).toEqual([]);
  expect(refusedWith).toEqual([]);
});

test("a browser without the token is told how to get in; the ?token= link gives it an HttpOnly cookie", async ({ browser, baseURL }) => {
  // A context of its own, without the token header the configuration gives every context.
  const context = await browser.newContext({ extraHTTPHeaders: {} });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByTestId("token-notice")).toContainText("?token=");
  const refused = await page.evaluate(async () => {
    const r = await fetch("/api/studies/999999/actions", { method: "POST", headers: { "content-type": "application/json" }, body: '{"action":"stop"}' });
    return { status: r.status, error: (await r.json()).error as string };
  });
  expect(refused.status).toBe(401);
  expect(refused.error).toContain("?token=");

  await page.goto(`/?token=${token}`);
  expect(new URL(page.url()).search).toBe("");
  await expect(page.getByTestId("token-notice")).toHaveCount(0);
  const cookie = (await context.cookies(baseURL)).find((c) => c.name.startsWith("hypersieve_token_"));
  expect(cookie).toMatchObject({ value: token, httpOnly: true, sameSite: "Strict" });
  expect(await page.evaluate(() => document.cookie)).not.toContain(token);
  const accepted = await page.evaluate(async () => (await fetch("/api/studies/999999/actions", { method: "POST", headers: { "content-type": "application/json" }, body: '{"action":"stop"}' })).status);
  expect(accepted).toBe(404);
  await context.close();
});
