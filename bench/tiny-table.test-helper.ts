/** Test fixture: a hand-made lc-table/1 table small enough to work out replays by hand. */
import { parseLcTable, type LcTable } from "../lib/objectives/lc-table";

/** x on a log grid {1, 2, 4}, c in {a, b}; 4 epochs. Row (2, a) holds the table's best, which the script never visits. */
export function tinyTable(direction: "minimize" | "maximize" = "minimize"): LcTable {
  const curves: Record<string, number[]> = {
    "1a": [0.9, 0.7, 0.6, 0.65],
    "4b": [0.8, 0.75, 0.5, 0.55],
    "2a": [0.3, 0.2, 0.1, 0.1],
  };
  const rows = [];
  for (const x of [1, 2, 4]) for (const c of ["a", "b"]) rows.push({ params: { x, c }, curves: { loss: curves[`${x}${c}`] ?? [1, 1, 1, 1] } });
  return parseLcTable({
    format: "lc-table/1",
    name: "tiny",
    metric: "loss",
    direction,
    max_epochs: 4,
    space: [
      { name: "x", type: "float", log: true, values: [1, 2, 4] },
      { name: "c", type: "categorical", values: ["a", "b"] },
    ],
    rows,
  });
}
