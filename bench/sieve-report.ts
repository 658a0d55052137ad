/**
 * What the sieve does on a learning-curve table, beyond how fast it gets
 * there: which kind of pick first found a top-1% configuration, how often
 * its rules narrowed the space, and whether the table's best and top-1%
 * configurations stayed inside the final subspace.
 *
 * Run with `npx tsx bench/sieve-report.ts [--table FILE] [--seeds 20] [--budget-fte 100]`.
 * Prints figures, never fails on them.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseLcTable, rowScores, tableSpace, topTarget } from "../lib/objectives/lc-table";
import { createStrategy } from "../lib/optimizer/registry";
import { buildSubspace, contains } from "../lib/optimizer/rules";
import { encode } from "../lib/optimizer/space";
import { replay } from "./replay";

// Strict: a misspelt option is an error, not a silently ignored word.
const { values: options } = parseArgs({
  options: {
    table: { type: "string", default: "lib/objectives/tables/digits-mlp.json" },
    seeds: { type: "string", default: "20" },
    "budget-fte": { type: "string", default: "100" },
  },
});
const file = options.table;
const seeds = Number(options.seeds);
const budget = Number(options["budget-fte"]);
const table = parseLcTable(JSON.parse(readFileSync(file, "utf8")));
const space = tableSpace(table);
const scores = rowScores(table);
const target = topTarget(table, 1);
const top = table.rows.filter((_, i) => scores[i] <= target).map((r) => encode(space, r.params));
const best = encode(space, table.rows[scores.indexOf(Math.min(...scores))].params);

const firstHit: Record<string, number> = {};
let everActive = 0, seedsNarrowed = 0, rounds = 0, roundsNarrowed = 0, activeAtEnd = 0, bestInside = 0, topInside = 0;
for (let seed = 0; seed < seeds; seed++) {
  const strategy = createStrategy({ name: "sieve", space, direction: table.direction, maxEpochs: table.maxEpochs, seed });
  replay(table, strategy, budget);
  // The earliest-created trial whose curve reaches the target.
  const hit = strategy.trials.find((t) => t.losses.some((loss) => loss <= target));
  const kind = hit ? (hit.origin ?? "?") : "never";
  firstHit[kind] = (firstHit[kind] ?? 0) + 1;
  const ever = new Set<string>();
  for (const snapshot of strategy.snapshots()) {
    rounds++;
    if (snapshot.volumeShare < 0.999) roundsNarrowed++;
    for (const rule of snapshot.rules) if (rule.origin === "discovered" && (rule.status === "active" || rule.status === "relaxed")) ever.add(rule.id);
  }
  everActive += ever.size;
  if (ever.size > 0) seedsNarrowed++;
  const rules = strategy.rules();
  activeAtEnd += rules.filter((r) => r.origin === "discovered" && r.status === "active").length;
  const sub = buildSubspace(space, rules);
  if (contains(sub, best)) bestInside++;
  if (top.every((z) => contains(sub, z))) topInside++;
}

console.log(`${table.name}, sieve, seeds 0–${seeds - 1}, ${budget} FTE`);
console.log(`first trial to reach the top-1% target, by how it was picked: ${JSON.stringify(firstHit)}`);
console.log(`discovered rules ever active: ${everActive} (in ${seedsNarrowed} of ${seeds} seeds); still active at the end: ${activeAtEnd}`);
console.log(`analysis rounds with the space narrowed: ${roundsNarrowed} of ${rounds}`);
console.log(`final subspace holds the best configuration in ${bestInside} of ${seeds} seeds, every top-1% configuration in ${topInside} of ${seeds}`);
