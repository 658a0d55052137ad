/**
 * Where a race strategy's FTE goes on a learning-curve table: per seed, the
 * FTE spent when the race first lets new trials enter above rung 0 and when
 * it first enters at full training, the FTE to the top-1% target, and which
 * kind of pick (the sieve's origin) found the first top-1% configuration.
 *
 * Run with `npx tsx bench/race-entry.ts --table FILE [--strategy sieve] [--first-seed 100] [--seeds 20] [--budget-fte 100]`.
 * Prints figures, never fails on them.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseLcTable, tableSpace, topTarget } from "../lib/objectives/lc-table";
import { createStrategy } from "../lib/optimizer/registry";
import { replay } from "./replay";
import { fteToTarget, quantile } from "./summary";

const { values: options } = parseArgs({
  options: {
    table: { type: "string" },
    strategy: { type: "string", default: "sieve" },
    "first-seed": { type: "string", default: "100" },
    seeds: { type: "string", default: "20" },
    "budget-fte": { type: "string", default: "100" },
    settings: { type: "string" },
  },
});
if (!options.table) throw new Error("--table is required");
const table = parseLcTable(JSON.parse(readFileSync(options.table, "utf8")));
const space = tableSpace(table);
const first = Number(options["first-seed"]);
const seeds = Number(options.seeds);
const budget = Number(options["budget-fte"]);
const settings = options.settings ? JSON.parse(options.settings) : {};
const { sampler: samplerSettings, ...schedulerSettings } = settings;
const target = topTarget(table, 1);
const sign = table.direction === "minimize" ? 1 : -1;
const fmt = (x: number | null) => (x === null ? "–" : x.toFixed(2));

type Row = { spentBy: Record<string, number>; seed: number; above0: number | null; full: number | null; hit: number | null; origin: string; hitEntry: number | null; created: number | null; finalEntry: number; trials: number; afterFull: Record<string, number> };
const rows: Row[] = [];
for (let seed = first; seed < first + seeds; seed++) {
  const strategy = createStrategy({ name: options.strategy!, space, direction: table.direction, maxEpochs: table.maxEpochs, seed, settings: schedulerSettings, samplerSettings });
  let spent = 0;
  let above0: number | null = null;
  let full: number | null = null;
  let last = 0;
  const createdAt: number[] = [];
  const entryAt: number[] = [];
  let entry = 0;
  // Epochs spent before the hit, after the first entry above rung 0, by kind of job.
  const spentBy: Record<string, number> = {};
  let kind = "";
  let hitSoFar = false;
  const steps: [number, string][] = [];
  const result = replay(table, {
    ask: (o) => {
      const job = strategy.ask(o);
      if (job && job.kind === "new") {
        createdAt[job.trial] = spent / table.maxEpochs;
        entryAt[job.trial] = job.toEpoch;
        kind = `new@${job.toEpoch}:${strategy.trials[job.trial].origin ?? "?"}`;
      } else if (job && job.kind === "continue") {
        const t = strategy.trials[job.trial];
        kind = `continue-${t.losses.length}-to-${job.toEpoch}`;
        steps.push([job.trial, kind]);
      }
      return job;
    },
    tell: (r) => {
      spent++;
      if (above0 !== null && !hitSoFar) spentBy[`${r.trial}|${kind}`] = (spentBy[`${r.trial}|${kind}`] ?? 0) + 1 / table.maxEpochs;
      if (sign * r.value <= target) hitSoFar = true;
      const v = strategy.tell(r);
      const d = strategy.decision();
      if (d) {
        last = d.rungs.length - 1;
        entry = d.entryRung;
        if (d.entryRung >= 1 && above0 === null) above0 = spent / table.maxEpochs;
        if (d.entryRung === last && full === null) full = spent / table.maxEpochs;
      }
      return v;
    },
  }, budget);
  const hit = fteToTarget(result.trace, target, sign);
  // Audits are the race's own record (its snapshot); a continuation of an audited trial is an audit step.
  const audited = new Set((strategy.save()?.scheduler as { audited?: number[] } | undefined)?.audited ?? []);
  for (const key of Object.keys(spentBy)) {
    const [trial, what] = key.split("|");
    const label = what.startsWith("continue") ? (audited.has(Number(trial)) ? `audit-${what.slice(9)}` : `promote-${what.slice(9)}`) : what;
    spentBy[label] = (spentBy[label] ?? 0) + spentBy[key];
    delete spentBy[key];
  }
  const t = strategy.trials.find((x) => x.losses.some((loss) => sign * loss <= target) || x.bestLoss <= target);
  const afterFull: Record<string, number> = {};
  if (full !== null) for (const x of strategy.trials) if (createdAt[x.number] >= full) afterFull[x.origin ?? "?"] = (afterFull[x.origin ?? "?"] ?? 0) + 1;
  rows.push({ spentBy, seed, above0, full, hit, origin: t ? (t.origin ?? "?") : "never", hitEntry: t ? entryAt[t.number] ?? null : null, created: t ? createdAt[t.number] ?? null : null, finalEntry: entry, trials: strategy.trials.length, afterFull });
  void last;
}

console.log(`${table.name}, ${options.strategy}, seeds ${first}–${first + seeds - 1}, ${budget} FTE`);
console.log("seed  above-rung-0  full-training  top-1%  found-by  entered-at  created  final-entry  trials  new-after-full");
for (const r of rows) {
  console.log(
    [r.seed, fmt(r.above0), fmt(r.full), fmt(r.hit), r.origin, r.hitEntry ?? "–", fmt(r.created), r.finalEntry, r.trials, JSON.stringify(r.afterFull)].join("  "),
  );
}
const med = (xs: (number | null)[], fill: number) => quantile(xs.map((x) => x ?? fill), 0.5).toFixed(2);
const hits = rows.map((r) => r.hit);
console.log(`median FTE: first entry above rung 0 ${med(rows.map((r) => r.above0), budget)} (never in ${rows.filter((r) => r.above0 === null).length}), full-training entry ${med(rows.map((r) => r.full), budget)} (never in ${rows.filter((r) => r.full === null).length}), top-1% ${med(hits, budget)} [${quantile(hits.map((x) => x ?? budget), 0.25).toFixed(2)}, ${quantile(hits.map((x) => x ?? budget), 0.75).toFixed(2)}], missed ${hits.filter((x) => x === null).length}`);
const after = rows.filter((r) => r.full !== null && r.hit !== null && r.hit >= r.full!).map((r) => r.hit! - r.full!);
console.log(`hits after the full-training entry: ${after.length} of ${rows.length}; median FTE from that entry to the hit ${after.length ? quantile(after, 0.5).toFixed(2) : "–"}; hits before it: ${rows.filter((r) => r.hit !== null && (r.full === null || r.hit < r.full)).length}`);
const by: Record<string, number> = {};
for (const r of rows) for (const [k, v] of Object.entries(r.spentBy)) by[k] = (by[k] ?? 0) + v / rows.length;
console.log(`mean FTE per seed from the first entry above rung 0 to the hit, by job: ${Object.entries(by).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}`);
const origins: Record<string, number> = {};
for (const r of rows) origins[r.origin] = (origins[r.origin] ?? 0) + 1;
console.log(`first top-1% trial found by: ${JSON.stringify(origins)}`);
