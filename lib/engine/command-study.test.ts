import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStudyDetail, getStudySummary, tableCounts } from "../../db/queries";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import { createStudy } from "./studies";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const spec = JSON.parse(fs.readFileSync("examples/node/command.json", "utf8"));

describe("a study of the user's own training command", () => {
  it("runs the Node example per trial through the engine, stopping early ones and storing every epoch", async () => {
    const study = createStudy({
      name: "node example",
      objective: "command",
      command: { ...spec, maxEpochs: 12 },
      strategy: "random+asha",
      budget: { kind: "epochs", value: 60 },
      parallelism: 2,
      seed: 3,
      epochDelayMs: 0,
    });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 90_000, "the command study to complete");
    const detail = getStudyDetail(study.id)!;
    expect(detail.study.epochsSpent).toBe(60);
    expect(detail.trials.length).toBeGreaterThan(3);
    expect(detail.trials.some((t) => t.status === "failed")).toBe(false);
    // Real logistic training on wine: the best validation loss is far below chance (ln 3 ≈ 1.10).
    expect(detail.study.bestValue!).toBeLessThan(0.6);
  });

  it("rejects a command whose template names an unknown parameter, writing nothing", () => {
    const before = tableCounts();
    expect(() =>
      createStudy({
        name: "bad", objective: "command", command: { ...spec, argv: ["node", "train.mjs", "--x", "{nope}"] },
        strategy: "random+fifo", budget: { kind: "trials", value: 1 }, parallelism: 1, seed: 0, epochDelayMs: 0,
      }),
    ).toThrow(/command\.argv\.3/);
    expect(tableCounts()).toEqual(before);
  });
});
