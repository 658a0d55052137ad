/** A server stand-in for crash tests: starts the engine, launches one study, and runs until killed. */
import { getEngine } from "../lib/engine/engine";
import { createStudy } from "../lib/engine/studies";

getEngine().start();
const study = createStudy({
  name: "crash test",
  objective: "lc-table:digits-mlp",
  strategy: "random+fifo",
  budget: { kind: "epochs", value: Number(process.env.BUDGET ?? 200) },
  parallelism: 4,
  seed: 11,
  epochDelayMs: 15,
});
process.stdout.write(`study ${study.id}\n`);
setInterval(() => {}, 1000);
