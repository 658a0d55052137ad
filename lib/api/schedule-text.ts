/**
 * A branch's schedule as one line a user can paste into their training
 * ("lr: 0.1 until epoch 12, then 0.01"), for the trial page and the export.
 */
import type { TrialRow } from "./schemas";

type Schedule = NonNullable<TrialRow["schedule"]>;
type Value = Schedule[number]["params"][string];

/** A param's value as the user would write it: six significant digits at most, no float noise. */
function written(value: Value): string {
  return typeof value === "number" && !Number.isInteger(value) ? String(Number(value.toPrecision(6))) : String(value);
}

/**
 * A line for every param whose value changes between the schedule's
 * segments: its value, then each change with the epoch it took effect after
 * ("until epoch 12" — epochs 1 to 12 trained with the first value). None when
 * no param changes (a warm start that kept its parent's params).
 */
export function scheduleLines(schedule: Schedule | undefined): string[] {
  if (!schedule || schedule.length < 2) return [];
  const names = [...new Set(schedule.flatMap((segment) => Object.keys(segment.params)))];
  const parts: string[] = [];
  for (const name of names) {
    let text = "";
    let current: Value | undefined;
    schedule.forEach((segment, k) => {
      const value = segment.params[name];
      if (value === undefined || (k > 0 && value === current)) return;
      text = k === 0 ? written(value) : `${text} until epoch ${segment.fromEpoch}, then ${written(value)}`;
      current = value;
    });
    if (text.includes(" then ")) parts.push(`${name}: ${text}`);
  }
  return parts;
}

/** The schedule's lines on one line, joined by "; ", for the export; empty when no param changes. */
export function scheduleText(schedule: Schedule | undefined): string {
  return scheduleLines(schedule).join("; ");
}
