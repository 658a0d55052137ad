#!/usr/bin/env bash
# Every strategy of the closing notes on every table, SEEDS seeds each (default 20), then one summary per table.
#   bash bench/compare.sh [SEEDS] [OUT]
# Makes the synthetic tables first (bench/make-synthetic-table.ts, deterministic). Traces go to OUT (default bench/out/compare).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-20}
out=${2:-bench/out/compare}
mkdir -p "$out" bench/out/tables
for shape in fast-lr fast-batch fast-size benign null; do
  [ -f "bench/out/tables/$shape.json" ] || npx tsx bench/make-synthetic-table.ts --shape "$shape" --out "bench/out/tables/$shape.json"
done
table_file() {
  case $1 in
    digits) echo lib/objectives/tables/digits-mlp.json ;;
    wine | breast-cancer) echo "bench/tables/$1-mlp.json" ;;
    *) echo "bench/out/tables/$1.json" ;;
  esac
}
tables=${TABLES:-"digits wine breast-cancer fast-lr fast-batch fast-size benign null"}
strategies=${STRATEGIES:-"sieve random+asha tpe+asha random+hyperband bohb tpe+fifo"}
for t in $tables; do
  for s in $strategies; do
    [ -f "$out/$t-$s.json" ] || npx tsx --conditions=react-server bench/cli.ts --table "$(table_file "$t")" --strategy "$s" --seeds "$seeds" --budget-fte 100 --out "$out/$t-$s.json" 2>/dev/null
  done
done
for t in $tables; do
  optuna=""
  case $t in digits | wine | breast-cancer) optuna=$(ls bench/optuna-$t-mlp/*.json 2>/dev/null || true) ;; esac
  npx tsx --conditions=react-server bench/cli.ts --summary "$out/$t-"*.json $optuna --table "$(table_file "$t")"
  echo
done
