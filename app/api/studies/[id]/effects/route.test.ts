import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStudySummary } from "@/db/queries";
import type { EffectsResponse, PointsResponse } from "@/lib/api/explore-schemas";
import { createStudy } from "@/lib/engine/studies";
import { closeTempDatabase, useTempDatabase, waitFor } from "@/test/temp-db";
import { GET as points } from "../points/route";
import { defaultFidelity } from "@/lib/engine/study-analysis";
import { GET } from "./route";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const ctx = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });

describe("GET effects and points", () => {
  it("runs the effect tests on a tpe+asha study's stored trials, finds lr, and serves the cached result while the reports are unchanged", async () => {
    // lr-like: the loss depends on the learning rate (an interior optimum) far more than on anything else.
    const study = createStudy({ name: "effects route", objective: "synthetic:lr-like", strategy: "tpe+asha", budget: { kind: "epochs", value: 900 }, parallelism: 2, seed: 5, epochDelayMs: 0 });
    await waitFor(() => getStudySummary(study.id)!.status === "completed", 60_000, "the study to finish");
    const started = performance.now();
    const first = (await (await GET(new Request("http://127.0.0.1"), ctx(study.id))).json()) as EffectsResponse;
    const computeMs = performance.now() - started;
    expect(first.snapshot, first.reason ?? "").not.toBeNull();
    const main = first.snapshot!.effects.filter((e) => e.order === 1);
    expect(main.map((e) => e.label).sort()).toEqual(getStudySummary(study.id)!.space.map((p) => p.name).sort());
    const lr = main.find((e) => e.label === "lr")!;
    expect(lr.significant).toBe(true);
    expect(Math.abs(lr.strength)).toBe(Math.max(...main.map((e) => Math.abs(e.strength))));
    expect(lr.interval[0]).toBeLessThanOrEqual(lr.interval[1]);
    expect(first.source).toContain("tpe+asha");
    expect(first.computedAt).toBe(getStudySummary(study.id)!.epochsSpent);

    const again = performance.now();
    const second = (await (await GET(new Request("http://127.0.0.1"), ctx(study.id))).json()) as EffectsResponse;
    expect(second).toEqual(first);
    // The cached answer skips the tests: far faster than computing them.
    expect(performance.now() - again).toBeLessThan(computeMs / 5);

    // Another rung on request: tested there, and a number that is no rung is refused by name.
    const lowest = first.fidelities[0];
    expect(first.fidelities.map((f) => f.epoch)).toContain(first.snapshot!.epoch);
    const atLowest = (await (await GET(new Request(`http://127.0.0.1/?epoch=${lowest.epoch}`), ctx(study.id))).json()) as EffectsResponse;
    expect(atLowest.snapshot!.epoch).toBe(lowest.epoch);
    expect(atLowest.available).toBe(lowest.trials);
    const bad = await GET(new Request("http://127.0.0.1/?epoch=7"), ctx(study.id));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/epoch 7 is not one of the study's rungs/);

    const all = (await (await points(new Request("http://127.0.0.1/?limit=2000"), ctx(study.id))).json()) as PointsResponse;
    expect(all.total).toBe(getStudySummary(study.id)!.trialCount);
    expect(all.points).toHaveLength(all.total);
    const best = getStudySummary(study.id)!.bestValue;
    expect(all.bestSoFar.at(-1)![1]).toBe(best);
    // The step line never rises (minimize) and every point's z lies in the unit cube.
    expect(all.bestSoFar.every(([, v], i) => i === 0 || v <= all.bestSoFar[i - 1][1])).toBe(true);
    expect(all.points.every((p) => p.z.every((z) => z >= 0 && z <= 1))).toBe(true);
    const sampled = (await (await points(new Request("http://127.0.0.1/?limit=10"), ctx(study.id))).json()) as PointsResponse;
    expect(sampled.points).toHaveLength(10);
    expect(sampled.bestSoFar).toEqual(all.bestSoFar);
    expect(sampled.points.some((p) => p.best === best)).toBe(true);
  });

  it("says why there is no analysis while too few trials reached an epoch, and refuses a bad limit", async () => {
    const study = createStudy({ name: "effects early", objective: "synthetic:lr-like", strategy: "random+fifo", budget: { kind: "trials", value: 4 }, parallelism: 1, seed: 1, epochDelayMs: 0 });
    await waitFor(() => getStudySummary(study.id)!.status === "completed", 30_000, "the study to finish");
    const body = (await (await GET(new Request("http://127.0.0.1"), ctx(study.id))).json()) as EffectsResponse;
    expect(body.snapshot).toBeNull();
    expect(body.reason).toMatch(/16 trials/);
    const bad = await points(new Request("http://127.0.0.1/?limit=abc"), ctx(study.id));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/limit/);
  });
});

describe("defaultFidelity", () => {
  const rungs = (counts: number[]) => counts.map((n, k) => ({ epoch: 3 ** k, reached: new Array(n) }));
  it.each([
    ["successive halving: the highest rung with a third of the trials", [150, 50, 17, 16], 3],
    ["every trial to the end: the last rung", [40, 40, 40, 40], 27],
    ["too few anywhere: none", [15, 5, 1, 0], null],
    ["a third below the floor of 16: the highest with 16", [30, 16, 9, 0], 3],
  ] as const)("%s", (_, counts, expected) => {
    expect(defaultFidelity(rungs([...counts]))).toBe(expected);
  });
});
