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
