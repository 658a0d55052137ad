import { describe, expect, it } from "vitest";
import { createStrategy, parseStrategyName } from "./registry";
import type { Space } from "./space";
import type { Strategy } from "./strategy";

const space: Space = [
  { type: "float", name: "lr", low: 1e-4, high: 1, log: true },
  { type: "int", name: "width", low: 16, high: 256, log: true },
  { type: "categorical", name: "act", choices: ["relu", "tanh"] },
];

const NAMES = ["random+fifo", "sobol+fifo", "tpe+fifo", "random+asha", "tpe+asha", "random+hyperband", "tpe+hyperband", "random+iepoch", "tpe+iepoch", "sobol+asha", "bohb", "bohb+asha"];

/** Every job and verdict of 150 asks, with a loss that depends on params and epoch. */
function transcript(s: Strategy): string[] {
  const out: string[] = [];
  for (let j = 0; j < 150; j++) {
    const job = s.ask();
    if (!job) break;
    out.push(JSON.stringify(job));
    const t = s.trials[job.trial];
    const lr = t.params.lr as number;
    for (let e = t.losses.length + 1; e <= job.toEpoch; e++) {
      const v = s.tell({ trial: job.trial, epoch: e, value: Math.abs(Math.log10(lr) + 2) + (t.params.act === "relu" ? 0 : 0.3) + 3 / e });
      out.push(v.decision);
      if (v.decision !== "continue") break;
    }
  }
  return out;
}

describe("createStrategy", () => {
  it.each(NAMES)("gives an identical run of %s for the same seed, and a different one for another seed", (name) => {
    const make = (seed: number) => createStrategy({ name, space, direction: "minimize", maxEpochs: 12, seed });
    const a = transcript(make(7));
    expect(a.length).toBeGreaterThan(100);
    expect(transcript(make(7))).toEqual(a);
    expect(transcript(make(8))).not.toEqual(a);
  });

  it.each([
    ["tpe", /must be 'sampler\+scheduler'/],
    ["grid+asha", /unknown sampler 'grid' \(known: (?=.*\brandom\b)(?=.*\bsobol\b)(?=.*\btpe\b)(?=.*\bbohb\b)/],
    ["tpe+median", /unknown scheduler 'median' \(known: (?=.*\bfifo\b)(?=.*\basha\b)(?=.*\bhyperband\b)(?=.*\biepoch\b)/],
    ["toString+fifo", /unknown sampler 'toString'/],
  ])("rejects the name %s with a message that says what is wrong", (name, message) => {
    expect(parseStrategyName(name)).toEqual({ error: expect.stringMatching(message) });
    expect(() => createStrategy({ name, space, direction: "minimize", maxEpochs: 5, seed: 0 })).toThrow(message);
  });

  it("passes scheduler settings through and names them", () => {
    const s = createStrategy({ name: "random+asha", space, direction: "minimize", maxEpochs: 9, seed: 0, settings: { eta: 2, minEpochs: 2, patience: 3 } });
    expect(s.name).toBe("random+asha(eta=2,r=2,patience=3)");
    expect(() => createStrategy({ name: "random+hyperband", space, direction: "minimize", maxEpochs: 9, seed: 0, settings: { eta: 1 } })).toThrow(/hyperband: eta/);
  });

  it("resolves bohb to BOHB's sampler inside Hyperband, and hands it the scheduler's eta", () => {
    expect(parseStrategyName("bohb")).toEqual({ sampler: "bohb", scheduler: "hyperband" });
    expect(createStrategy({ name: "bohb", space, direction: "minimize", maxEpochs: 9, seed: 0 }).name).toBe("bohb+hyperband(eta=3,r=1)");
    expect(() => createStrategy({ name: "bohb", space, direction: "minimize", maxEpochs: 9, seed: 0, samplerSettings: { randomFraction: 2 } })).toThrow(/bohb: randomFraction/);
  });
});
