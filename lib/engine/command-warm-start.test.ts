import { asc, eq } from "drizzle-orm";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { getTrialDetail } from "../../db/dashboard";
import { getStudyDetail, getStudySummary } from "../../db/queries";
import { measurements, trials } from "../../db/schema";
import type { Strategy } from "../optimizer/strategy";
import { closeTempDatabase, useTempDatabase, waitFor } from "../../test/temp-db";
import { getEngine } from "./engine";
import { createStudy } from "./studies";
import { checkpointDir, StudyRun } from "./study-run";

let where: { dir: string };
beforeAll(() => {
  where = useTempDatabase();
});
afterAll(() => closeTempDatabase(where));

/** The test fixture program: loss x_e = x_{e-1} (1 - lr) + 0.05 / e from x_0 = 1, checkpoints epoch-<e>.pt, and --parent to warm start. */
const FIXTURE = path.resolve("lib/objectives/test-fixtures/train-fixture.mjs");

/** The fixture's curve under a schedule: each epoch trains with the params of the last segment that starts before it. */
function scheduleCurve(schedule: { fromEpoch: number; params: Record<string, unknown> }[], epochs: number): number[] {
  const values: number[] = [];
  let x = 1;
  for (let e = 1; e <= epochs; e++) {
    const lr = schedule.filter((s) => s.fromEpoch < e).at(-1)!.params.lr as number;
    values.push((x = x * (1 - lr) + 0.05 / e));
  }
  return values;
}

function measurementsOf(studyId: number) {
  return getDb()
    .select({ trial: trials.number, epoch: measurements.epoch, value: measurements.value, extra: measurements.extra })
    .from(measurements)
    .innerJoin(trials, eq(measurements.trialId, trials.id))
    .where(eq(trials.studyId, studyId))
    .orderBy(asc(trials.number), asc(measurements.epoch))
    .all() as { trial: number; epoch: number; value: number; extra: Record<string, number> }[];
}

/** The fixture as a command study's program, with extra arguments. */
const fixtureCommand = (extra: string[], overrides: { warmStart?: boolean } = {}) => ({
  argv: [process.execPath, FIXTURE, "--lr", "{lr}", "--epochs", "{epochs}", "--delay", "0", "--checkpoint-dir", "{checkpoint_dir}", "--resume-from", "{resume_file}", ...extra],
  cwd: ".",
  metric: "value",
  direction: "minimize" as const,
  maxEpochs: 12,
  space: [{ type: "float" as const, name: "lr", low: 0.01, high: 0.5 }],
  graceMs: 5000,
  timeoutMs: 60_000,
  ...overrides,
});

describe("warm starts of the user's own training command", () => {
  it.each([
    { what: "the race with both switches on, for a command without {parent_checkpoint}", strategy: "sieve", command: fixtureCommand([]), switches: { warmStart: true, schedules: true } },
    { what: "PBT, for a command that opts out", strategy: "random+pbt", command: fixtureCommand(["--parent", "{parent_checkpoint}"], { warmStart: false }), switches: {} },
  ])("never branches $what", async ({ strategy, command, switches }) => {
    const study = createStudy({ name: "no branches", objective: "command", command, strategy, budget: { kind: "epochs", value: 80 }, parallelism: 1, seed: 4, epochDelayMs: 0, ...switches });
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 90_000, "the study to complete");
    const detail = getStudyDetail(study.id)!;
    expect(detail.study.canWarmStart).toBe(false);
    expect(detail.trials.length).toBeGreaterThan(3);
    expect(detail.trials.filter((t) => t.parent !== null)).toEqual([]);
  }, 120_000);

  it("starts a branch from its copy of the parent's checkpoint, and replays the branch exactly after a restart", async () => {
    const study = createStudy({
      name: "command branches",
      objective: "command",
      command: fixtureCommand(["--parent", "{parent_checkpoint}", "--shrink", "{shrink_perturb}"]),
      strategy: "random+pbt",
      budget: { kind: "epochs", value: 110 },
      parallelism: 1,
      seed: 4,
      epochDelayMs: 0,
    });
    // A restart once a branch has trained an epoch of its own: the engine lets go of the study and loads it again from its event log.
    const branchTrained = () => getStudyDetail(study.id)!.trials.some((t) => t.parent !== null && t.epochs > t.startEpoch);
    await waitFor(branchTrained, 60_000, "a branch to train");
    await getEngine().reset();
    getEngine().start();
    await waitFor(() => getStudySummary(study.id)?.status === "completed", 90_000, "the study to complete after the restart");

    const detail = getStudyDetail(study.id)!;
    expect(detail.study).toMatchObject({ failedCount: 0, canWarmStart: true });
    const branches = detail.trials.filter((t) => t.parent !== null);
    expect(branches.length).toBeGreaterThan(2);
    const rows = measurementsOf(study.id);
    let trained = 0;
    for (const b of branches) {
      const own = rows.filter((r) => r.trial === b.number);
      if (own.length === 0) continue;
      trained++;
      // The first job got the parent's checkpoint, copied into the branch's own folder under its epoch's name.
      const copy = path.join(checkpointDir(study.id, b.number), `epoch-${b.startEpoch}.pt`);
      const received = JSON.parse(fs.readFileSync(path.join(checkpointDir(study.id, b.number), `received-${b.startEpoch}.json`), "utf8"));
      expect(received.env.HYPERSIEVE_PARENT_CHECKPOINT).toBe(copy);
      expect(received.env.HYPERSIEVE_SHRINK_PERTURB).toBe("false");
      expect(received.argv[received.argv.indexOf("--parent") + 1]).toBe(copy);
      expect(JSON.parse(fs.readFileSync(copy, "utf8")).epoch).toBe(b.startEpoch);
      expect(own[0]).toMatchObject({ epoch: b.startEpoch + 1, extra: { warm: 1, start_epoch: b.startEpoch } });
      // The curve goes on from the parent's state with the branch's own params: exactly the schedule's curve.
      const curve = scheduleCurve(b.schedule!, own.at(-1)!.epoch);
      for (const r of own) expect(r.value).toBeCloseTo(curve[r.epoch - 1], 12);
      // The trial's page gets the whole lineage curve: the ancestors' epochs up to the branch, then its own.
      const page = getTrialDetail(study.id, b.number)!;
      const inherited = page.lineage.flatMap((l) => l.points);
      expect(page.lineage.at(-1)!.trial).toBe(b.parent);
      expect(inherited.map(([e]) => e)).toEqual(Array.from({ length: b.startEpoch }, (_, i) => i + 1));
      inherited.forEach(([e, v]) => expect(v).toBeCloseTo(curve[e - 1], 12));
    }
    expect(trained).toBeGreaterThan(2);
    for (const t of detail.trials.filter((t) => t.parent === null)) expect(rows.filter((r) => r.trial === t.number).every((r) => r.extra.warm === 0)).toBe(true);

    // Loaded again from the log, the strategy has the same lineage and losses as the database.
    const rebuilt = (StudyRun.load(study.id) as unknown as { strategy: Strategy }).strategy.trials;
    expect(rebuilt.length).toBe(detail.trials.length);
    for (const t of detail.trials) {
      const r = rebuilt[t.number];
      expect({ parent: r.parent ?? null, startEpoch: r.startEpoch ?? 0, params: r.params }).toEqual({ parent: t.parent, startEpoch: t.startEpoch, params: t.params });
      expect(r.losses.slice(t.startEpoch)).toEqual(rows.filter((m) => m.trial === t.number).map((m) => m.value));
    }
  }, 180_000);
});
