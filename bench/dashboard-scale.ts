/**
 * Dashboard at scale: generates a study of 10,000 trials × 50 epochs
 * (500,000 measurements) with analysis snapshots in a fresh database,
 * serves the built app on it, and measures in Chromium the time from
 * navigation to the heatmap, the subspace view and the race being drawn,
 * and the bytes the page received. Run after a build (`npm run build`, or NEXT_DIST_DIR=... for another folder):
 *
 *   npx tsx --conditions=react-server bench/dashboard-scale.ts [--trials 10000] [--epochs 50]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { closeDb, getDb } from "../db/client";
import { insertStudy, saveRules, saveSnapshots } from "../db/queries";
import { measurements, studies, trials } from "../db/schema";
import { analyzeEffects } from "../lib/optimizer/analysis/effects";
import { deriveRng } from "../lib/optimizer/rng";
import { buildSubspace, volumeShare, type Rule } from "../lib/optimizer/rules";
import { decode, encode, type Space } from "../lib/optimizer/space";
import { eq } from "drizzle-orm";

// Strict: a misspelt option is an error, not a silently ignored word.
const { values: options } = parseArgs({ options: { trials: { type: "string", default: "10000" }, epochs: { type: "string", default: "50" }, port: { type: "string", default: "3199" } } });
const TRIALS = Number(options.trials);
const EPOCHS = Number(options.epochs);
const PORT = Number(options.port);

const space: Space = [
  { type: "float", name: "lr", low: 1e-4, high: 1, log: true },
  { type: "float", name: "momentum", low: 0, high: 0.99 },
  { type: "int", name: "batch_size", low: 16, high: 256, log: true },
  { type: "int", name: "width", low: 16, high: 512, log: true },
  { type: "int", name: "depth", low: 1, high: 4 },
  { type: "float", name: "weight_decay", low: 1e-6, high: 1e-2, log: true },
  { type: "float", name: "dropout", low: 0, high: 0.5 },
  { type: "categorical", name: "activation", choices: ["relu", "tanh", "gelu"] },
];

function generate(file: string): number {
  process.env.HYPERSIEVE_DB = file;
  const db = getDb();
  const started = performance.now();
  const record = insertStudy({
    name: `scale ${TRIALS}×${EPOCHS}`,
    objective: "synthetic:hartmann6",
    metric: "val_loss",
    direction: "minimize",
    strategy: "sieve",
    space,
    budget: { kind: "epochs", value: TRIALS * EPOCHS },
    maxEpochs: EPOCHS,
    parallelism: 8,
    seed: 0,
    patience: null,
    epochDelayMs: 0,
  });
  const rng = deriveRng(0, "scale");
  const observations: { z: number[]; loss: number }[] = [];
  const t = new Date().toISOString();
  let best = Infinity;
  let bestTrialId = 0;
  let bestEpoch = 0;
  db.transaction(() => {
    for (let n = 0; n < TRIALS; n++) {
      const z = space.map(() => rng.next());
      const params = decode(space, z);
      const zz = encode(space, params);
      const final = 0.05 + 2 * (zz[0] - 0.35) ** 2 + 0.5 * (zz[1] - zz[2]) ** 2 + 0.2 * zz[4] + 0.05 * rng.next();
      const speed = 0.05 + 0.3 * zz[0];
      let trialBest = Infinity;
      let trialBestEpoch = 0;
      const values: number[] = [];
      for (let e = 1; e <= EPOCHS; e++) {
        const v = final + 2.3 * Math.exp(-speed * e) + 0.01 * rng.normal();
        values.push(v);
        if (v < trialBest) [trialBest, trialBestEpoch] = [v, e];
      }
      const row = db
        .insert(trials)
        .values({ studyId: record.id, number: n, params, status: "completed", targetEpoch: EPOCHS, lastEpoch: EPOCHS, bestValue: trialBest, bestEpoch: trialBestEpoch, reason: `reached ${EPOCHS} epochs`, createdAt: t, updatedAt: t, finishedAt: t })
        .returning({ id: trials.id })
        .get();
      for (let e = 1; e <= EPOCHS; e++) db.insert(measurements).values({ trialId: row.id, epoch: e, value: values[e - 1], createdAt: t }).run();
      if (trialBest < best) [best, bestTrialId, bestEpoch] = [trialBest, row.id, trialBestEpoch];
      if (n < 400) observations.push({ z: zz, loss: values[2] });
    }
    db.update(studies).set({ status: "completed", bestValue: best, bestTrialId, bestEpoch, epochsSpent: TRIALS * EPOCHS, finishedAt: t }).where(eq(studies.id, record.id)).run();
  });
  const params = space.map((p) => ({ name: p.name, categorical: p.type === "categorical", levels: p.type === "categorical" ? p.choices.length : 0 }));
  const effects = analyzeEffects(observations, params, deriveRng(0, "analysis"), { bootstrap: 60 });
  const rules: Rule[] = [
    { id: "slab:lr", kind: "slab", origin: "discovered", status: "active", params: ["lr"], weights: [1], low: 0.15, high: 0.55, evidence: { statistic: 0.4, p: 0.001, trials: 400, goodOutside: 0, good: 100, summary: "generated for the benchmark" } },
  ];
  const sub = buildSubspace(space, rules);
  saveSnapshots(record.id, [{ round: 0, trials: TRIALS, epoch: 3, observations: observations.length, effects, rules, bounds: sub.box, volumeShare: volumeShare(sub, deriveRng(0, "v")) }]);
  saveRules(record.id, rules);
  closeDb();
  console.log(`generated ${TRIALS} trials × ${EPOCHS} epochs in ${((performance.now() - started) / 1000).toFixed(1)} s (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`);
  return record.id;
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() - start > timeoutMs) throw new Error(`server did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-scale-"));
  const file = path.join(dir, "scale.db");
  const id = generate(file);
  const server = spawn(process.execPath, [path.join("e2e", "serve.mjs"), String(PORT)], {
    env: { ...process.env, HYPERSIEVE_DB: file, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "ignore",
    detached: true,
  });
  try {
    await waitForServer(`http://127.0.0.1:${PORT}/api/objectives`, 60_000);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    // Each view is its own tab of the study page; each is measured from a fresh navigation.
    const views = [
      { name: "race", tab: "race", selector: '[data-testid="race-chart"] svg path' },
      { name: "heatmap", tab: "correlations", selector: '[data-testid="heatmap-cell"]' },
      { name: "subspace", tab: "subspace", selector: '[data-testid^="range-bar-"]' },
    ];
    for (const run of [1, 2, 3]) {
      const parts: string[] = [];
      for (const view of views) {
        const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
        const cdp = await page.context().newCDPSession(page);
        await cdp.send("Network.enable");
        let bytes = 0;
        cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
        const start = performance.now();
        await page.goto(`http://127.0.0.1:${PORT}/studies/${id}?tab=${view.tab}`);
        await page.locator(view.selector).first().waitFor({ state: "visible", timeout: 120_000 });
        const drawn = performance.now() - start;
        // Data still arriving after the view is drawn counts too (polling is off: the study is finished).
        await page.waitForLoadState("networkidle");
        parts.push(`${view.name} ${drawn.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB`);
        if (run === 3) await page.screenshot({ path: path.join("bench", "out", `dashboard-scale-${view.name}.png`), fullPage: true });
        await page.close();
      }
      console.log(`run ${run}: ${parts.join(" · ")}`);
    }
    await browser.close();
  } finally {
    process.kill(-server.pid!, "SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
