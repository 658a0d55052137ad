import { describe, expect, it } from "vitest";
import { guardRequest, pathProblem } from "./request-guard";

const req = (method: string, headers: Record<string, string>) => ({ method, headers: new Headers(headers) });

describe("request guard", () => {
  it.each([
    ["a loopback host", "GET", { host: "127.0.0.1:3000" }, null],
    ["localhost", "GET", { host: "localhost:3000" }, null],
    ["a foreign host (DNS rebinding)", "GET", { host: "evil.example:3000" }, 421],
    ["no host at all", "GET", {}, 421],
    ["a same-origin POST", "POST", { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }, null],
    ["a POST without Origin (curl, agents)", "POST", { host: "127.0.0.1:3000" }, null],
    ["a cross-site POST", "POST", { host: "127.0.0.1:3000", origin: "http://evil.example" }, 403],
    ["a POST from another port", "POST", { host: "127.0.0.1:3000", origin: "http://127.0.0.1:4000" }, 403],
    ["Origin null", "PATCH", { host: "127.0.0.1:3000", origin: "null" }, 403],
    ["a cross-site fetch without Origin", "POST", { host: "127.0.0.1:3000", "sec-fetch-site": "cross-site" }, 403],
    ["userinfo before a foreign host", "GET", { host: "127.0.0.1:3107@evil.example" }, 421],
    ["a path in the Host header", "GET", { host: "127.0.0.1/evil" }, 421],
    ["a port that is not a number", "GET", { host: "127.0.0.1:x" }, 421],
    ["IPv6 loopback", "GET", { host: "[::1]:3000" }, null],
  ])("%s", (_label, method, headers, status) => {
    const result = guardRequest(req(method, headers as Record<string, string>), {});
    expect(result?.status ?? null).toBe(status);
  });

  it("answers to hosts listed in HYPERSIEVE_ALLOWED_HOSTS", () => {
    expect(guardRequest(req("GET", { host: "gpu-box.lan:3000" }), { HYPERSIEVE_ALLOWED_HOSTS: "gpu-box.lan" })).toBeNull();
  });

  it("refuses a path with a malformed percent-escape, naming the segment", () => {
    expect(pathProblem("/api/studies/%E0%A4%A")).toMatch(/"%E0%A4%A" has a malformed percent-escape/);
    expect(pathProblem("/api/studies/1/rules/%25")).toBeNull();
    const refusal = guardRequest({ ...req("GET", { host: "127.0.0.1:3000" }), nextUrl: { pathname: "/api/studies/%E0%A4%A" } }, {});
    expect(refusal?.status).toBe(400);
  });
});
