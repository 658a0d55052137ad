import { describe, expect, it } from "vitest";
import { raceSwitchesNote, scheduleRuleNote } from "./race-defaults";

describe("scheduleRuleNote", () => {
  it.each([
    [undefined, "Schedules: a flattened leader steps half-way towards the best trials at the highest rung, from its best checkpoint."],
    [{ param: "lr", factor: 0.1, from: "latest", lastRung: true, alongside: true } as const, "Schedules: lr × 0.1 from the latest checkpoint, alongside every leader promoted from the last rung."],
    [{ param: "lr", factor: 0.5 }, "Schedules: lr × 0.5 from the best checkpoint, when a leader's curve flattens at any rung."],
    [{ param: "momentum", factor: 1.5, from: "best", lastRung: true } as const, "Schedules: momentum × 1.5 from the best checkpoint, when a leader's curve flattens at the last rung."],
  ])("says the schedule step of %j in one line", (decay, line) => {
    expect(scheduleRuleNote(decay)).toBe(line);
  });
});

describe("raceSwitchesNote", () => {
  it("says which switches are off, and where schedules paid only when schedules are off", () => {
    expect(raceSwitchesNote(true, true)).toBeNull();
    expect(raceSwitchesNote(false, true)).toMatch(/^Warm starts are off in this study \(off by default: .*\)\.$/);
    expect(raceSwitchesNote(false, true)).not.toContain("step decay");
    expect(raceSwitchesNote(true, false)).toMatch(/^Schedules are off in this study .* A step decay of the learning rate .* choose it for such training\.$/);
    expect(raceSwitchesNote(false, false)).toMatch(/^Warm starts and schedules are off/);
  });
});
