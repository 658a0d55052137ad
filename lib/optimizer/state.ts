/**
 * Strategy snapshots: a strategy's state as plain data, so that a restart
 * restores it and replays only the events logged after it (DESIGN.md,
 * "Strategy"). A snapshot must rebuild exactly what a replay of the same
 * events would: the replay tests compare both.
 */
import type { Sampler, Scheduler } from "./types";

/** Marks a sampler or scheduler whose decisions depend only on the study view (nothing of its own to save). */
export function stateless<T extends Sampler | Scheduler>(part: T): T {
  return { ...part, save: () => null, restore: () => {} };
}

const NUMBER_TAG = "$number";

/**
 * JSON text of a state that keeps every number exactly: JSON has no NaN,
 * ±Infinity or −0 (a loss of a diverged trial is Infinity, a maximised 0 is
 * −0), so those travel as {"$number": "…"}.
 */
export function stateToJson(state: unknown): string {
  return JSON.stringify(state, (_key, value) =>
    typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0)) ? { [NUMBER_TAG]: Object.is(value, -0) ? "-0" : String(value) } : value,
  );
}

/** The inverse of stateToJson. */
export function stateFromJson(text: string): unknown {
  return JSON.parse(text, (_key, value) =>
    value !== null && typeof value === "object" && typeof value[NUMBER_TAG] === "string" && Object.keys(value).length === 1 ? Number(value[NUMBER_TAG]) : value,
  );
}
