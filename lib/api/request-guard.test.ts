import { describe, expect, it } from "vitest";
import { guardRequest } from "./request-guard";

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
  ])("%s", (_label, method, headers, status) => {
    const result = guardRequest(req(method, headers as Record<string, string>), {});
    expect(result?.status ?? null).toBe(status);
  });

  it("answers to hosts listed in HYPERSIEVE_ALLOWED_HOSTS", () => {
    expect(guardRequest(req("GET", { host: "gpu-box.lan:3000" }), { HYPERSIEVE_ALLOWED_HOSTS: "gpu-box.lan" })).toBeNull();
  });
});
