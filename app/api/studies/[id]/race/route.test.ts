import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStudySummary } from "@/db/queries";
import { getEngine } from "@/lib/engine/engine";
import { createStudy } from "@/lib/engine/studies";
import { closeTempDatabase, useTempDatabase, waitFor } from "@/test/temp-db";
import { GET } from "./route";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const ctx = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });
const race = async (id: number) => (await GET(new Request("http://127.0.0.1"), ctx(id))).json();

describe("GET race", () => {
  it("answers a loaded race with its live decision, and the same check over the stored curves once it is not loaded", async () => {
    // random+race: every trial is a full-space sample, so the live and the stored evidence are the same trials.
    const study = createStudy({ name: "race route", objective: "synthetic:lr-like", strategy: "random+race", budget: { kind: "epochs", value: 1200 }, parallelism: 2, seed: 3, epochDelayMs: 0 });
    await waitFor(() => getStudySummary(study.id)!.status === "completed", 60_000, "the study to finish");
    const live = await race(study.id);
    expect(live.rungs.at(-1)).toBe(getStudySummary(study.id)!.maxEpochs);
    // Audits and promotions have produced evidence: some rung was judged.
    expect(live.checks.some((c: { predicts: boolean | null }) => c.predicts !== null)).toBe(true);
    await getEngine().reset();
    const stored = await race(study.id);
    expect(stored.checks).toEqual(live.checks);
    expect(stored.entryRung).toBe(live.entryRung);
    expect(stored.reason).toContain("from the stored curves");
  });
});
