import { describe, expect, it } from "vitest";
import { deriveRng } from "../rng";
import { leaders } from "../leaders";
import { randomSampler } from "../samplers/random";
import { decayTarget } from "../branching";
import { encode, type Space } from "../space";
import { Strategy } from "../strategy";
import type { StudyView, TrialState } from "../types";
import { ashaScheduler, rungEpochs } from "./asha";
import { drive, type JobRecord } from "./drive.test-helper";
import { raceDecision, raceScheduler, type RaceOptions } from "./race";

const space: Space = [{ type: "float", name: "x", low: 0, high: 1 }];

function race(maxEpochs: number, options: RaceOptions = {}, allowBranch = false, s: Space = space): Strategy {
  return new Strategy({ space: s, direction: "minimize", maxEpochs, seed: 1, sampler: randomSampler(), scheduler: raceScheduler(options), allowBranch });
}

/** A trial trained from scratch over `losses`, paused after its last epoch unless told otherwise. */
function trial(number: number, losses: number[], extra: Partial<TrialState> = {}): TrialState {
  const bestLoss = Math.min(...losses);
  return { number, params: { x: 0 }, z: [0], status: "paused", losses, targetEpoch: losses.length, bestLoss, bestEpoch: losses.indexOf(bestLoss) + 1, startEpoch: 0, ...extra };
}

const view = (trials: TrialState[], maxEpochs = 9): StudyView => ({ space, maxEpochs, trials });

describe("raceScheduler promotion", () => {
  // Rungs 1, 3, 9 (η = 3, r = 1, max 9). Losses by trial and epoch:
  const losses: Record<number, number[]> = {
    0: [0.5],
    1: [0.2, 0.12, 0.08, 0.07, 0.06, 0.05, 0.05, 0.04, 0.04],
    2: [0.6],
    3: [0.1, 0.11, 0.13],
    4: [0.4],
    5: [0.3],
    6: [0.15, 0.1, 0.09],
    7: [0.7],
    8: [0.05, 0.04, 0.03, 0.03, 0.02, 0.02, 0.02, 0.01, 0.01],
    9: [0.8],
  };
  const loss = (t: number, e: number) => losses[t]?.[e - 1] ?? 1;
  const expected: JobRecord[] = [
    ["new", 0, 1],
    ["new", 1, 1], // rung 0 has 1 member: ⌊1/3⌋ = 0 promotions
    ["new", 2, 1],
    ["continue", 1, 3], // 3 members: the best (trial 1, 0.2) goes on to rung 1
    ["new", 3, 1], // the top 1 of 3 is trial 1, already promoted
    ["continue", 3, 3], // 4 members: the top 1 is now trial 3 (0.1)
    ["new", 4, 1],
    ["new", 5, 1],
    ["new", 6, 1], // 6 members: the top 2 are trials 3 and 1, both promoted
    ["continue", 6, 3], // 7 members: the top 2 are trials 3 and 6
    ["continue", 1, 9], // rung 1 now has 3 members; trial 1 leads it (best 0.08 by epoch 3, against 0.09 and 0.1)
    ["new", 7, 1],
    ["new", 8, 1],
    ["continue", 8, 3], // 9 members: the top 3 are trials 8 (0.05), 3 and 6
    ["continue", 8, 9], // rung 1 has 4 members, quota 1: trial 8 (0.03) now leads it
    ["new", 9, 1], // every trial in a quota has been promoted
  ];

  it("promotes the top ⌊n_k/η⌋ of a rung once each, as ASHA does, and otherwise starts a new trial at rung 0", () => {
    expect(drive(race(9, { auditShare: 0 }), expected.length, loss)).toEqual(expected);
    expect(drive(new Strategy({ space, direction: "minimize", maxEpochs: 9, seed: 1, sampler: randomSampler(), scheduler: ashaScheduler() }), expected.length, loss)).toEqual(expected);
  });

  it("continues a promoted trial from its checkpoint instead of starting it again", () => {
    const s = race(9, { auditShare: 0 });
    drive(s, expected.length, loss);
    expect(s.trials).toHaveLength(10);
    expect(s.trials[1]).toMatchObject({ status: "completed", losses: losses[1], startEpoch: 0 });
    expect(s.trials[8]).toMatchObject({ status: "completed", losses: losses[8], startEpoch: 0 });
    expect(s.trials[6]).toMatchObject({ status: "paused", losses: losses[6] });
    expect(s.trials[0]).toMatchObject({ status: "paused", losses: losses[0] });
  });

  it("makes the same decisions as ASHA over a long run of noisy curves", () => {
    // Independent losses per epoch: the best-so-far ranking decides; without audits and with an unreachable minEvidence the race is ASHA.
    const noisy = (t: number, e: number) => deriveRng(5, "loss", t, e).next();
    const asha = new Strategy({ space, direction: "minimize", maxEpochs: 27, seed: 1, sampler: randomSampler(), scheduler: ashaScheduler() });
    const ashaLog = drive(asha, 400, noisy);
    expect(ashaLog.filter(([kind, , to]) => kind === "continue" && to === 27).length).toBeGreaterThan(0);
    expect(drive(race(27, { auditShare: 0, minEvidence: 1e9 }), 400, noisy)).toEqual(ashaLog);
  });

  // Rung 0: trial 0 (0.1) was not promoted yet; trials 1–3 sit at rung 1, where trial 2 leads (0.1).
  const twoRungs = [
    trial(0, [0.1]),
    trial(1, [0.3, 0.25, 0.2]),
    trial(2, [0.4, 0.3, 0.1]),
    trial(3, [0.35, 0.3, 0.3]),
    trial(4, [0.6]),
    trial(5, [0.7]),
  ];
  const fivePaused = [trial(0, [0.1, 0.1, 0.1]), trial(1, [0.2]), trial(2, [0.3]), trial(3, [0.4]), trial(4, [0.5])];

  it.each([
    ["the highest rung's candidate goes first", twoRungs, { kind: "continue", trial: 2, toEpoch: 9 }],
    ["then the rung below's", twoRungs.map((t) => (t.number === 2 ? trial(2, [0.4, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], { status: "completed" }) : t)), { kind: "continue", trial: 0, toEpoch: 3 }],
    ["5 members at rung 0 allow 1 promotion, which trial 0 took", fivePaused, { kind: "new", toEpoch: 1 }],
    ["6 members allow 2: the second best goes on", [...fivePaused, trial(5, [0.6])], { kind: "continue", trial: 1, toEpoch: 3 }],
  ] as const)("answers from the study view: %s", (_, trials, job) => {
    expect(raceScheduler({ auditShare: 0 }).next(view([...trials]))).toEqual(job);
  });

  it.each([
    ["a later trial", 1],
    ["an earlier trial", 0],
  ])("breaks a tie at a rung by the slope: %s falling faster goes first", (_, falling) => {
    // Both have best loss 0.2 by epoch 3; one fell from 0.5 (slope −0.15 per epoch), the other was flat (slope 0).
    const curves = falling === 1 ? [[0.2, 0.2, 0.2], [0.5, 0.3, 0.2]] : [[0.5, 0.3, 0.2], [0.2, 0.2, 0.2]];
    const trials = [trial(0, curves[0]), trial(1, curves[1]), trial(2, [0.6, 0.5, 0.4])];
    expect(raceScheduler({ auditShare: 0 }).next(view(trials))).toEqual({ kind: "continue", trial: falling, toEpoch: 9 });
  });
});

describe("raceDecision", () => {
  const rungs = [1, 3, 9];
  /** Six finished trials: three led at epoch 1 (the kept, 0.1…0.12) and three trailed (0.5…0.52); `end` gives each one's final loss. */
  const finishedSix = (end: (i: number) => number) =>
    Array.from({ length: 6 }, (_, i) => {
      const first = i < 3 ? 0.1 + i / 100 : 0.5 + (i - 3) / 100;
      return trial(i, [first, first, first, first, first, first, first, first, end(i)], { status: "completed" });
    });
  /** Twelve rung-0 trials in between, so that the kept ones are exactly the top third. */
  const rungZero = Array.from({ length: 12 }, (_, i) => trial(6 + i, [0.3 + i / 1000]));

  it.each([
    ["the dropped end better: rung 0 misleads", (i: number) => (i < 3 ? 0.09 : 0.01), 1, false, 1],
    ["the kept end better: rung 0 predicts", (i: number) => (i < 3 ? 0.01 : 0.09), 0, true, 0],
    ["equal ends count as half a win each: a coin, so rung 0 misleads", () => 0.05, 1, false, 0.5],
  ])("judges each rung by whether its dropped trials end better than its kept ones: %s", (_, end, entryRung, predicts, overtake) => {
    const d = raceDecision([...finishedSix(end), ...rungZero], rungs, 3, 3);
    expect(d.checks[0]).toMatchObject({ rung: 0, epoch: 1, kept: 3, dropped: 3, overtake, predicts });
    expect(d.entryRung).toBe(entryRung);
    expect(d.reason).toMatch(entryRung ? /trials dropped at epoch 1 beat the kept ones at epoch 9/ : /early ranks predict the end/);
  });

  it.each([
    ["two of the three best were dropped: rungs 0 and 1 mislead", [0.01, 0.02], false, 2],
    ["one of the three best was dropped: rung 0 predicts", [0.01, 0.5], true, 0],
  ])("judges a rung by the tail as well: %s, though its dropped end better than its kept only a third of the time or less", (_, dropEnds, predicts, entryRung) => {
    // Three kept at epochs 1 and 3 end at 0.03…0.05; six dropped end at dropEnds, then far worse.
    const ends = [0.03, 0.04, 0.05, ...dropEnds, 0.6, 0.7, 0.8, 0.9];
    const finished = ends.map((end, i) => {
      const first = i < 3 ? 0.1 + i / 100 : 0.5 + (i - 3) / 100;
      return trial(30 + i, [first, first, first, first, first, first, first, first, end], { status: "completed" });
    });
    const d = raceDecision([...finished, ...rungZero], rungs, 3, 3);
    expect(d.checks[0]).toMatchObject({ kept: 3, dropped: 6, predicts });
    expect(d.checks[0].overtake).toBeLessThanOrEqual(1 / 3);
    expect(d.checks[0].bestKept).toBeCloseTo(predicts ? 2 / 3 : 1 / 3);
    expect(d.entryRung).toBe(entryRung);
    expect(d.checks[1].predicts).toBe(predicts);
    if (!predicts) expect(d.reason).toMatch(/the cut at epoch 3 would have dropped 67% of the finished trials that ended best: new trials enter at epoch 9 \(full training\)/);
  });

  it("does not judge a rung before minEvidence finished trials of each kind, and then trusts rung 0", () => {
    const d = raceDecision([...finishedSix((i) => (i < 3 ? 0.09 : 0.01)), ...rungZero], rungs, 3, 4);
    expect(d.checks.map((c) => c.predicts)).toEqual([null, null]);
    expect(d.entryRung).toBe(0);
    expect(d.reason).toMatch(/too few audited trials have finished/);
  });

  it("compares at the furthest rung enough of both reached when too few kept trials finished", () => {
    // The kept at epoch 1 lose at epoch 3 and are never promoted again; three of them reached epoch 3, none the end.
    const keptEarly = [0, 1, 2].map((i) => trial(20 + i, [0.1 + i / 100, 0.9, 0.9]));
    const droppedEarly = [0, 1, 2].map((i) => trial(23 + i, [0.5 + i / 100, 0.05, 0.05]));
    const d = raceDecision([...keptEarly, ...droppedEarly, ...rungZero], rungs, 3, 3);
    expect(d.checks[0]).toMatchObject({ kept: 0, dropped: 0, overtake: 1, comparedAt: 3, predicts: false });
    expect(d.entryRung).toBe(1);
  });

  it("counts a trial stopped early for overfitting as finished, at its best loss", () => {
    const overfit = trial(3, [0.5, 0.5, 0.005, 0.5], { status: "pruned", reason: "no improvement for 1 epochs (best at epoch 3)" });
    const trials = finishedSix((i) => (i < 3 ? 0.09 : 0.01)).map((t) => (t.number === 3 ? overfit : t));
    const d = raceDecision([...trials, ...rungZero], rungs, 3, 3);
    expect(d.checks[0]).toMatchObject({ kept: 3, dropped: 3, predicts: false });
    // Halted at the study's end (or by the user), the same trial has no final value: it is not counted.
    const halted = trials.map((t) => (t.number === 3 ? { ...overfit, reason: "the study finished while this trial waited at epoch 4" } : t));
    expect(raceDecision([...halted, ...rungZero], rungs, 3, 3).checks[0]).toMatchObject({ kept: 3, dropped: 2 });
  });
});

describe("raceScheduler entry rung", () => {
  // Early leaders are late laggards: epoch 1 ranks by x, later epochs by −x.
  const reversed = (x: number, e: number) => (e === 1 ? 2 + x : 1 - x + 1 / e);
  const kept = (x: number, e: number) => x + 1 / e;
  it.each([
    ["reversed", reversed, 1],
    ["kept", kept, 0],
  ])("audits trials below the cut to the end, then enters new trials where ranks predict the end: ranks %s", (_, curve, entryRung) => {
    const s = race(27);
    const scheduler = (s as unknown as { scheduler: ReturnType<typeof raceScheduler> }).scheduler;
    const loss = (t: number, e: number) => curve(s.trials[t].params.x as number, e);
    const log = drive(s, 300, loss);
    // Audits: trials sent from rung 0 or 1 straight to the end.
    expect(log.filter(([kind, t, to]) => kind === "continue" && to === 27 && s.trials[t].entryEpoch! < 9).length).toBeGreaterThanOrEqual(3);
    const decision = scheduler.decision({ space, maxEpochs: 27, trials: s.trials });
    expect(decision.entryRung).toBe(entryRung);
    const lateNew = log.slice(-60).filter(([kind]) => kind === "new").map(([, , to]) => to);
    expect(lateNew.length).toBeGreaterThan(3);
    expect(new Set(lateNew)).toEqual(new Set([decision.rungs[entryRung]]));
  });

  it("spends at most auditShare of the epochs on audits, and not much less", () => {
    const s = race(27, { auditShare: 0.2, keepAuditing: 0.2 });
    const loss = (t: number, e: number) => kept(s.trials[t].params.x as number, e);
    const log = drive(s, 400, loss);
    const audits = new Set(log.filter(([kind, t, to]) => kind === "continue" && to === 27 && s.trials[t].losses.length === 27 && !log.some(([k2, t2, to2]) => k2 === "continue" && t2 === t && to2 === 9)).map(([, t]) => t));
    const own = (t: TrialState) => t.losses.length - (t.startEpoch ?? 0);
    const total = s.trials.reduce((sum, t) => sum + own(t), 0);
    const audited = [...audits].reduce((sum, t) => sum + own(s.trials[t]), 0);
    expect(audited / total).toBeGreaterThan(0.1);
    expect(audited / total).toBeLessThanOrEqual(0.2);
  });
});

describe("raceScheduler stopping", () => {
  // One rung at 5 epochs: every trial trains straight to 5.
  const curves: Record<number, number[]> = {
    0: [0.5, 0.4, 0.45, 0.42, 0.3], // best at epoch 2, then two epochs without improvement
    1: [0.5, 0.4, 0.35, 0.3, 0.25],
  };
  const loss = (t: number, e: number) => curves[t][e - 1];

  it("stops a trial `patience` epochs after its best epoch as pruned, saying why, and completes one that reaches max epochs", () => {
    const s = race(5, { minEpochs: 5, patience: 2 });
    expect(drive(s, 2, loss)).toEqual([["new", 0, 5], ["new", 1, 5]]);
    expect(s.trials[0]).toMatchObject({ status: "pruned", reason: "no improvement for 2 epochs (best at epoch 2)", losses: [0.5, 0.4, 0.45, 0.42] });
    expect(s.trials[1]).toMatchObject({ status: "completed", reason: "reached 5 epochs", losses: curves[1] });
  });

  it("lets a stalled trial run to max epochs without patience", () => {
    const s = race(5, { minEpochs: 5 });
    drive(s, 1, loss);
    expect(s.trials[0]).toMatchObject({ status: "completed", losses: curves[0] });
  });
});

describe("raceScheduler warm starts and schedules", () => {
  const plane: Space = [
    { type: "float", name: "x", low: 0, high: 1 },
    { type: "float", name: "y", low: 0, high: 1 },
  ];
  const rungs = rungEpochs(1, 3, 27);

  /** Curves that fall to a floor lowest at (0.3, 0.6) and overfit slowly after about epoch 5, so they have flattened by epoch 9 and their best epoch is not their last. */
  function overfitting(s: Strategy) {
    return (t: number, e: number) => {
      const { x, y } = s.trials[t].params as { x: number; y: number };
      return 1 + (x - 0.3) ** 2 + (y - 0.6) ** 2 + 0.5 * Math.exp(-e) + 0.002 * e;
    };
  }

  /** Drives 300 jobs; records each branch with the leaders before it was asked and its parent's best epoch then. */
  function run(options: RaceOptions, allowBranch: boolean) {
    const s = race(27, options, allowBranch, plane);
    const loss = overfitting(s);
    const branches: { trial: number; toEpoch: number; leaders: number[]; parentBestEpoch: number; parentEpochs: number }[] = [];
    for (let j = 0; j < 300; j++) {
      const top = leaders(s.trials, rungs, 3).map((t) => t.number);
      const [[kind, number, toEpoch]] = drive(s, 1, loss);
      // The step trained only the branch, so its parent is as it was when the branch was asked for.
      if (kind === "branch") {
        const parent = s.trials[s.trials[number].parent!];
        branches.push({ trial: number, toEpoch, leaders: top, parentBestEpoch: parent.bestEpoch, parentEpochs: parent.losses.length });
      }
    }
    return { s, branches };
  }

  const on = { warmStart: true, schedules: true };
  it.each([
    ["cannot warm start, both switched on", on, false, []],
    ["can warm start, by default (both off)", {}, true, []],
    ["can warm start, both switched on", on, true, ["schedule", "warm"]],
    ["can warm start, schedules only", { schedules: true }, true, ["schedule"]],
    ["can warm start, warm starts only", { warmStart: true }, true, ["warm"]],
    ["can warm start, but both are off", { warmStart: false, schedules: false }, true, []],
  ])("branches only as the objective and the options allow: %s", (_, options, allowBranch, origins) => {
    const { s, branches } = run(options, allowBranch);
    expect([...new Set(branches.map((b) => s.trials[b.trial].origin))].sort()).toEqual(origins);
  });

  it("starts a warm neighbour from the best checkpoint of a current leader, up to the next rung above it", () => {
    const { s, branches } = run({ warmStart: true }, true);
    const warm = branches.filter((b) => s.trials[b.trial].origin === "warm");
    expect(warm.length).toBeGreaterThan(0);
    // Some parents had trained past their best epoch, so "best" and "latest" checkpoints differ.
    expect(warm.some((b) => b.parentBestEpoch < b.parentEpochs)).toBe(true);
    for (const b of warm) {
      const child = s.trials[b.trial];
      expect(b.leaders).toContain(child.parent);
      expect(child.startEpoch).toBe(b.parentBestEpoch);
      expect(child.schedule?.at(-1)).toMatchObject({ fromEpoch: b.parentBestEpoch, shrinkPerturb: true });
      expect(b.toEpoch).toBe(rungs.find((r) => r > b.parentBestEpoch));
    }
  });

  it("branches a flattened leader once into new settings from its best checkpoint instead of promoting it, and never promotes it afterwards", () => {
    const s = race(27, { schedules: true }, true, plane);
    const log = drive(s, 300, overfitting(s));
    const schedules = log.flatMap(([kind, number], j) => (kind === "branch" ? [{ j, child: s.trials[number] }] : []));
    expect(schedules.length).toBeGreaterThan(1);
    expect(new Set(schedules.map(({ child }) => child.parent)).size).toBe(schedules.length);
    for (const { j, child } of schedules) {
      const parent = s.trials[child.parent!];
      expect(child.origin).toBe("schedule");
      expect(child.startEpoch).toBe(parent.bestEpoch);
      expect(child.params).not.toEqual(parent.params);
      // The parent stays paused at the rung it flattened at: the branch took its place.
      expect(rungs).toContain(parent.losses.length);
      expect(parent.status).toBe("paused");
      expect(log.slice(j).some(([kind, number]) => kind === "continue" && number === parent.number)).toBe(false);
    }
  });

  it("with a decay from the latest checkpoint at the last rung, branches a flattened leader from its latest epoch into lr × factor, and gives the branch its own patience", () => {
    const patience = 5;
    const decay = { param: "x", factor: 0.5, from: "latest", lastRung: true } as const;
    const s = race(27, { schedules: true, patience, scheduleDecay: decay }, true, plane);
    drive(s, 300, overfitting(s));
    const schedules = s.trials.filter((t) => t.origin === "schedule");
    expect(schedules.length).toBeGreaterThan(0);
    for (const child of schedules) {
      const parent = s.trials[child.parent!];
      // The last rung below the end is 9; the leader's best epoch lies before it (the curves are lowest at epoch 6).
      expect(child.startEpoch).toBe(9);
      expect(parent.losses.length).toBe(9);
      expect(parent.bestEpoch).toBeLessThan(9);
      expect(child.params.x).toBeCloseTo((parent.params.x as number) * 0.5, 12);
      expect(child.params.y).toBe(parent.params.y);
      // Patience counted from the inherited best epoch would stop the branch after its first epoch.
      expect(child.losses.length).toBeGreaterThanOrEqual(9 + patience);
    }
  });

  it("with a decay alongside, branches every leader promoted from the last rung once and promotes the leader as well", () => {
    const s = race(27, { schedules: true, scheduleDecay: { param: "x", factor: 0.5, from: "latest", lastRung: true, alongside: true } }, true, plane);
    drive(s, 300, overfitting(s));
    const schedules = s.trials.filter((t) => t.origin === "schedule");
    expect(schedules.length).toBeGreaterThan(1);
    expect(new Set(schedules.map((t) => t.parent)).size).toBe(schedules.length);
    for (const child of schedules) {
      const parent = s.trials[child.parent!];
      expect(child.startEpoch).toBe(9);
      // The leader's own constant continuation trains past the rung too: the schedule races it.
      expect(parent.losses.length).toBe(27);
    }
  });
});

describe("raceScheduler options", () => {
  it.each([
    [{ eta: 1 }, /race: eta must be an integer ≥ 2, got 1/],
    [{ minEpochs: 0 }, /race: minEpochs must be an integer ≥ 1, got 0/],
    [{ patience: 0.5 }, /race: patience must be an integer ≥ 1, got 0.5/],
    [{ flattenWindow: 0 }, /race: flattenWindow must be an integer ≥ 1, got 0/],
    [{ minEvidence: 1 }, /race: minEvidence must be an integer ≥ 2, got 1/],
    [{ auditShare: 1 }, /race: auditShare must be a share in \[0, 1\), got 1/],
    [{ flattenThreshold: 0 }, /race: flattenThreshold must be a share between 0 and 1, got 0/],
  ])("rejects the bad option %j with a message naming it", (options, message) => {
    expect(() => raceScheduler(options)).toThrow(RangeError);
    expect(() => raceScheduler(options)).toThrow(message);
  });

  it("rejects a schedule decay factor of 1, which changes nothing", () => {
    expect(() => raceScheduler({ scheduleDecay: { param: "x", factor: 1 } })).toThrow(/race: scheduleDecay.factor must be a positive number other than 1, got 1/);
  });
});

describe("decayTarget", () => {
  const s: Space = [
    { type: "float", name: "lr", low: 1e-3, high: 1, log: true },
    { type: "categorical", name: "opt", choices: ["sgd", "adam"] },
  ];
  const leader = (lr: number) => ({ params: { lr, opt: "adam" }, z: encode(s, { lr, opt: "adam" }) }) as unknown as TrialState;
  it.each([
    { what: "multiplies the param, keeping the rest", lr: 0.1, want: { lr: 0.1 * 0.1, opt: "adam" } },
    { what: "stops at the space's edge", lr: 0.005, want: { lr: 1e-3, opt: "adam" } },
    { what: "gives nothing at the edge already", lr: 1e-3, want: null },
  ])("$what", ({ lr, want }) => {
    const got = decayTarget(s, leader(lr), { param: "lr", factor: 0.1 });
    if (want === null) expect(got).toBeNull();
    else expect(got!.lr).toBeCloseTo(want.lr as number, 15), expect(got!.opt).toBe(want.opt);
  });
  it("gives nothing for a categorical or unknown param", () => {
    expect(decayTarget(s, leader(0.1), { param: "opt", factor: 0.1 })).toBeNull();
    expect(decayTarget(s, leader(0.1), { param: "momentum", factor: 0.1 })).toBeNull();
  });
});
