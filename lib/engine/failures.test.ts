import { describe, expect, it } from "vitest";
import { FAILURE_MIN, FAILURE_WINDOW, FailureWatch, trustProblems, type FailureStats } from "./failures";

/** Outcomes from a pattern: "x" a failed job, "." one that was not. */
function watch(pattern: string): FailureWatch {
  return new FailureWatch([...pattern].map((c, i) => ({ failed: c === "x", trial: i, reason: c === "x" ? `crash ${i}\n--- last lines of stderr ---\nboom ${i}` : null })));
}

describe("FailureWatch", () => {
  it("has the thresholds the docs name", () => {
    expect([FAILURE_WINDOW, FAILURE_MIN]).toEqual([20, 5]);
  });

  it.each([
    { pattern: "", stops: false },
    { pattern: "xxxx", stops: false },
    { pattern: "xxxxx", stops: true },
    { pattern: "....xxxxx", stops: true },
    { pattern: ".....xxxxx", stops: true },
    { pattern: "......xxxxx", stops: false },
    { pattern: "x.x.x.x.x.x.x.x.x.x.", stops: true },
    { pattern: "x.x.x.x.x.x.x.x.x...", stops: false },
    // Old failures leave the window: 10 failures, then 11 good jobs.
    { pattern: "xxxxxxxxxx...........", stops: false },
    { pattern: "..........xxxxxxxxxx", stops: true },
  ])("with jobs $pattern stops: $stops", ({ pattern, stops }) => {
    expect(watch(pattern).verdict() !== null).toBe(stops);
  });

  it("names the count and ends with the last failure's message, stderr tail included", () => {
    const verdict = watch("..x.xxxx").verdict()!;
    expect(verdict).toMatch(/^5 of the last 8 finished jobs failed/);
    expect(verdict).toMatch(/The last failure, trial #7: crash 7\n--- last lines of stderr ---\nboom 7$/);
  });
});

describe("trustProblems", () => {
  const healthy: FailureStats = { trials: 100, failed: 2, resumed: 30, resumedFailed: 1, lastFailure: { trial: 4, reason: "x" } };

  it.each([
    { what: "a healthy study", stats: healthy, want: [] },
    { what: "a quarter of the trials failed", stats: { ...healthy, failed: 25 }, want: [/^25 of 100 trials failed \(25%/] },
    { what: "just under a quarter", stats: { ...healthy, failed: 24 }, want: [] },
    { what: "two of four trials (too few to judge)", stats: { ...healthy, trials: 4, failed: 2, resumed: 0, resumedFailed: 0 }, want: [] },
    {
      what: "the user's report: every promoted trial crashed",
      stats: { trials: 241, failed: 92, resumed: 92, resumedFailed: 92, lastFailure: null },
      want: [/^92 of 241 trials failed \(38%/, /^92 of the 92 trials that went on from a checkpoint failed.*\{resume_file\}/],
    },
    { what: "half the resumed trials failed, few failures overall", stats: { ...healthy, failed: 15, resumed: 30, resumedFailed: 15 }, want: [/^15 of the 30 trials that went on/] },
  ])("$what", ({ stats, want }) => {
    const problems = trustProblems(stats);
    expect(problems).toHaveLength(want.length);
    want.forEach((pattern, i) => expect(problems[i]).toMatch(pattern));
  });
});
