import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableCounts } from "@/db/queries";
import { closeTempDatabase, useTempDatabase } from "@/test/temp-db";
import { GET as getStudy } from "./[id]/route";
import { POST as postAction } from "./[id]/actions/route";
import { GET as listStudies, POST as postStudy } from "./route";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const valid = {
  name: "api test",
  objective: "lc-table:digits-mlp",
  budget: { kind: "trials", value: 2 },
  parallelism: 2,
  seed: 1,
};

function post(body: unknown, headers: Record<string, string> = { "content-type": "application/json" }): Request {
  return new Request("http://127.0.0.1/api/studies", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

const idContext = (id: string) => ({ params: Promise.resolve({ id }) });

describe("POST /api/studies", () => {
  const bad: [string, unknown, number, RegExp][] = [
    ["a missing name", { ...valid, name: undefined }, 400, /name/],
    ["an empty name", { ...valid, name: "  " }, 400, /name: must not be empty/],
    ["a budget of zero", { ...valid, budget: { kind: "epochs", value: 0 } }, 400, /budget\.value/],
    ["an unknown budget kind", { ...valid, budget: { kind: "hours", value: 3 } }, 400, /budget\.kind/],
    ["a string parallelism", { ...valid, parallelism: "4" }, 400, /parallelism/],
    ["a negative seed", { ...valid, seed: -1 }, 400, /seed/],
    ["an unknown field", { ...valid, colour: "red" }, 400, /colour/],
    ["an unknown objective", { ...valid, objective: "lc-table:nope" }, 400, /objective: unknown objective 'lc-table:nope'/],
    ["an unknown strategy", { ...valid, strategy: "magic+fifo" }, 400, /strategy: unknown sampler 'magic'/],
    ["low above high", { ...valid, space: [{ type: "float", name: "lr", low: 0.5, high: 0.01, log: true }] }, 400, /lr.*low \(0\.5\) must not exceed high/],
    ["an Infinity bound", { ...valid, space: [{ type: "float", name: "lr", low: 0.001, high: "Infinity" }] }, 400, /space\.0\.high/],
    ["a parameter the objective lacks", { ...valid, space: [{ type: "int", name: "epochs", low: 1, high: 3 }] }, 400, /space\.0\.name: 'epochs' is not a parameter/],
  ];

  it.each(bad)("rejects %s with a message naming the field, writing nothing", async (_label, body, status, message) => {
    const before = tableCounts();
    const response = await postStudy(post(body));
    expect(response.status).toBe(status);
    const json = await response.json();
    expect(json.error).toMatch(message);
    expect(tableCounts()).toEqual(before);
  });

  it("rejects a body that is not JSON, or not declared as JSON", async () => {
    const before = tableCounts();
    expect((await postStudy(post("{not json"))).status).toBe(400);
    expect((await postStudy(post(valid, { "content-type": "text/plain" }))).status).toBe(415);
    expect(tableCounts()).toEqual(before);
  });

  it("rejects a body over the size limit", async () => {
    const before = tableCounts();
    const response = await postStudy(post({ ...valid, name: "x".repeat(300_000) }));
    expect(response.status).toBe(413);
    expect(tableCounts()).toEqual(before);
  });

  it("creates a study with the objective's space and lists it", async () => {
    const response = await postStudy(post(valid));
    expect(response.status).toBe(201);
    const study = await response.json();
    expect(study.space.map((p: { name: string }) => p.name)).toEqual(["lr", "momentum", "batch_size", "width", "depth", "weight_decay", "dropout"]);
    const list = await (await listStudies()).json();
    expect(list.map((s: { id: number }) => s.id)).toContain(study.id);
    const detail = await (await getStudy(new Request("http://127.0.0.1"), idContext(String(study.id)))).json();
    expect(detail.study.name).toBe("api test");
  });
});

describe("study routes", () => {
  it("answers 400 for an id that is not a positive integer and 404 for a missing study", async () => {
    expect((await getStudy(new Request("http://127.0.0.1"), idContext("abc"))).status).toBe(400);
    expect((await getStudy(new Request("http://127.0.0.1"), idContext("-3"))).status).toBe(400);
    const missing = await getStudy(new Request("http://127.0.0.1"), idContext("99999"));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatch(/study 99999 does not exist/);
  });

  it("rejects an unknown action and writes nothing", async () => {
    const before = tableCounts();
    const request = new Request("http://127.0.0.1", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "explode" }) });
    const response = await postAction(request, idContext("1"));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/action/);
    expect(tableCounts()).toEqual(before);
  });
});
