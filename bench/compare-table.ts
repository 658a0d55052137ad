/**
 * One markdown table of a bench/compare.sh run: per table and strategy, the
 * median [quartiles] FTE to the top-1% and top-0.1% targets and the missed
 * runs, with the best baseline (every strategy but the sieve, Optuna's runs
 * included) and the sieve's ratio to it.
 *   npx tsx bench/compare-table.ts DIR [TABLE...]
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseLcTable } from "../lib/objectives/lc-table";
import { summarize, type TraceSummary } from "./summary";
import { parseLcTrace } from "./trace";

const FILES: Record<string, string> = {
  digits: "lib/objectives/tables/digits-mlp.json",
  wine: "bench/tables/wine-mlp.json",
  "breast-cancer": "bench/tables/breast-cancer-mlp.json",
};
const tableFile = (t: string) => FILES[t] ?? `bench/out/tables/${t}.json`;

const [dir, ...only] = process.argv.slice(2);
if (!dir) throw new Error("usage: npx tsx bench/compare-table.ts DIR [TABLE...]");
const tables = only.length > 0 ? only : ["digits", "wine", "breast-cancer", "fast-lr", "fast-batch", "fast-size", "benign", "null"];
const cell = (s: TraceSummary, i: number) => `${s.targets[i].median.toFixed(2)} [${s.targets[i].q1.toFixed(2)}, ${s.targets[i].q3.toFixed(2)}] (${s.targets[i].missed}/${s.runs})`;
const out: string[] = [];
for (const t of tables) {
  const table = parseLcTable(JSON.parse(readFileSync(tableFile(t), "utf8")));
  const files = readdirSync(dir).filter((f) => f.startsWith(`${t}-`) && f.endsWith(".json")).map((f) => join(dir, f));
  const optunaDir = `bench/optuna-${t}-mlp`;
  if (existsSync(optunaDir)) files.push(...readdirSync(optunaDir).filter((f) => f.endsWith(".json")).map((f) => join(optunaDir, f)));
  const rows = files.map((f) => {
    const label = f.includes("optuna-") ? `optuna ${basename(f, ".json")}` : basename(f, ".json").slice(t.length + 1);
    return summarize(label, parseLcTrace(JSON.parse(readFileSync(f, "utf8"))), table);
  });
  const sieve = rows.find((r) => r.label === "sieve");
  const others = rows.filter((r) => r !== sieve);
  // The best baseline by median, fewer missed runs breaking ties.
  const best = (i: number) => [...others].sort((a, b) => a.targets[i].median - b.targets[i].median || a.targets[i].missed - b.targets[i].missed)[0];
  out.push(`\n**${t}** (${table.rows.length} configurations, ${table.maxEpochs} epochs)\n`);
  out.push("| strategy | top 1%: median [q1, q3] (missed) | top 0.1%: median [q1, q3] (missed) |", "| --- | --- | --- |");
  for (const r of rows.sort((a, b) => a.targets[0].median - b.targets[0].median)) out.push(`| ${r.label === "sieve" ? "**sieve**" : r.label} | ${cell(r, 0)} | ${cell(r, 1)} |`);
  if (sieve) {
    const [b1, b01] = [best(0), best(1)];
    out.push(`\nsieve ÷ best baseline: top 1% ${(sieve.targets[0].median / b1.targets[0].median).toFixed(2)}× (${b1.label}), top 0.1% ${(sieve.targets[1].median / b01.targets[1].median).toFixed(2)}× (${b01.label})`);
  }
}
console.log(out.join("\n"));
