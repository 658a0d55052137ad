/**
 * Formatting for the dashboard. Pure and deterministic, so a server render and
 * the browser's hydration produce the same text (no locale or time zone).
 */
import type { ParamDef, StudySummary } from "@/lib/api/schemas";

/** A metric value with four significant digits, or an em dash when there is none. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return value.toExponential(3).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(4)));
}

/** A parameter value, compactly: short numbers stay, long ones lose digits. */
export function formatParam(value: number | string | boolean): string {
  if (typeof value !== "number") return String(value);
  if (Number.isInteger(value)) return String(value);
  return formatValue(value);
}

/** An ISO timestamp as "YYYY-MM-DD HH:MM" in UTC; the input when it does not parse. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return `${t.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The budget as spent of total, in the budget's own unit ("1,200 / 2,000 epochs"). */
export function formatBudget(study: Pick<StudySummary, "budget" | "epochsSpent" | "trialCount">): string {
  const spent = study.budget.kind === "epochs" ? study.epochsSpent : study.trialCount;
  return `${spent.toLocaleString("en-US")} / ${study.budget.value.toLocaleString("en-US")} ${study.budget.kind}`;
}

/** A one-line description of a parameter's range, for tooltips and summaries. */
export function describeParam(p: ParamDef): string {
  if (p.type === "categorical") return p.choices.map(String).join(" | ");
  const scale = p.log ? " (log)" : "";
  const step = p.type === "int" && p.step && p.step !== 1 ? ` step ${p.step}` : "";
  return `${p.low} … ${p.high}${step}${scale}`;
}

/** Whether a study still changes on its own, so views should keep polling. */
export function isLive(study: Pick<StudySummary, "status" | "runningCount"> | undefined): boolean {
  if (!study) return false;
  return study.status === "running" || study.runningCount > 0;
}
