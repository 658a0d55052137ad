import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPARE_MAX_POINTS, thin } from "@/db/compare";
import { insertStudy, insertTrial, recordMeasurement } from "@/db/queries";
import { closeTempDatabase, useTempDatabase } from "@/test/temp-db";
import { GET } from "./route";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const compare = (query: string) => GET(new Request(`http://127.0.0.1/api/compare${query}`));

function study(name: string, direction: "minimize" | "maximize") {
  return insertStudy({
    name, objective: "synthetic:branin", metric: "loss", direction, strategy: "random+fifo",
    space: [{ type: "float", name: "x", low: 0, high: 1 }], budget: { kind: "epochs", value: 100 }, maxEpochs: 4,
    parallelism: 2, seed: 0, patience: null, epochDelayMs: 0,
  });
}

/** Reports interleaved across trials, as parallel workers write them: (trial, value) in write order. */
const trialIds = new Map<string, number>();
const trialEpochs = new Map<string, number>();
function record(studyId: number, reports: [number, number][]) {
  for (const [trial, value] of reports) {
    const key = `${studyId}:${trial}`;
    if (!trialIds.has(key)) trialIds.set(key, insertTrial(studyId, { trial, params: { x: trial / 10 }, toEpoch: 4 }));
    const epoch = (trialEpochs.get(key) ?? 0) + 1;
    trialEpochs.set(key, epoch);
    recordMeasurement({ studyId, trialId: trialIds.get(key)!, trialNumber: trial, epoch, value, loss: value });
  }
}

describe("GET /api/compare", () => {
  it("answers each study's best-so-far at every improvement against the epochs spent, in the order asked", async () => {
    const a = study("a", "minimize");
    const b = study("b", "maximize");
    // Another study's reports between a's must not count towards a's epochs.
    record(a.id, [[0, 0.9], [1, 1.2], [0, 0.7], [1, NaN], [1, 0.7], [0, 0.4]]);
    record(b.id, [[0, 0.1], [0, 0.3], [1, 0.2], [1, Infinity]]);
    record(a.id, [[2, 0.5], [2, 0.2]]);
    const response = await compare(`?ids=${b.id},${a.id}`);
    expect(response.status).toBe(200);
    const { series } = await response.json();
    expect(series.map((s: { study: { id: number } }) => s.study.id)).toEqual([b.id, a.id]);
    const [sb, sa] = series;
    expect(sa.points).toEqual([[1, 0.9], [3, 0.7], [6, 0.4], [8, 0.2]]);
    expect(sa.epochs).toBe(8);
    expect(sa.study.bestValue).toBe(0.2);
    // Maximising; Infinity is stored as reported but, as for the study's own best, never taken as the best.
    expect(sb.points).toEqual([[1, 0.1], [2, 0.3]]);
    expect(sb.epochs).toBe(4);
  });

  it("matches a plain running best over thousands of interleaved reports, and reads only what was added since on the next call", async () => {
    const a = study("long", "minimize");
    const other = study("other", "minimize");
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const reports = (n: number, offset: number): [number, number][] => Array.from({ length: n }, (_, i): [number, number] => [offset + (i % 40), 1 / (1 + i) + random()]);
    const expected = (values: number[]) => {
      const out: [number, number][] = [];
      values.forEach((v, i) => {
        if (out.length === 0 || v < out[out.length - 1][1]) out.push([i + 1, v]);
      });
      return out;
    };
    // More than one block of 1,024 rowids, another study's rows in between.
    const first = reports(1600, 0);
    record(a.id, first.slice(0, 1000));
    record(other.id, reports(300, 0));
    record(a.id, first.slice(1000));
    const once = (await (await compare(`?ids=${a.id}`)).json()).series[0];
    expect(once.points).toEqual(expected(first.map(([, v]) => v)));
    expect(once.epochs).toBe(1600);
    const more = reports(800, 40).map(([t, v]): [number, number] => [t, v / 3]);
    record(a.id, more);
    const twice = (await (await compare(`?ids=${a.id}`)).json()).series[0];
    expect(twice.points).toEqual(expected([...first, ...more].map(([, v]) => v)));
    expect(twice.epochs).toBe(2400);
  });

  it("accepts repeated ids and counts a repeated study once", async () => {
    const a = study("c", "minimize");
    record(a.id, [[0, 1]]);
    const { series } = await (await compare(`?ids=${a.id}&ids=${a.id}`)).json();
    expect(series).toHaveLength(1);
    expect(series[0].points).toEqual([[1, 1]]);
  });

  it.each([
    ["", 400, "name the studies to compare"],
    ["?ids=", 400, "at least one study id"],
    ["?ids=1,x", 400, "decimal digits"],
    ["?ids=1,2,3,4,5,6,7,8,9", 400, "at most 8"],
    ["?ids=999998,999999", 404, "studies 999998, 999999 do not exist"],
  ])("answers %s with %i naming the problem", async (query, status, message) => {
    const response = await compare(query);
    expect(response.status).toBe(status);
    expect((await response.json()).error).toContain(message);
  });

  it("thins a long series to the first, the last and an even stride", () => {
    const points = Array.from({ length: 1000 }, (_, i): [number, number] => [i + 1, 1000 - i]);
    const thinned = thin(points, COMPARE_MAX_POINTS);
    expect(thinned).toHaveLength(COMPARE_MAX_POINTS);
    expect(thinned[0]).toEqual([1, 1000]);
    expect(thinned.at(-1)).toEqual([1000, 1]);
  });
});
