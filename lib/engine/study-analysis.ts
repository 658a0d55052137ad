/**
 * The sieve's effect tests (importance with intervals, interactions,
 * fidelity-dependent effects) run on any study's stored trials, whatever its
 * strategy, for the dashboard. Read-only: it calls the pure analysis of
 * lib/optimizer and changes no study.
 *
 * The tests are costly (about a second for 400 trials of six parameters), so
 * a result is kept per study and reused while the number of reports is
 * unchanged, and while the study runs, until the trials at the tested epoch
 * grow by a quarter or a higher epoch has enough of them (the sieve's own
 * rule for a new round). A finished study is computed once more for its
 * final reports, then served from the cache. The tests run in a worker
 * thread (a few seconds on a busy machine), one at a time per study and epoch.
 */
import "server-only";
import { analysisTrials, reportCount } from "../../db/explore";
import { getStudyRecord } from "../../db/queries";
import type { EffectsResponse } from "../api/explore-schemas";
import type { SnapshotView } from "../api/schemas";
import type { AnalysisParam, Effect, Observation } from "../optimizer/analysis/effects";
import { fidelityEffects } from "../optimizer/analysis/fidelity";
import { rungEpochs, rungLoss } from "../optimizer/schedulers/asha";
import { MIN_OBSERVATIONS } from "../optimizer/samplers/sieve";
import type { Space } from "../optimizer/space";
import type { TrialState } from "../optimizer/types";
import { runInWorker } from "../workers/effects-thread";

/** At most this many trials enter the tests: an even sample by trial number beyond it, so one request stays near a second. */
export const MAX_ANALYSED = 400;
const PERMUTATIONS = 999;
const BOOTSTRAP_SAMPLES = 60;
const GROWTH = 1.25;
const CACHE_SIZE = 64;

type Entry = { reports: number; epoch: number; available: number; response: EffectsResponse };
/** Keyed by study and the epoch asked for ("auto" for the default). */
const globalCache = globalThis as unknown as { __hypersieveEffects?: Map<string, Entry> };
const cache = (globalCache.__hypersieveEffects ??= new Map<string, Entry>());
const inFlight = new Map<string, Promise<EffectsResponse | null>>();

function analysisParams(space: Space): AnalysisParam[] {
  return space.map((p) => ({ name: p.name, categorical: p.type === "categorical", levels: p.type === "categorical" ? p.choices.length : 0 }));
}

/** The trials that trained up to `epoch` themselves, with a finite loss there and known coordinates. */
function reachedAt(trials: readonly TrialState[], epoch: number): TrialState[] {
  return trials.filter((t) => (t.startEpoch ?? 0) < epoch && t.losses.length >= epoch && Number.isFinite(rungLoss(t, epoch)) && t.z.every(Number.isFinite));
}

/** Per rung, the trials that reached it. */
function byRung(trials: readonly TrialState[], rungs: readonly number[]): { epoch: number; reached: TrialState[] }[] {
  return rungs.map((epoch) => ({ epoch, reached: reachedAt(trials, epoch) }));
}

/**
 * The default epoch to test at: the highest rung that holds at least a third
 * of the trials of the best-filled rung, and at least MIN_OBSERVATIONS. The
 * last rung of a successive-halving study holds the few trials promoted to
 * it, all alike; a lower rung with three times the trials tests with more
 * power at a fidelity the race checks against the end.
 */
export function defaultFidelity(rungs: readonly { epoch: number; reached: readonly unknown[] }[]): number | null {
  const most = Math.max(0, ...rungs.map((r) => r.reached.length));
  const need = Math.max(MIN_OBSERVATIONS, Math.ceil(most / 3));
  for (let k = rungs.length - 1; k >= 0; k--) if (rungs[k].reached.length >= need) return rungs[k].epoch;
  return null;
}

/** An even sample of at most `max` trials, in trial order. */
export function evenSample<T>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return [...rows];
  const step = rows.length / max;
  return Array.from({ length: max }, (_, k) => rows[Math.floor(k * step)]);
}

function describeSource(strategy: string, used: number, available: number, epoch: number): string {
  const sample = used < available ? `an even sample of ${used} of the ${available} trials` : `all ${available} trials`;
  return `Computed by the dashboard from the stored trials: ${sample} that trained to epoch ${epoch}, each at its best value up to that epoch. ${strategy} chose where these trials lie, so they cluster where it searched; the tests treat them as independent, which the sieve's own rounds avoid by testing only its space-filling trials.`;
}

async function compute(studyId: number, reports: number, asked: number | undefined, previous: Entry | undefined): Promise<Entry | null> {
  const study = getStudyRecord(studyId);
  if (!study) return null;
  const space = study.space as Space;
  const rungs = rungEpochs(1, 3, study.maxEpochs);
  if (asked !== undefined && !rungs.includes(asked)) throw new RangeError(`epoch ${asked} is not one of the study's rungs (${rungs.join(", ")})`);
  const trials = analysisTrials(studyId, rungs);
  const filled = byRung(trials, rungs);
  const fidelities = filled.map((r) => ({ epoch: r.epoch, trials: r.reached.length }));
  const epoch = asked ?? defaultFidelity(filled);
  const reached = filled.find((r) => r.epoch === epoch)?.reached ?? [];
  const live = study.status === "running" || study.status === "paused";
  if (epoch === null || reached.length < MIN_OBSERVATIONS) {
    const response: EffectsResponse = {
      snapshot: null,
      computedAt: reports,
      reports,
      available: reached.length,
      fidelities,
      source: "Computed by the dashboard from the stored trials.",
      reason:
        epoch === null
          ? `No epoch has ${MIN_OBSERVATIONS} trials that trained to it yet (${trials.length} trials so far); the tests need at least that many.`
          : `Only ${reached.length} trials trained to epoch ${epoch}; the tests need at least ${MIN_OBSERVATIONS}.`,
    };
    return { reports, epoch: epoch ?? 0, available: reached.length, response };
  }
  if (live && previous?.response.snapshot && previous.epoch === epoch && reached.length < Math.ceil(previous.available * GROWTH)) {
    return { ...previous, reports, response: { ...previous.response, reports, fidelities } };
  }
  const used = evenSample(reached, MAX_ANALYSED);
  const observations: Observation[] = used.map((t) => ({ z: t.z, loss: rungLoss(t, epoch) }));
  const effects = await runInWorker({
    observations,
    params: analysisParams(space),
    seed: study.seed,
    label: "dashboard-analysis",
    indices: [epoch, reached.length],
    options: { permutations: PERMUTATIONS, bootstrap: BOOTSTRAP_SAMPLES },
  });
  const snapshot: SnapshotView = {
    round: 0,
    trials: trials.length,
    epoch,
    observations: observations.length,
    effects,
    rules: [],
    bounds: space.map(() => [0, 1]),
    volumeShare: 1,
    fidelityEffects: fidelityEffects(space, trials, rungs),
  };
  const response: EffectsResponse = { snapshot, computedAt: reports, reports, available: reached.length, fidelities, source: describeSource(study.strategy, used.length, reached.length, epoch), reason: null };
  return { reports, epoch, available: reached.length, response };
}

/**
 * The effect tests on a study's stored trials at `epoch` (one of its rungs;
 * by default see defaultFidelity), from the cache when the reports have not
 * changed (or not grown enough while it runs). Throws a RangeError for an epoch that is not a rung.
 */
export async function studyEffects(studyId: number, epoch?: number): Promise<EffectsResponse | null> {
  const reports = reportCount(studyId);
  const key = `${studyId}:${epoch ?? "auto"}`;
  const cached = cache.get(key);
  if (cached && cached.reports === reports) return cached.response;
  // Polls that arrive while the tests run wait for the same run.
  const running = inFlight.get(key);
  if (running) return running;
  const run = compute(studyId, reports, epoch, cached)
    .then((entry) => {
      if (!entry) return null;
      cache.delete(key);
      cache.set(key, entry);
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return entry.response;
    })
    .finally(() => inFlight.delete(key));
  inFlight.set(key, run);
  return run;
}
