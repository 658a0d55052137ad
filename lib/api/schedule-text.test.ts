import { describe, expect, it } from "vitest";
import { scheduleLines, scheduleText } from "./schedule-text";

describe("scheduleText", () => {
  it("writes each param that changes as its values with the epochs they took effect after", () => {
    const schedule = [
      { fromEpoch: 0, params: { lr: 0.1, momentum: 0.9, optimizer: "sgd" } },
      { fromEpoch: 12, params: { lr: 0.010000000000000002, momentum: 0.9, optimizer: "sgd" } },
      { fromEpoch: 20, params: { lr: 0.001, momentum: 0.95, optimizer: "sgd" } },
    ];
    expect(scheduleLines(schedule)).toEqual(["lr: 0.1 until epoch 12, then 0.01 until epoch 20, then 0.001", "momentum: 0.9 until epoch 20, then 0.95"]);
    expect(scheduleText(schedule)).toBe("lr: 0.1 until epoch 12, then 0.01 until epoch 20, then 0.001; momentum: 0.9 until epoch 20, then 0.95");
  });

  it("is empty for a trial from scratch, or a branch that kept its parent's params", () => {
    expect(scheduleText(undefined)).toBe("");
    expect(scheduleText([{ fromEpoch: 0, params: { lr: 0.1 } }])).toBe("");
    expect(scheduleText([{ fromEpoch: 0, params: { lr: 0.1 } }, { fromEpoch: 7, params: { lr: 0.1 }, shrinkPerturb: true }])).toBe("");
  });

  it("keeps integers and words as they are", () => {
    expect(scheduleText([{ fromEpoch: 0, params: { batch_size: 32, act: "relu" } }, { fromEpoch: 5, params: { batch_size: 128, act: "tanh" } }])).toBe(
      "batch_size: 32 until epoch 5, then 128; act: relu until epoch 5, then tanh",
    );
  });
});
