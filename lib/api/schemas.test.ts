import { describe, expect, it } from "vitest";
import { HttpError, parseWith } from "./http";
import { createStudySchema } from "./schemas";

const body = { name: "wine", objective: "mlp:wine", strategy: "sieve", budget: { kind: "epochs", value: 100 } };

function messageOf(value: unknown): string {
  try {
    parseWith(createStudySchema, value, "body");
  } catch (error) {
    if (error instanceof HttpError) return error.message;
    throw error;
  }
  return "";
}

describe("createStudySchema", () => {
  it.each([
    ["warmStart", "no"],
    ["warmStart", 0],
    ["schedules", "false"],
  ])("rejects a non-boolean %s (%j), naming the field", (field, value) => {
    expect(messageOf({ ...body, [field]: value })).toMatch(new RegExp(`^invalid body: ${field}: `));
  });

  it("takes the race's switches for any strategy, and leaves them out when absent", () => {
    expect(createStudySchema.parse({ ...body, strategy: "random+fifo", warmStart: false, schedules: true })).toMatchObject({ warmStart: false, schedules: true });
    const parsed = createStudySchema.parse(body);
    expect(parsed.warmStart).toBeUndefined();
    expect(parsed.schedules).toBeUndefined();
  });
});

describe("createStudySchema's scheduleDecay", () => {
  it("takes a decay rule, filling in the race's defaults for what is left out", () => {
    expect(createStudySchema.parse({ ...body, scheduleDecay: { param: "lr", factor: 0.1 } }).scheduleDecay).toEqual({ param: "lr", factor: 0.1, from: "best", lastRung: false, alongside: false });
    const full = { param: "lr", factor: 0.5, from: "latest", lastRung: true, alongside: true };
    expect(createStudySchema.parse({ ...body, schedules: true, scheduleDecay: full }).scheduleDecay).toEqual(full);
    expect(createStudySchema.parse(body).scheduleDecay).toBeUndefined();
  });

  it.each([
    ["a factor of 1", { param: "lr", factor: 1 }, /scheduleDecay\.factor: must be a positive number other than 1/],
    ["a negative factor", { param: "lr", factor: -0.1 }, /scheduleDecay\.factor: must be a positive number other than 1/],
    ["a factor of zero", { param: "lr", factor: 0 }, /scheduleDecay\.factor: must be a positive number other than 1/],
    ["a factor given as text", { param: "lr", factor: "0.1" }, /scheduleDecay\.factor: /],
    ["no factor", { param: "lr" }, /scheduleDecay\.factor: /],
    ["no param", { factor: 0.1 }, /scheduleDecay\.param: /],
    ["an unknown from", { param: "lr", factor: 0.1, from: "first" }, /scheduleDecay\.from: /],
    ["a non-boolean lastRung", { param: "lr", factor: 0.1, lastRung: "yes" }, /scheduleDecay\.lastRung: /],
    ["an unknown key", { param: "lr", factor: 0.1, every: 3 }, /scheduleDecay: .*every/],
  ])("refuses %s, naming the field", (_, scheduleDecay, message) => {
    expect(messageOf({ ...body, scheduleDecay })).toMatch(message);
  });

  it("refuses a decay rule with schedules switched off, naming scheduleDecay", () => {
    expect(messageOf({ ...body, schedules: false, scheduleDecay: { param: "lr", factor: 0.1 } })).toMatch(/scheduleDecay: is a rule for the race's schedules, which schedules: false switches off/);
  });
});
