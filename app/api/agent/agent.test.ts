import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getStudyDetail, getStudySummary, tableCounts } from "@/db/queries";
import { getAgentBoard } from "@/lib/engine/agent-board";
import { createStudy } from "@/lib/engine/studies";
import { closeTempDatabase, useTempDatabase, waitFor } from "@/test/temp-db";
import { POST as claimRoute } from "./claim/route";
import { POST as finishRoute } from "./jobs/[job]/finish/route";
import { POST as releaseRoute } from "./jobs/[job]/release/route";
import { POST as renewRoute } from "./jobs/[job]/renew/route";
import { POST as reportRoute } from "./jobs/[job]/report/route";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

const space = [{ type: "float" as const, name: "x", low: 0, high: 1 }];

function launch(requeue = false) {
  return createStudy({
    name: "agents", objective: "agent", strategy: "random+fifo", budget: { kind: "trials", value: 3 }, parallelism: 2, seed: 1, epochDelayMs: 0,
    agent: { metric: "loss", direction: "minimize", maxEpochs: 3, space, leaseSeconds: 2, requeue },
  });
}

const post = (body: unknown, token?: string) =>
  new Request("http://127.0.0.1/x", { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
const job = (id: number) => ({ params: Promise.resolve({ job: String(id) }) });

describe("agent protocol", () => {
  it("authenticates, claims distinct jobs atomically, stores reports idempotently, and finishes the study", async () => {
    const study = launch();
    const token = study.agentToken!;
    expect(token).toMatch(/^hs_/);
    expect((await claimRoute(post({ study: study.id, agent: "a1" }))).status).toBe(401);
    expect((await claimRoute(post({ study: study.id, agent: "a1" }, "hs_wrong"))).status).toBe(401);
    const first = await (await claimRoute(post({ study: study.id, agent: "a1" }, token))).json();
    const second = await (await claimRoute(post({ study: study.id, agent: "a2" }, token))).json();
    expect(first.trial).not.toBe(second.trial);
    expect((await claimRoute(post({ study: study.id, agent: "a3" }, token))).status).toBe(204);

    const report = (id: number, agent: string, epoch: number, value: number | null) => reportRoute(post({ study: study.id, agent, epoch, value }, token), job(id));
    expect(await (await report(first.job, "a1", 1, 0.9)).json()).toEqual({ decision: "continue" });
    // A repeat with the same value is accepted; a different one is refused; another agent is refused.
    expect((await report(first.job, "a1", 1, 0.9)).status).toBe(200);
    const conflict = await report(first.job, "a1", 1, 0.5);
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).error).toMatch(/already reported as 0.9/);
    expect((await report(first.job, "a2", 2, 0.5)).status).toBe(409);
    expect((await renewRoute(post({ study: study.id, agent: "a1" }, token), job(first.job))).status).toBe(200);
    expect(await (await report(first.job, "a1", 2, 0.7)).json()).toEqual({ decision: "continue" });
    expect(await (await report(first.job, "a1", 3, 0.6)).json()).toEqual({ decision: "stop" });
    // A failing program fails its trial with the agent's message.
    expect((await finishRoute(post({ study: study.id, agent: "a2", status: "failed", message: "CUDA out of memory" }, token), job(second.job))).status).toBe(200);
    await waitFor(() => getStudyDetail(study.id)!.trials.length === 3, 5000, "the third trial");
    const third = await (await claimRoute(post({ study: study.id, agent: "a1" }, token))).json();
    for (const epoch of [1, 2, 3]) await report(third.job, "a1", epoch, 1 / epoch);
    await waitFor(() => getStudySummary(study.id)!.status === "completed", 5000, "completion");
    const trials = getStudyDetail(study.id)!.trials;
    expect(trials.map((t) => t.status).sort()).toEqual(["completed", "completed", "failed"]);
    expect(trials.find((t) => t.status === "failed")!.reason).toMatch(/a2.*CUDA out of memory/);
    expect(getStudySummary(study.id)!.bestValue).toBe(1 / 3);
    expect((await claimRoute(post({ study: study.id, agent: "a1" }, token))).status).toBe(410);
  });

  it("takes the Bearer scheme in any case (RFC 7235) but the token exactly", async () => {
    const study = launch();
    const token = study.agentToken!;
    const claim = (authorization: string) =>
      claimRoute(new Request("http://127.0.0.1/x", { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ study: study.id, agent: "a0" }) }));
    expect((await claim(`Basic ${token}`)).status).toBe(401);
    expect((await claim(`bearer ${token.toUpperCase()}`)).status).toBe(401);
    expect((await claim(`bearer ${token}`)).status).toBe(200);
    expect((await claim(`BEARER  ${token}`)).status).toBe(200);
  });

  it("fails a trial whose lease expires as stale, and refuses the late report", async () => {
    const study = launch();
    const token = study.agentToken!;
    const claimed = await (await claimRoute(post({ study: study.id, agent: "slow" }, token))).json();
    getAgentBoard().sweep(Date.now() + 5000);
    await waitFor(() => getStudyDetail(study.id)!.trials.some((t) => t.status === "failed"), 5000, "the stale trial");
    expect(getStudyDetail(study.id)!.trials.find((t) => t.number === claimed.trial)!.reason).toMatch(/stale/);
    const late = await reportRoute(post({ study: study.id, agent: "slow", epoch: 1, value: 0.5 }, token), job(claimed.job));
    expect(late.status).toBe(409);
  });

  it("re-queues a stale job when the study says so, from its last acknowledged epoch", async () => {
    const study = launch(true);
    const token = study.agentToken!;
    const claimed = await (await claimRoute(post({ study: study.id, agent: "slow" }, token))).json();
    await reportRoute(post({ study: study.id, agent: "slow", epoch: 1, value: 0.8 }, token), job(claimed.job));
    getAgentBoard().sweep(Date.now() + 5000);
    const again = await (await claimRoute(post({ study: study.id, agent: "fast" }, token))).json();
    // Claims return the oldest queued job: the other trial's, or the re-queued one.
    const requeued = again.job === claimed.job ? again : await (await claimRoute(post({ study: study.id, agent: "fast" }, token))).json();
    expect(requeued.job).toBe(claimed.job);
    expect(requeued.fromEpoch).toBe(1);
    expect((await reportRoute(post({ study: study.id, agent: "slow", epoch: 2, value: 0.7 }, token), job(claimed.job))).status).toBe(409);
    expect(await (await reportRoute(post({ study: study.id, agent: "fast", epoch: 2, value: 0.7 }, token), job(claimed.job))).json()).toEqual({ decision: "continue" });
  });

  it("keeps a given-back job for the live agent that holds its checkpoint, and lets others have it once that agent is gone", async () => {
    const study = launch(true);
    const token = study.agentToken!;
    const claim = async (agent: string) => {
      const response = await claimRoute(post({ study: study.id, agent }, token));
      return response.status === 204 ? null : await response.json();
    };
    // The engine may fill its pool of jobs over several turns of the event loop (its per-turn budget): wait for each.
    const claimQueued = async (agent: string) => {
      for (let turn = 0; turn < 1000; turn++) {
        const claimed = await claim(agent);
        if (claimed) return claimed;
        await new Promise((resolve) => setImmediate(resolve));
      }
      throw new Error(`no job was queued for ${agent}`);
    };
    const first = await claimQueued("holder");
    const second = await claimQueued("other");
    await reportRoute(post({ study: study.id, agent: "holder", epoch: 1, value: 0.8 }, token), job(first.job));
    // Given back without leaving (the agent stays): the job is queued from epoch 1, held by "holder".
    expect((await releaseRoute(post({ study: study.id, agent: "holder", leaving: false }, token), job(first.job))).status).toBe(200);
    expect(await claim("other")).toBeNull();
    const back = await claim("holder");
    expect([back.job, back.fromEpoch, back.holder]).toEqual([first.job, 1, "holder"]);
    // Given back on leaving (SIGTERM): the next agent that asks gets it.
    expect((await releaseRoute(post({ study: study.id, agent: "holder", message: "SIGTERM" }, token), job(first.job))).status).toBe(200);
    const taken = await claim("other");
    expect([taken.job, taken.fromEpoch, taken.holder]).toEqual([first.job, 1, "holder"]);
    // A release of a job the agent does not hold is refused, and changes nothing.
    expect((await releaseRoute(post({ study: study.id, agent: "holder" }, token), job(first.job))).status).toBe(409);
    expect((await releaseRoute(post({ study: study.id, agent: "other", leaving: "yes" }, token), job(second.job))).status).toBe(400);
  });

  it("gives a trial the race paused back to the live agent that trained it", async () => {
    const study = createStudy({
      name: "rungs", objective: "agent", strategy: "random+asha", budget: { kind: "trials", value: 3 }, parallelism: 1, seed: 2, epochDelayMs: 0,
      agent: { metric: "loss", direction: "minimize", maxEpochs: 9, space, leaseSeconds: 30, requeue: true },
    });
    const token = study.agentToken!;
    const claim = async (agent: string) => {
      const response = await claimRoute(post({ study: study.id, agent }, token));
      return response.status === 204 ? null : await response.json();
    };
    const queued = () =>
      getDb().$client.prepare("select from_epoch as fromEpoch, holder from agent_jobs where study_id = ? and status = 'queued'").get(study.id) as { fromEpoch: number; holder: string | null } | undefined;
    // Agent "a" trains each new trial to the first rung, where the race pauses it, until a paused trial is continued.
    for (let i = 0; i < 10; i++) {
      await waitFor(() => queued() !== undefined, 5000, "a queued job");
      if (queued()!.fromEpoch > 0) break;
      const next = await claim("a");
      for (let epoch = 1; epoch <= next.toEpoch; epoch++) {
        const answer = await (await reportRoute(post({ study: study.id, agent: "a", epoch, value: 1 / epoch + next.params.x }, token), job(next.job))).json();
        if (answer.decision !== "continue") break;
      }
    }
    expect(queued()).toMatchObject({ holder: "a" });
    expect(queued()!.fromEpoch).toBeGreaterThan(0);
    // "a" is alive (it called a moment ago), so "b" does not get the job whose checkpoint "a" holds; "a" does.
    expect(await claim("b")).toBeNull();
    const resumed = await claim("a");
    expect(resumed.holder).toBe("a");
    expect(resumed.fromEpoch).toBeGreaterThan(0);
  });

  it("rejects malformed agent requests with a 4xx naming the field, writing nothing", async () => {
    const study = launch();
    const token = study.agentToken!;
    const before = tableCounts();
    for (const body of [{ study: study.id }, { study: "1", agent: "a" }, { study: study.id, agent: "bad name!" }, { study: study.id, agent: "a", extra: 1 }]) {
      const response = await claimRoute(post(body, token));
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/study|agent|extra/);
    }
    expect((await reportRoute(post({ study: study.id, agent: "a", epoch: 1, value: "NaN" }, token), job(1))).status).toBe(400);
    expect((await reportRoute(post({ study: study.id, agent: "a", epoch: 1, value: 1 }, token), { params: Promise.resolve({ job: "../1" }) })).status).toBe(400);
    expect(tableCounts().measurements).toBe(before.measurements);
  });
});
