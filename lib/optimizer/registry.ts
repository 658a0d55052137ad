/**
 * Strategies by name: a sampler and a scheduler joined by "+", such as
 * "random+fifo" or "tpe+asha". Settings travel beside the name.
 */
import { bohbSampler, type BohbOptions } from "./samplers/bohb";
import { randomSampler } from "./samplers/random";
import { sieveSampler } from "./samplers/sieve";
import { sobolSampler } from "./samplers/sobol";
import { tpeSampler, type TpeOptions } from "./samplers/tpe";
import { ashaScheduler } from "./schedulers/asha";
import { fifoScheduler } from "./schedulers/fifo";
import { hyperbandScheduler } from "./schedulers/hyperband";
import { iEpochScheduler } from "./schedulers/iepoch";
import { pbtScheduler } from "./schedulers/pbt";
import { raceScheduler } from "./schedulers/race";
import type { ScheduleDecay } from "./branching";
import { stateless } from "./state";
import { Strategy } from "./strategy";
import { strategyParts } from "./strategy-name";
import type { Space } from "./space";
import type { Direction, Sampler, Scheduler } from "./types";

/**
 * Settings shared by every scheduler; each reads the ones it knows (asha and
 * hyperband: eta, minEpochs; iepoch: epochs, batchSize, keep; race: warmStart,
 * schedules, shrinkPerturb; pbt: population, ready). The seed is the study's.
 */
export type SchedulerSettings = {
  patience?: number;
  eta?: number;
  minEpochs?: number;
  epochs?: number;
  batchSize?: number;
  keep?: number;
  /** race: start a share of new neighbours from a leader's checkpoint (default false; only where the objective can warm start). */
  warmStart?: boolean;
  /** race: branch a flattened leader into the next segment of a schedule (default false; same condition). */
  schedules?: boolean;
  /** race: shrink and perturb the weights a warm-started neighbour copies (default true). */
  shrinkPerturb?: boolean;
  /** race: a schedule's next segment multiplies this param by a factor (e.g. lr × 0.1) instead of stepping towards the best trials. */
  scheduleDecay?: ScheduleDecay;
  /** race: share of all epochs spent on audits (trials it would drop, trained to the end anyway) until its rungs are judged (default 1/(s+1)). */
  auditShare?: number;
  /** race: share of all epochs spent on audits afterwards (default 0.1). */
  keepAuditing?: number;
  /** race: finished trials kept and dropped at a rung, each, before the rung is judged (default 3). */
  minEvidence?: number;
  population?: number;
  ready?: number;
  seed?: number;
};

/**
 * What a sampler factory may use: the study's seed (for sequences fixed once
 * per study), sampler options, and the scheduler's eta and minEpochs (bohb
 * models the scheduler's rungs).
 */
export type SamplerSettings = { seed?: number; eta?: number; minEpochs?: number; deferAnalysis?: boolean } & TpeOptions & Omit<BohbOptions, "eta" | "minEpochs">;

/** Sampler factories by name; each takes the study's seed and the sampler settings. */
export const SAMPLERS: Record<string, (settings?: SamplerSettings) => Sampler> = {
  random: () => stateless(randomSampler()),
  sobol: (s = {}) => stateless(sobolSampler({ seed: s.seed })),
  // The sieve analyses at the race's rungs: it takes the same eta and minEpochs.
  sieve: (s = {}) => sieveSampler({ seed: s.seed, deferAnalysis: s.deferAnalysis, minEpochs: s.minEpochs, eta: s.eta }),
  tpe: (s = {}) =>
    stateless(tpeSampler({
      nStartupTrials: s.nStartupTrials,
      nEiCandidates: s.nEiCandidates,
      priorWeight: s.priorWeight,
      magicClip: s.magicClip,
      constantLiar: s.constantLiar,
    })),
  bohb: (s = {}) =>
    bohbSampler({
      minPointsInModel: s.minPointsInModel,
      topNPercent: s.topNPercent,
      numSamples: s.numSamples,
      randomFraction: s.randomFraction,
      bandwidthFactor: s.bandwidthFactor,
      minBandwidth: s.minBandwidth,
      freshTries: s.freshTries,
      eta: s.eta,
      minEpochs: s.minEpochs,
    }),
};

/** Scheduler factories by name; each reads the settings it knows. */
export const SCHEDULERS: Record<string, (settings: SchedulerSettings) => Scheduler> = {
  fifo: (s) => stateless(fifoScheduler({ patience: s.patience })),
  asha: (s) => stateless(ashaScheduler({ eta: s.eta, minEpochs: s.minEpochs, patience: s.patience })),
  hyperband: (s) => stateless(hyperbandScheduler({ eta: s.eta, minEpochs: s.minEpochs, patience: s.patience })),
  race: (s) =>
    raceScheduler({ eta: s.eta, minEpochs: s.minEpochs, patience: s.patience, warmStart: s.warmStart, schedules: s.schedules, shrinkPerturb: s.shrinkPerturb, auditShare: s.auditShare, keepAuditing: s.keepAuditing, minEvidence: s.minEvidence, scheduleDecay: s.scheduleDecay }),
  pbt: (s) => pbtScheduler({ population: s.population, ready: s.ready, patience: s.patience, seed: s.seed }),
  iepoch: (s) => stateless(iEpochScheduler({ epochs: s.epochs, batchSize: s.batchSize, keep: s.keep, patience: s.patience })),
};


/** Splits "sampler+scheduler" and checks both parts exist; returns the problem in words otherwise. */
export function parseStrategyName(name: string): { sampler: string; scheduler: string } | { error: string } {
  const [sampler, scheduler, ...rest] = strategyParts(name);
  if (!sampler || !scheduler || rest.length > 0) return { error: `strategy '${name}' must be 'sampler+scheduler', e.g. 'random+fifo'` };
  if (!Object.hasOwn(SAMPLERS, sampler)) return { error: `unknown sampler '${sampler}' (known: ${Object.keys(SAMPLERS).join(", ")})` };
  if (!Object.hasOwn(SCHEDULERS, scheduler)) return { error: `unknown scheduler '${scheduler}' (known: ${Object.keys(SCHEDULERS).join(", ")})` };
  return { sampler, scheduler };
}

export type StrategySetup = {
  name: string;
  space: Space;
  direction: Direction;
  maxEpochs: number;
  seed: number;
  settings?: Omit<SchedulerSettings, "seed">;
  samplerSettings?: Omit<SamplerSettings, "seed">;
  /** Whether the objective can warm start (ObjectiveInfo.warmStart); without it no strategy branches. */
  allowBranch?: boolean;
  /** Params a branch keeps from its parent (ObjectiveInfo.warmStartKeeps). */
  branchKeeps?: readonly string[];
};

/** Builds a strategy from its name and settings; throws an error naming the bad part. */
export function createStrategy(setup: StrategySetup): Strategy {
  const parsed = parseStrategyName(setup.name);
  if ("error" in parsed) throw new RangeError(parsed.error);
  return new Strategy({
    space: setup.space,
    direction: setup.direction,
    maxEpochs: setup.maxEpochs,
    seed: setup.seed,
    sampler: SAMPLERS[parsed.sampler]({ ...setup.samplerSettings, eta: setup.settings?.eta, minEpochs: setup.settings?.minEpochs, seed: setup.seed }),
    scheduler: SCHEDULERS[parsed.scheduler]({ ...setup.settings, seed: setup.seed }),
    allowBranch: setup.allowBranch,
    branchKeeps: setup.branchKeeps,
  });
}
