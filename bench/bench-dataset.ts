/**
 * The datasets the training benches accept: the app's shipped ones and the
 * bench-only synthetic task (`synthetic-noisy`, see synthetic-noisy.ts),
 * which the app neither lists nor offers.
 */
import { DATASET_IDS, loadDataset, type Dataset, type DatasetId } from "../lib/objectives/mlp/dataset";
import { SYNTHETIC_NOISY, syntheticDataset, type SyntheticDesign } from "./synthetic-noisy";

/** Every dataset id a bench accepts. */
export const BENCH_DATASET_IDS: readonly string[] = [...DATASET_IDS, "synthetic-noisy"];

/**
 * Parses `key=value,...` overrides of the synthetic design (e.g.
 * `trainRows=40000,condition=1e3`), for trying designs with the probe.
 */
export function syntheticDesign(overrides: string | undefined): SyntheticDesign {
  const design: SyntheticDesign = { ...SYNTHETIC_NOISY };
  for (const pair of overrides ? overrides.split(",") : []) {
    const [key, value] = pair.split("=");
    if (!(key in design) || !Number.isFinite(Number(value))) throw new Error(`--synthetic: '${pair}' is not key=number with key one of ${Object.keys(design).join(", ")}`);
    design[key as keyof SyntheticDesign] = Number(value);
  }
  return design;
}

/** Loads a bench dataset by id; the synthetic one is generated (about a second) from its design. */
export function loadBenchDataset(id: string, design: SyntheticDesign = SYNTHETIC_NOISY): Dataset {
  if (id === "synthetic-noisy") return syntheticDataset(id, design);
  if (!DATASET_IDS.includes(id as DatasetId)) throw new Error(`--dataset must be one of ${BENCH_DATASET_IDS.join(", ")}, got ${id}`);
  return loadDataset(id as DatasetId);
}
