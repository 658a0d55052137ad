/**
 * The race's warm starts and schedules are off unless a study asks for them:
 * on the built-in MLPs (bench/warm-start.ts: wine, breast cancer, digits)
 * they did not cut the epochs the race needs to reach a target to 0.7× of
 * the race without them, the bar for a default. Kept apart from race.ts so
 * that the study form and page read them without the scheduler.
 */
export const RACE_WARM_START_DEFAULT = false;
/** See RACE_WARM_START_DEFAULT. */
export const RACE_SCHEDULES_DEFAULT = false;

const WHY = "on the built-in MLPs (wine, breast cancer, digits) they did not bring the race to a target loss in clearly fewer epochs than the race without them (bench/warm-start.ts)";

/** Why they are off by default, in one sentence, for the study form. */
export const RACE_SWITCHES_OFF_REASON = `Warm starts and schedules are off by default: ${WHY}.`;

/** For a study's page: which of the two are off and why, in one sentence; null when both are on. */
export function raceSwitchesNote(warmStart: boolean, schedules: boolean): string | null {
  if (warmStart && schedules) return null;
  const which = !warmStart && !schedules ? "Warm starts and schedules are" : !warmStart ? "Warm starts are" : "Schedules are";
  return `${which} off in this study (off by default: ${WHY}).`;
}
