/**
 * A server stand-in for crash and ownership tests: starts the engine (owning the database), launches one
 * study, and runs until killed. SLOW_COMMAND=1 makes it a command study whose programs take minutes per epoch;
 * BUDGET and EPOCH_DELAY_MS set the table study's epoch budget and its delay per epoch.
 */
import path from "node:path";
import { getEngine } from "../lib/engine/engine";
import { createStudy } from "../lib/engine/studies";

getEngine().start();
const fixture = path.resolve("lib/objectives/test-fixtures/train-fixture.mjs");
const study = createStudy({
  name: "crash test",
  objective: process.env.SLOW_COMMAND ? "command" : "lc-table:digits-mlp",
  strategy: "random+fifo",
  budget: { kind: "epochs", value: Number(process.env.BUDGET ?? 200) },
  parallelism: process.env.SLOW_COMMAND ? 2 : 4,
  seed: 11,
  epochDelayMs: Number(process.env.EPOCH_DELAY_MS ?? 15),
  ...(process.env.SLOW_COMMAND
    ? {
        command: {
          argv: [process.execPath, fixture, "--lr", "{lr}", "--epochs", "{epochs}", "--delay", "600000"],
          cwd: ".",
          metric: "value",
          direction: "minimize" as const,
          maxEpochs: 5,
          space: [{ type: "float" as const, name: "lr", low: 0.01, high: 0.5 }],
          graceMs: 5000,
          timeoutMs: 3_600_000,
        },
      }
    : {}),
});
process.stdout.write(`study ${study.id}\n`);
setInterval(() => {}, 1000);
