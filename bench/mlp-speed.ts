/**
 * Seconds per training epoch of the built-in MLP on digits (1257 training
 * rows), depth 2, batch 32, for widths 64 and 256, with SGD and Adam; the
 * validation pass is included, as it is in every reported epoch.
 * Run with `npx tsx bench/mlp-speed.ts`. Prints figures, never fails on them.
 */
import { loadDataset } from "../lib/objectives/mlp/dataset";
import { createModel, evaluate, trainEpoch } from "../lib/objectives/mlp/epoch";
import { mlpConfig } from "../lib/objectives/mlp/trainer";

const EPOCHS = 4;

/** Wall-clock and CPU seconds per epoch; CPU time is the steadier figure on a busy machine. */
function secondsPerEpoch(width: number, optimizer: "sgd" | "adam"): { wall: number; cpu: number } {
  const dataset = loadDataset("digits");
  const config = mlpConfig({ width, depth: 2, batch_size: 32, optimizer, lr: 0.01, activation: "relu" });
  const spec = { inputs: dataset.features, classes: dataset.classes, width, depth: 2, activation: config.activation, dropout: 0 };
  const model = createModel(spec, optimizer, 1);
  // One epoch first, so the JIT has compiled the hot loops before timing.
  trainEpoch(model, dataset.train, config.optimizer, config.batchSize, 1, 0);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    trainEpoch(model, dataset.train, config.optimizer, config.batchSize, 1, epoch);
    evaluate(model, dataset.validation);
  }
  const cpu = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000 / EPOCHS, cpu: (cpu.user + cpu.system) / 1e6 / EPOCHS };
}

console.log("MLP on digits, depth 2, batch 32: seconds per epoch (train + validation)");
for (const width of [64, 256]) {
  for (const optimizer of ["sgd", "adam"] as const) {
    const { wall, cpu } = secondsPerEpoch(width, optimizer);
    console.log(`  width ${String(width).padStart(3)}  ${optimizer.padEnd(4)}  ${wall.toFixed(3)} s wall  ${cpu.toFixed(3)} s cpu`);
  }
}
