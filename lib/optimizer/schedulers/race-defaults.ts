/**
 * The race's warm starts and schedules are off unless a study asks for them:
 * on the built-in MLPs (bench/warm-start.ts: wine, breast cancer, digits)
 * they did not cut the epochs the race needs to reach a target to 0.7× of
 * the race without them, the bar for a default. A step decay of the learning
 * rate did pay on a task whose loss SGD's noise holds up (docs/warm-start-bench.md,
 * the synthetic noisy task: it beat every constant configuration on 10 of 10
 * seeds, and reached a target in a median 236 epochs that the race without
 * it reached on 3 of 10 seeds within 2,400); whether a study is such a task is
 * not known in advance, so the page says when to choose it. Kept apart from race.ts so that the study form and page read
 * them without the scheduler.
 */
import type { ScheduleDecay } from "../branching";

export const RACE_WARM_START_DEFAULT = false;
/** See RACE_WARM_START_DEFAULT. */
export const RACE_SCHEDULES_DEFAULT = false;

const WHY = "on the built-in MLPs (wine, breast cancer, digits) they did not bring the race to a target loss in clearly fewer epochs than the race without them (bench/warm-start.ts)";

/** Where schedules did pay, for a study whose schedules are off. */
const WHEN_DECAY =
  "A step decay of the learning rate (schedule step: lr × 0.1 from the latest checkpoint, alongside the last rung's leaders) did pay where SGD's noise holds the loss up, on an ill-conditioned task (docs/warm-start-bench.md): choose it for such training.";

/** Why they are off by default, and where schedules paid, for the study form. */
export const RACE_SWITCHES_OFF_REASON = `Warm starts and schedules are off by default: ${WHY}. ${WHEN_DECAY}`;

/** For a study's page: which of the two are off and why (and, when schedules are, where they paid); null when both are on. */
export function raceSwitchesNote(warmStart: boolean, schedules: boolean): string | null {
  if (warmStart && schedules) return null;
  const which = !warmStart && !schedules ? "Warm starts and schedules are" : !warmStart ? "Warm starts are" : "Schedules are";
  return `${which} off in this study (off by default: ${WHY}).${schedules ? "" : ` ${WHEN_DECAY}`}`;
}

/** For a study's page: the schedule step the race takes, in one line ("Schedules: lr × 0.1 from the latest checkpoint, …"). */
export function scheduleRuleNote(decay?: ScheduleDecay): string {
  if (!decay) return "Schedules: a flattened leader steps half-way towards the best trials at the highest rung, from its best checkpoint.";
  const rung = decay.lastRung ? "the last rung" : "any rung";
  const when = decay.alongside ? `alongside every leader promoted from ${rung}` : `when a leader's curve flattens at ${rung}`;
  return `Schedules: ${decay.param} × ${decay.factor} from the ${decay.from === "latest" ? "latest" : "best"} checkpoint, ${when}.`;
}
