/**
 * Strategies by name: a sampler and a scheduler joined by "+", such as
 * "random+fifo". Settings travel beside the name.
 */
import { randomSampler } from "./samplers/random";
import { fifoScheduler } from "./schedulers/fifo";
import { Strategy } from "./strategy";
import type { Space } from "./space";
import type { Direction, Sampler, Scheduler } from "./types";

/** Settings shared by every scheduler; each reads the ones it knows. */
export type SchedulerSettings = { patience?: number };

export const SAMPLERS: Record<string, () => Sampler> = {
  random: () => randomSampler(),
};

export const SCHEDULERS: Record<string, (settings: SchedulerSettings) => Scheduler> = {
  fifo: (s) => fifoScheduler({ patience: s.patience }),
};

/** Splits "sampler+scheduler" and checks both parts exist; returns the problem in words otherwise. */
export function parseStrategyName(name: string): { sampler: string; scheduler: string } | { error: string } {
  const [sampler, scheduler, ...rest] = name.split("+");
  if (!sampler || !scheduler || rest.length > 0) return { error: `strategy '${name}' must be 'sampler+scheduler', e.g. 'random+fifo'` };
  if (!SAMPLERS[sampler]) return { error: `unknown sampler '${sampler}' (known: ${Object.keys(SAMPLERS).join(", ")})` };
  if (!SCHEDULERS[scheduler]) return { error: `unknown scheduler '${scheduler}' (known: ${Object.keys(SCHEDULERS).join(", ")})` };
  return { sampler, scheduler };
}

export type StrategySetup = {
  name: string;
  space: Space;
  direction: Direction;
  maxEpochs: number;
  seed: number;
  settings?: SchedulerSettings;
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
    sampler: SAMPLERS[parsed.sampler](),
    scheduler: SCHEDULERS[parsed.scheduler](setup.settings ?? {}),
  });
}
