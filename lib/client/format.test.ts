import { describe, expect, it } from "vitest";
import { formatBudget, formatTime, formatValue, isLive } from "./format";

describe("formatValue", () => {
  it.each([
    [null, "—"],
    [0.070741, "0.07074"],
    [2.2534, "2.253"],
    [1e-5, "1e-5"],
    [1.2346e-5, "1.235e-5"],
    [0, "0"],
    [Number.NaN, "—"],
  ])("formats %s as %s", (value, text) => {
    expect(formatValue(value)).toBe(text);
  });
});

describe("formatTime", () => {
  it("prints UTC minutes, the same on server and browser", () => {
    expect(formatTime("2026-11-27T13:58:12.345Z")).toBe("2026-11-27 13:58 UTC");
  });

  it("passes through text it cannot parse", () => {
    expect(formatTime("yesterday")).toBe("yesterday");
  });
});

describe("formatBudget", () => {
  it("counts in the budget's unit", () => {
    expect(formatBudget({ budget: { kind: "epochs", value: 2000 }, epochsSpent: 1200, trialCount: 40 })).toBe("1,200 / 2,000 epochs");
    expect(formatBudget({ budget: { kind: "trials", value: 100 }, epochsSpent: 1200, trialCount: 40 })).toBe("40 / 100 trials");
  });
});

describe("isLive", () => {
  it("keeps polling while trials still run after a pause", () => {
    expect(isLive({ status: "paused", runningCount: 2 })).toBe(true);
    expect(isLive({ status: "completed", runningCount: 0 })).toBe(false);
    expect(isLive({ status: "running", runningCount: 0 })).toBe(true);
  });
});
