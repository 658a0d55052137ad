import { describe, expect, it } from "vitest";
import type { ParamDef } from "@/lib/api/schemas";
import { agentCommandLine, agentSpecFrom, argvFromText, commandSpecFrom, DEFAULT_TRAINING_FIELDS, paramNameProblem } from "./training-spec";

const LR: ParamDef = { type: "float", name: "lr", low: 0.001, high: 1, log: true };

describe("argvFromText", () => {
  it.each([
    ["node\ntrain.mjs\n--lr\n{lr}\n", ["node", "train.mjs", "--lr", "{lr}"]],
    ["  python  \r\ntrain.py\n\n\n", ["python", "train.py"]],
    ["bash\n\n-c", ["bash", "", "-c"]],
    ["--name=my run", ["--name=my run"]],
    ["\n\n", []],
  ])("reads %j as %j", (text, argv) => {
    expect(argvFromText(text)).toEqual(argv);
  });
});

describe("commandSpecFrom", () => {
  const fields = { ...DEFAULT_TRAINING_FIELDS, argvText: "node\ntrain.mjs\n--lr\n{lr}", maxEpochs: "10" };

  it("builds the spec the API takes", () => {
    const { spec, issues } = commandSpecFrom(fields, [LR]);
    expect(issues).toEqual({});
    expect(spec).toEqual({ argv: ["node", "train.mjs", "--lr", "{lr}"], cwd: ".", protocol: "per-job", metric: "value", direction: "minimize", maxEpochs: 10, space: [LR] });
  });

  it("passes the chosen protocol on", () => {
    expect(commandSpecFrom({ ...fields, protocol: "worker" }, [LR]).spec.protocol).toBe("worker");
  });

  it.each([
    [{ argvText: "" }, "command.argv"],
    [{ argvText: "node\n\ntrain.mjs" }, "command.argv.1"],
    [{ argvText: "node\n--lr={learning_rate}" }, "command.argv.1"],
    [{ cwd: " " }, "command.cwd"],
    [{ maxEpochs: "2.5" }, "command.maxEpochs"],
    [{ maxEpochs: "0" }, "command.maxEpochs"],
    [{ metric: "" }, "command.metric"],
  ])("flags %j at %s", (change, path) => {
    expect(Object.keys(commandSpecFrom({ ...fields, ...change }, [LR]).issues)).toEqual([path]);
  });

  it("flags a param named like a built-in placeholder on its row", () => {
    const { issues } = commandSpecFrom({ ...fields, argvText: "train\n{epochs}" }, [LR, { type: "int", name: "epochs", low: 1, high: 9 }]);
    expect(Object.keys(issues)).toEqual(["space.1.name"]);
  });
});

describe("agentSpecFrom", () => {
  it("builds the spec with the lease and re-queue settings", () => {
    const { spec, issues } = agentSpecFrom({ ...DEFAULT_TRAINING_FIELDS, leaseSeconds: "30", requeue: true, direction: "maximize" }, [LR]);
    expect(issues).toEqual({});
    expect(spec).toEqual({ metric: "value", direction: "maximize", maxEpochs: 10, space: [LR], leaseSeconds: 30, requeue: true });
  });

  it("flags a lease under two seconds", () => {
    expect(Object.keys(agentSpecFrom({ ...DEFAULT_TRAINING_FIELDS, leaseSeconds: "1" }, [LR]).issues)).toEqual(["agent.leaseSeconds"]);
  });
});

describe("paramNameProblem", () => {
  it.each([
    ["lr", null],
    ["", "must not be empty"],
    ["2x", "must be 1–64 letters, digits, '_', '.' or '-', starting with a letter or '_'"],
  ])("judges %j", (name, problem) => {
    expect(paramNameProblem(name)).toBe(problem);
  });
});

describe("agentCommandLine", () => {
  it("downloads the one-file agent, puts the token in the environment and hints the program with the space's names", () => {
    expect(agentCommandLine("http://127.0.0.1:3000", 7, "hs_abc", [LR, { type: "int", name: "hidden", low: 4, high: 64 }]).split("\n")).toEqual([
      "curl -fsS http://127.0.0.1:3000/api/agent/download -o hypersieve-agent.mjs",
      "HYPERSIEVE_TOKEN=hs_abc node hypersieve-agent.mjs --server http://127.0.0.1:3000 --study 7 -- python train.py --lr {lr} --hidden {hidden}",
    ]);
  });
});
