import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createCommandObjective } from "../objectives/command";
import { commandSpecSchema } from "./command";

const valid = {
  argv: ["python3", "train.py", "--lr", "{lr}", "--epochs", "{epochs}", "--resume={resume_from}"],
  cwd: "/srv/training",
  direction: "minimize",
  maxEpochs: 50,
  space: [{ type: "float", name: "lr", low: 1e-4, high: 1, log: true }],
};

describe("commandSpecSchema", () => {
  it("fills the defaults and yields a spec the command objective takes", () => {
    const spec = commandSpecSchema.parse(valid);
    expect(spec).toMatchObject({ metric: "value", graceMs: 5000, timeoutMs: 600_000 });
    expect(createCommandObjective(spec).info).toMatchObject({ metric: "value", maxEpochs: 50, direction: "minimize" });
  });

  it.each([
    { input: { argv: [] }, path: "argv" },
    { input: { argv: ["x".repeat(1001)] }, path: "argv.0" },
    { input: { argv: Array.from({ length: 65 }, () => "a") }, path: "argv" },
    { input: { argv: ["train", "--bs={batch}"] }, path: "argv.1", message: /unknown placeholder \{batch\}/ },
    { input: { maxEpochs: 0 }, path: "maxEpochs" },
    { input: { maxEpochs: 100_001 }, path: "maxEpochs" },
    { input: { direction: "lower" }, path: "direction" },
    { input: { env: { HYPERSIEVE_SEED: "1" } }, path: "env" },
    { input: { env: { "BAD NAME": "1" } }, path: "env.BAD NAME" },
    { input: { space: [{ type: "int", name: "seed", low: 1, high: 9 }] }, path: "space", message: /built-in placeholder \{seed\}/ },
    { input: { shell: true }, path: "" },
    { input: { protocol: "stdin" }, path: "protocol" },
    { input: { keepAliveMs: 10 }, path: "keepAliveMs" },
    { input: { maxWaiting: -1 }, path: "maxWaiting" },
  ])("rejects $path for $input", ({ input, path, message }) => {
    const result = commandSpecSchema.safeParse({ ...valid, ...input });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join(".") === path);
    expect(issue, JSON.stringify(result.error!.issues)).toBeDefined();
    if (message) expect(issue!.message).toMatch(message);
  });
});

describe("the example commands", () => {
  it.each(["examples/node/command.json", "examples/pytorch/command.json"])("%s is a valid command spec", (file) => {
    const result = commandSpecSchema.safeParse(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", file), "utf8")));
    expect(result.error?.issues ?? []).toEqual([]);
  });
});
