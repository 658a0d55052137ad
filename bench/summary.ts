/**
 * Summaries of lc-trace/1 runs against their table: FTE to reach the top-1%
 * and top-0.1% targets, and regret at fixed budgets (docs/benchmarks/FORMAT.md).
 */
import { rowScores, topTarget, type LcTable } from "../lib/objectives/lc-table";
import { LcTraceError, type LcTrace } from "./trace";

export const REGRET_AT = [1, 2, 5, 10, 20, 50, 100] as const;
export const TARGETS = [1, 0.1] as const;

/** The q-quantile of values by linear interpolation between order statistics (Hyndman–Fan type 7). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export type TargetSummary = { percent: number; target: number; median: number; q1: number; q3: number; missed: number };
export type TraceSummary = { label: string; runs: number; targets: TargetSummary[]; regret: (number | null)[]; seconds: number };

/** FTE at which a run's incumbent first reaches `targetLoss`, or null if it never does. */
export function fteToTarget(trace: readonly [number, number][], targetLoss: number, sign: number): number | null {
  for (const [fte, value] of trace) if (sign * value <= targetLoss) return fte;
  return null;
}

/** The incumbent (as a loss) at cost `fte`: the last point at or before it, Infinity before the first. */
export function incumbentAt(trace: readonly [number, number][], fte: number, sign: number): number {
  let best = Infinity;
  for (const [x, value] of trace) {
    if (x > fte + 1e-9) break;
    best = Math.min(best, sign * value);
  }
  return best;
}

/** Summarises one trace file; runs that never reach a target count as the budget in its quartiles. */
export function summarize(label: string, trace: LcTrace, table: LcTable): TraceSummary {
  if (trace.table !== table.name) throw new LcTraceError(`${label}: trace is for table '${trace.table}', but the table given is '${table.name}'`);
  const sign = table.direction === "minimize" ? 1 : -1;
  const best = Math.min(...rowScores(table));
  const targets = TARGETS.map((percent): TargetSummary => {
    const target = topTarget(table, percent);
    const reached = trace.runs.map((r) => fteToTarget(r.trace, target, sign));
    const costs = reached.map((x) => x ?? trace.budget_fte);
    return {
      percent,
      target: sign * target,
      median: quantile(costs, 0.5),
      q1: quantile(costs, 0.25),
      q3: quantile(costs, 0.75),
      missed: reached.filter((x) => x === null).length,
    };
  });
  const regret = REGRET_AT.map((f) => (f > trace.budget_fte * (1 + 1e-9) ? null : quantile(trace.runs.map((r) => incumbentAt(r.trace, f, sign) - best), 0.5)));
  return { label, runs: trace.runs.length, targets, regret, seconds: quantile(trace.runs.map((r) => r.seconds), 0.5) };
}

function fmt(x: number | null, digits: number): string {
  if (x === null) return "–";
  if (!Number.isFinite(x)) return "∞";
  return x.toFixed(digits);
}

function grid(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Renders summaries side by side: one row per trace file. */
export function renderSummaries(summaries: readonly TraceSummary[], table: LcTable): string {
  const first = summaries[0];
  const targetHeaders = TARGETS.flatMap((p) => [`top${p}% med [q1, q3]`, "missed"]);
  const targetRows = summaries.map((s) => [
    s.label,
    String(s.runs),
    ...s.targets.flatMap((t) => [`${fmt(t.median, 2)} [${fmt(t.q1, 2)}, ${fmt(t.q3, 2)}]`, `${t.missed}/${s.runs}`]),
    fmt(s.seconds, 2),
  ]);
  const regretRows = summaries.map((s) => [s.label, ...s.regret.map((r) => fmt(r, 5))]);
  return [
    `table ${table.name}: ${table.rows.length} configurations, ${table.metric} (${table.direction}), max_epochs ${table.maxEpochs}; best ${fmt(
      table.direction === "minimize" ? Math.min(...rowScores(table)) : -Math.min(...rowScores(table)),
      6,
    )}`,
    `targets: ${first.targets.map((t) => `top ${t.percent}% = ${t.target}`).join(", ")}`,
    "FTE to reach each target (median [quartiles] over runs; a run that never reaches it counts as its budget, and is counted under 'missed'):",
    grid(["trace", "runs", ...targetHeaders, "median s"], targetRows),
    "",
    "median regret (incumbent minus the table's best) at a budget in FTE:",
    grid(["trace", ...REGRET_AT.map((f) => `@${f}`)], regretRows),
  ].join("\n");
}
