import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableCounts } from "@/db/queries";
import fs from "node:fs";
import path from "node:path";
import { closeTempDatabase, useTempDatabase } from "@/test/temp-db";
import { GET as getStudy } from "./[id]/route";
import { POST as postAction } from "./[id]/actions/route";
import { PATCH as patchRule } from "./[id]/rules/[ruleId]/route";
import { DELETE as deleteStudies, GET as listStudies, POST as postStudy } from "./route";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const valid = {
  name: "api test",
  objective: "lc-table:digits-mlp",
  strategy: "random+fifo",
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
    ["a NUL in the name", { ...valid, name: "a\u0000b" }, 400, /name: must not contain control characters/],
    ["a right-to-left override in the name", { ...valid, name: "invoice\u202egpj.exe" }, 400, /name: must not contain bidirectional control characters \(such as U\+202E\)/],
    ["a lone surrogate in the name", { ...valid, name: "a\ud800b" }, 400, /name: must not contain a lone UTF-16 surrogate/],
    ["a parameter the objective lacks", { ...valid, space: [{ type: "int", name: "epochs", low: 1, high: 3 }] }, 400, /space\.0\.name: 'epochs' is not a parameter/],
    ["a decay of a param the space lacks", { ...valid, objective: "mlp:wine", strategy: "sieve", scheduleDecay: { param: "learning_rate", factor: 0.1 } }, 400, /scheduleDecay\.param: 'learning_rate' is not a parameter of this study's space/],
    ["a decay of a categorical param", { ...valid, objective: "mlp:wine", strategy: "sieve", scheduleDecay: { param: "optimizer", factor: 0.1 } }, 400, /scheduleDecay\.param: 'optimizer' is categorical/],
    ["a decay factor of 1", { ...valid, objective: "mlp:wine", strategy: "sieve", scheduleDecay: { param: "lr", factor: 1 } }, 400, /scheduleDecay\.factor: must be a positive number other than 1/],
    ["a decay with schedules off", { ...valid, objective: "mlp:wine", strategy: "sieve", schedules: false, scheduleDecay: { param: "lr", factor: 0.1 } }, 400, /scheduleDecay: is a rule for the race's schedules/],
    ["a decay for a strategy without the race", { ...valid, objective: "mlp:wine", strategy: "tpe+asha", scheduleDecay: { param: "lr", factor: 0.1 } }, 400, /scheduleDecay: the asha scheduler has no schedules/],
    ["a decay on an objective that cannot warm start", { ...valid, strategy: "sieve", scheduleDecay: { param: "lr", factor: 0.1 } }, 400, /scheduleDecay: objective 'lc-table:digits-mlp' cannot start a trial from another's checkpoint/],
  ];

  it.each(bad)("rejects %s with a message naming the field, writing nothing", async (_label, body, status, message) => {
    const before = tableCounts();
    const response = await postStudy(post(body));
    expect(response.status).toBe(status);
    const json = await response.json();
    expect(json.error).toMatch(message);
    expect(tableCounts()).toEqual(before);
  });

  const command = (overrides: Record<string, unknown>) => ({
    ...valid,
    objective: "command",
    command: { argv: [process.execPath, "train.mjs", "--lr", "{lr}"], cwd: ".", direction: "minimize", maxEpochs: 3, space: [{ type: "float", name: "lr", low: 0.01, high: 0.1 }], ...overrides },
  });
  const badCommands: [string, unknown, RegExp][] = [
    ["an empty argv[0]", command({ argv: ["", "--lr", "{lr}"] }), /command\.argv\.0: argv\[0\] must name a program/],
    ["a blank argv[0]", command({ argv: ["  "] }), /command\.argv\.0: argv\[0\] must name a program/],
    ["low above high in the command's space", command({ space: [{ type: "float", name: "lr", low: 0.5, high: 0.1 }] }), /command\.space: .*lr.*low \(0\.5\) must not exceed high/],
    ["an int range upside down", command({ space: [{ type: "int", name: "lr", low: 9, high: 1 }] }), /command\.space: .*low \(9\) must not exceed high/],
    ["a cwd that names a file", command({ cwd: "package.json" }), /command\.cwd: .*package\.json is not a directory/],
    ["a cwd that does not exist", command({ cwd: "no/such/dir" }), /command\.cwd: .*no\/such\/dir does not exist/],
    ["a NUL in the command's title", command({ title: "a\u0000" }), /command\.title: must not contain control characters/],
  ];

  it.each(badCommands)("rejects a command study with %s: 400 naming the field, writing nothing", async (_label, body, message) => {
    const before = tableCounts();
    const response = await postStudy(post(body));
    const json = await response.json();
    expect(response.status).toBe(400);
    expect(json.error).toMatch(message);
    expect(tableCounts()).toEqual(before);
  });

  it("rejects a body that is not JSON, or not declared as JSON", async () => {
    const before = tableCounts();
    expect((await postStudy(post("{not json"))).status).toBe(400);
    expect((await postStudy(post(valid, { "content-type": "text/plain" }))).status).toBe(415);
    expect((await postStudy(post(valid, { "content-type": "text/plain; x=application/json" }))).status).toBe(415);
    expect((await postStudy(post(valid, { "content-type": "application/jsonx" }))).status).toBe(415);
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
    const list = await (await listStudies(new Request("http://127.0.0.1/api/studies"))).json();
    expect(list.map((s: { id: number }) => s.id)).toContain(study.id);
    const detail = await (await getStudy(new Request("http://127.0.0.1"), idContext(String(study.id)))).json();
    expect(detail.study.name).toBe("api test");
  });
});

describe("study routes", () => {
  it("answers 400 for an id that is not a positive integer and 404 for a missing study", async () => {
    expect((await getStudy(new Request("http://127.0.0.1"), idContext("abc"))).status).toBe(400);
    expect((await getStudy(new Request("http://127.0.0.1"), idContext("-3"))).status).toBe(400);
    for (const id of ["0x1", " 1", "1 ", "1e0", "+1", "1.0", "0", ""]) {
      const response = await getStudy(new Request("http://127.0.0.1"), idContext(id));
      expect(response.status, JSON.stringify(id)).toBe(400);
      expect((await response.json()).error).toMatch(/study id/);
    }
    const malformed = await getStudy(new Request("http://127.0.0.1"), { params: Promise.reject(new URIError("URI malformed")) });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatch(/malformed percent-escape/);
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

describe("errors are JSON with a message", () => {
  it("answers a method a route does not serve with a JSON 405 naming the ones it does", async () => {
    const response = deleteStudies(new Request("http://127.0.0.1/api/studies", { method: "DELETE" }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, POST");
    expect((await response.json()).error).toMatch(/method DELETE is not allowed on \/api\/studies; use GET or POST/);
  });

  it("decodes a rule id once: '%' (sent as %25) is an unknown rule, not a 500", async () => {
    const created = await (await postStudy(post({ ...valid, name: "rules" }))).json();
    const request = new Request("http://127.0.0.1", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ status: "active" }) });
    const response = await patchRule(request, { params: Promise.resolve({ id: String(created.id), ruleId: "%" }) });
    expect(response.status).toBe(404);
    expect((await response.json()).error).toMatch(/%/);
  });

  it("answers 503 naming the cause when the database cannot be opened", async () => {
    const file = process.env.HYPERSIEVE_DB!;
    const directory = path.join(path.dirname(file), "a-directory.db");
    fs.mkdirSync(directory);
    process.env.HYPERSIEVE_DB = directory;
    try {
      const response = await listStudies(new Request("http://127.0.0.1/api/studies"));
      expect(response.status).toBe(503);
      expect((await response.json()).error).toMatch(new RegExp(`^database unavailable: ${directory}: `));
    } finally {
      process.env.HYPERSIEVE_DB = file;
    }
    expect((await listStudies(new Request("http://127.0.0.1/api/studies"))).status).toBe(200);
  });
});
