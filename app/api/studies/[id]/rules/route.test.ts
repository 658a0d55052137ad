import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getStudyDetail, getStudySummary, ruleEventCount, tableCounts } from "@/db/queries";
import { applyStudyAction, createStudy } from "@/lib/engine/studies";
import { closeTempDatabase, useTempDatabase, waitFor } from "@/test/temp-db";
import { GET as exportRoute } from "../export/route";
import { GET as trialsRoute } from "../trials/route";
import { PATCH } from "./[ruleId]/route";
import { POST } from "./route";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const json = (method: string, body: unknown) => new Request("http://127.0.0.1", { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const ctx = (id: number, ruleId?: string) => ({ params: Promise.resolve({ id: String(id), ruleId: ruleId ?? "" }) });

const launched: number[] = [];
afterEach(async () => {
  // Studies of earlier tests would otherwise keep training and slow the later ones down.
  for (const id of launched.splice(0)) if (["running", "paused"].includes(getStudySummary(id)!.status)) await applyStudyAction(id, "stop");
});

function launch(seed: number) {
  const study = createStudy({ name: "rules", objective: "synthetic:hartmann6", strategy: "random+fifo", budget: { kind: "epochs", value: 3000 }, parallelism: 3, seed, epochDelayMs: 2 });
  launched.push(study.id);
  return study;
}

describe("user rules", () => {
  it("pins a parameter: every trial asked for afterwards has the value", async () => {
    const study = launch(1);
    await waitFor(() => getStudySummary(study.id)!.trialCount >= 3, 10_000, "a few trials");
    const response = await POST(json("POST", { kind: "pin", param: "x3", value: 0.25 }), ctx(study.id));
    expect(response.status).toBe(201);
    const { rule, outside } = await response.json();
    expect(rule).toMatchObject({ id: "user:1", origin: "user", status: "active", kind: "pin" });
    expect(Array.isArray(outside)).toBe(true);
    const pinnedFrom = getStudySummary(study.id)!.trialCount;
    await waitFor(() => getStudySummary(study.id)!.trialCount >= pinnedFrom + 6, 20_000, "more trials");
    const later = getStudyDetail(study.id)!.trials.filter((t) => t.number >= pinnedFrom);
    expect(later.length).toBeGreaterThanOrEqual(6);
    for (const t of later) expect(t.params.x3).toBe(0.25);
    // Withdrawing it lets x3 vary again.
    const withdrawn = await PATCH(json("PATCH", { status: "rejected" }), ctx(study.id, "user:1"));
    expect((await withdrawn.json()).rule.status).toBe("rejected");
    const from = getStudySummary(study.id)!.trialCount;
    await waitFor(() => getStudySummary(study.id)!.trialCount >= from + 4, 20_000, "trials after withdrawing");
    expect(getStudyDetail(study.id)!.trials.filter((t) => t.number >= from).some((t) => t.params.x3 !== 0.25)).toBe(true);
  });

  it("excludes a box: no trial asked for afterwards falls in it", async () => {
    const study = launch(2);
    await waitFor(() => getStudySummary(study.id)!.trialCount >= 3, 10_000, "a few trials");
    const response = await POST(json("POST", { kind: "exclude", box: [{ param: "x6", low: 0, high: 0.6 }, { param: "x1", low: 0.2, high: 1 }] }), ctx(study.id));
    expect(response.status).toBe(201);
    const from = getStudySummary(study.id)!.trialCount;
    await waitFor(() => getStudySummary(study.id)!.trialCount >= from + 12, 20_000, "more trials");
    const later = getStudyDetail(study.id)!.trials.filter((t) => t.number >= from);
    for (const t of later) expect((t.params.x6 as number) <= 0.6 && (t.params.x1 as number) >= 0.2).toBe(false);
  });

  it.each([
    ["an unknown parameter", { kind: "pin", param: "nope", value: 1 }, /'nope' is not a parameter/],
    ["a value out of range", { kind: "pin", param: "x6", value: 7 }, /outside x6's range/],
    ["an inverted range", { kind: "range", param: "x6", low: 0.8, high: 0.2 }, /low 0.8 exceeds high 0.2/],
    ["a box that leaves nothing", { kind: "range", param: "x6", low: 2, high: 3 }, /outside its range/],
    ["a NaN bound", { kind: "range", param: "x6", low: "NaN", high: 3 }, /low/],
  ])("rejects %s with a 400 naming it and writes nothing", async (_label, body, message) => {
    const study = launch(3);
    await waitFor(() => getStudySummary(study.id)!.trialCount >= 1, 10_000, "a trial");
    const rulesBefore = tableCounts().rules;
    const response = await POST(json("POST", body), ctx(study.id));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(message);
    // Reports keep arriving, but no rule and no rule event was written.
    expect(tableCounts().rules).toBe(rulesBefore);
    expect(ruleEventCount(study.id)).toBe(0);
  });

  it("answers 404 for an unknown rule and 409 for a finished study", async () => {
    // A rule decision needs a live study, not a long one: a small study, paused at once so it stays live and idle.
    const live = createStudy({ name: "live", objective: "synthetic:branin", budget: { kind: "epochs", value: 30 }, parallelism: 1, seed: 4, epochDelayMs: 20, strategy: "random+fifo" });
    launched.push(live.id);
    await applyStudyAction(live.id, "pause");
    expect((await PATCH(json("PATCH", { status: "active" }), ctx(live.id, "slab%3Anope"))).status).toBe(404);
    const small = createStudy({ name: "done", objective: "synthetic:branin", budget: { kind: "epochs", value: 30 }, parallelism: 1, seed: 1, epochDelayMs: 0, strategy: "random+fifo" });
    await waitFor(() => getStudySummary(small.id)!.status === "completed", 10_000, "completion");
    const response = await POST(json("POST", { kind: "pin", param: "x1", value: 1 }), ctx(small.id));
    expect(response.status).toBe(409);
  });
});

describe("trials page and export", () => {
  it("pages and sorts trials on the server, and exports them as CSV", async () => {
    const study = createStudy({ name: "page", objective: "synthetic:branin", budget: { kind: "trials", value: 30 }, parallelism: 4, seed: 5, epochDelayMs: 0, strategy: "random+fifo" });
    await waitFor(() => getStudySummary(study.id)!.status === "completed", 60_000, "completion");
    const page = await (await trialsRoute(new Request("http://127.0.0.1/x?sort=bestValue&order=asc&limit=10&offset=5"), ctx(study.id))).json();
    expect(page.total).toBe(30);
    expect(page.trials).toHaveLength(10);
    const values = page.trials.map((t: { bestValue: number }) => t.bestValue);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    const all = getStudyDetail(study.id)!.trials.map((t) => t.bestValue!).sort((a, b) => a - b);
    expect(values).toEqual(all.slice(5, 15));
    expect((await trialsRoute(new Request("http://127.0.0.1/x?limit=0"), ctx(study.id))).status).toBe(400);
    const csv = await (await exportRoute(new Request("http://127.0.0.1/x?format=csv&what=trials"), ctx(study.id))).text();
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("number,status,x1,x2,best_value,best_epoch,final_value,epochs,best_checkpoint,tags,notes,reason,schedule");
    expect(lines).toHaveLength(31);
  });
});
