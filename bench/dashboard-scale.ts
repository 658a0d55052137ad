/**
 * Dashboard at scale: writes a study of 10,000 trials × 50 epochs (500,000
 * measurements) and one of 500 trials into a fresh database, serves the
 * built app on it, and measures in Chromium, for every tab of the study page
 * (lib/client/study-tabs.ts, so a new tab is measured without a change here)
 * and for the compare page, the time from navigation to the view drawn and
 * the bytes the page received. Run after a build (`npm run build`, or
 * NEXT_DIST_DIR=... for another folder):
 *
 *   npx tsx --conditions=react-server bench/dashboard-scale.ts [--trials 10000] [--small 500] [--epochs 50] [--runs 3] [--port 3199] [--keep]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Browser, type Page } from "@playwright/test";
import { closeDb, getDb } from "../db/client";
import { insertStudy, saveRules, saveSnapshots } from "../db/queries";
import { STUDY_TABS } from "../lib/client/study-tabs";
import { analyzeEffects } from "../lib/optimizer/analysis/effects";
import { deriveRng } from "../lib/optimizer/rng";
import { buildSubspace, volumeShare, type Rule } from "../lib/optimizer/rules";
import { decode, encode, type Space } from "../lib/optimizer/space";

// Strict: a misspelt option is an error, not a silently ignored word.
const { values: options } = parseArgs({
  options: {
    trials: { type: "string", default: "10000" },
    small: { type: "string", default: "500" },
    epochs: { type: "string", default: "50" },
    runs: { type: "string", default: "3" },
    port: { type: "string", default: "3199" },
    keep: { type: "boolean", default: false },
  },
});
const EPOCHS = Number(options.epochs);
const RUNS = Number(options.runs);
const PORT = Number(options.port);
const SIZES = [Number(options.small), Number(options.trials)];
for (const [name, v] of Object.entries({ trials: SIZES[1], small: SIZES[0], epochs: EPOCHS, runs: RUNS, port: PORT })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, not ${JSON.stringify(options[name as keyof typeof options])}`);
}

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

/** Writes one finished study of `count` trials × EPOCHS epochs straight through the database connection (prepared statements, one transaction). */
function generate(count: number, strategy: string): number {
  const db = getDb();
  const client = db.$client;
  const record = insertStudy({
    name: `scale ${count.toLocaleString("en-US")}×${EPOCHS}`,
    objective: "synthetic:hartmann6",
    metric: "val_loss",
    direction: "minimize",
    strategy,
    space,
    budget: { kind: "epochs", value: count * EPOCHS },
    maxEpochs: EPOCHS,
    parallelism: 8,
    seed: 0,
    patience: null,
    epochDelayMs: 0,
  });
  const rng = deriveRng(count, "scale");
  const observations: { z: number[]; loss: number }[] = [];
  const t = new Date().toISOString();
  const insertTrial = client.prepare(
    "insert into trials (study_id, number, params, status, start_epoch, target_epoch, last_epoch, best_value, best_epoch, reason, created_at, updated_at, finished_at) values (?, ?, ?, 'completed', 0, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertMeasurement = client.prepare("insert into measurements (trial_id, epoch, value, created_at) values (?, ?, ?, ?)");
  let best = Infinity;
  let bestTrialId = 0;
  let bestEpoch = 0;
  client.transaction(() => {
    for (let n = 0; n < count; n++) {
      const z = space.map(() => rng.next());
      const params = decode(space, z);
      const zz = encode(space, params);
      const final = 0.05 + 2 * (zz[0] - 0.35) ** 2 + 0.5 * (zz[1] - zz[2]) ** 2 + 0.2 * zz[4] + 0.05 * rng.next();
      const speed = 0.05 + 0.3 * zz[0];
      const values = Array.from({ length: EPOCHS }, (_, e) => final + 2.3 * Math.exp(-speed * (e + 1)) + 0.01 * rng.normal());
      const trialBest = Math.min(...values);
      const trialBestEpoch = values.indexOf(trialBest) + 1;
      const id = Number(insertTrial.run(record.id, n, JSON.stringify(params), EPOCHS, EPOCHS, trialBest, trialBestEpoch, `reached ${EPOCHS} epochs`, t, t, t).lastInsertRowid);
      values.forEach((v, e) => insertMeasurement.run(id, e + 1, v, t));
      if (trialBest < best) [best, bestTrialId, bestEpoch] = [trialBest, id, trialBestEpoch];
      if (n < 400) observations.push({ z: zz, loss: values[2] });
    }
    client
      .prepare("update studies set status = 'completed', best_value = ?, best_trial_id = ?, best_epoch = ?, epochs_spent = ?, finished_at = ? where id = ?")
      .run(best, bestTrialId, bestEpoch, count * EPOCHS, t, record.id);
  })();
  const params = space.map((p) => ({ name: p.name, categorical: p.type === "categorical", levels: p.type === "categorical" ? p.choices.length : 0 }));
  const effects = analyzeEffects(observations, params, deriveRng(0, "analysis"), { bootstrap: 60 });
  const rules: Rule[] = [
    { id: "slab:lr", kind: "slab", origin: "discovered", status: "active", params: ["lr"], weights: [1], low: 0.15, high: 0.55, evidence: { statistic: 0.4, p: 0.001, trials: 400, goodOutside: 0, good: 100, summary: "generated for the benchmark" } },
  ];
  const sub = buildSubspace(space, rules);
  saveSnapshots(record.id, [{ round: 0, trials: count, epoch: 3, observations: observations.length, effects, rules, bounds: sub.box, volumeShare: volumeShare(sub, deriveRng(0, "v")) }]);
  saveRules(record.id, rules);
  return record.id;
}

/**
 * What "drawn" means for each view: the chart's marks or the table's rows,
 * not a loading state. A tab without an entry here (one added later) counts
 * as drawn once its panel holds an SVG mark, a table row or an empty state
 * and no loading text or busy element.
 */
const DRAWN: Record<string, (page: Page) => Promise<unknown>> = {
  overview: (page) =>
    Promise.all([
      page.locator('[data-testid="curves-chart"] svg path.recharts-curve').first().waitFor(),
      // The history opens by trial number: drawn once its best-so-far line is.
      page.locator('[data-testid="trial-history-best"]').first().waitFor(),
    ]),
  correlations: (page) => page.locator('[data-testid="heatmap-cell"]:not([data-strength=""])').first().waitFor(),
  subspace: (page) => page.locator('[data-testid="rule-row"]').first().waitFor(),
  race: (page) => page.locator('[data-testid="race-chart"][data-rung-count]:not([data-rung-count="0"]) svg path.recharts-curve').first().waitFor(),
  trials: (page) => page.locator('[data-testid="trial-row"]').first().waitFor(),
  // The race's rank checks arrive apart from its chart (judging every kept trial against every dropped one takes a while at scale).
  "race checks": (page) => page.locator('[data-testid="agreement-row"]').first().waitFor(),
  compare: (page) => page.locator('[data-testid="compare-chart"] svg path.recharts-curve').first().waitFor(),
};

function genericDrawn(page: Page): Promise<unknown> {
  return page.waitForFunction(() => {
    const panel = document.querySelector('[role="tabpanel"]');
    if (!panel || panel.querySelector('[aria-busy="true"]') || /loading/i.test((panel as HTMLElement).innerText)) return false;
    return panel.querySelector('svg path, svg rect, svg circle, tbody tr, [data-testid$="-empty"]') !== null;
  });
}

/** Navigation to drawn (wall clock), the page's main-thread task time until then, and KiB received. */
type Figure = { ms: number; busy: number; kib: number };

/** Opens `url` in a fresh page and times navigation → the view drawn; also the bytes received until the network is idle. */
async function measure(browser: Browser, url: string, view: string, shot: string | null): Promise<Figure> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Performance.enable");
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
  const start = performance.now();
  await page.goto(url);
  await (DRAWN[view] ?? genericDrawn)(page);
  const ms = performance.now() - start;
  // Main-thread task time (script, layout, paint) up to the view drawn: the browser's own work, less sensitive than the
  // wall clock to other processes on a shared machine.
  const { metrics } = await cdp.send("Performance.getMetrics");
  const busy = 1000 * (metrics.find((m) => m.name === "TaskDuration")?.value ?? Number.NaN);
  // Data still arriving after the view is drawn counts too (polling is off: the studies are finished).
  await page.waitForLoadState("networkidle");
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  await page.close();
  return { ms, busy, kib: bytes / 1024 };
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-scale-"));
  const file = path.join(dir, "scale.db");
  process.env.HYPERSIEVE_DB = file;
  const started = performance.now();
  // The small study races the large one on the compare page; a different strategy name, as a user would compare.
  const ids = [generate(SIZES[0], "tpe+asha"), generate(SIZES[1], "sieve")];
  closeDb();
  console.log(`generated ${SIZES.map((n) => `${n}×${EPOCHS}`).join(" and ")} in ${((performance.now() - started) / 1000).toFixed(1)} s (${(fs.statSync(file).size / 1e6).toFixed(0)} MB) at ${file}`);
  const server = spawn(process.execPath, [path.join("scripts", "server.mjs")], {
    env: { ...process.env, PORT: String(PORT), HOST: "127.0.0.1", HYPERSIEVE_DB: file, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "ignore",
    detached: true,
  });
  const outDir = path.join("bench", "out");
  fs.mkdirSync(outDir, { recursive: true });
  try {
    await waitForServer(`http://127.0.0.1:${PORT}/api/objectives`, 60_000);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const base = `http://127.0.0.1:${PORT}`;
    // The compare page at each size: the small study alone, then both (the large one's series is the cost).
    const views = [
      ...STUDY_TABS.map((tab) => ({ view: tab as string, url: (k: number) => `${base}/studies/${ids[k]}${tab === "overview" ? "" : `?tab=${tab}`}` })),
      { view: "race checks", url: (k: number) => `${base}/studies/${ids[k]}?tab=race` },
      { view: "compare", url: (k: number) => `${base}/compare?ids=${k === 0 ? ids[0] : ids.join(",")}` },
    ];
    // One warm-up pass, so the first view measured does not pay for the server's first compile of each route.
    for (const v of views) await measure(browser, v.url(0), v.view, null);
    const figures = new Map<string, Figure[]>();
    for (let run = 1; run <= RUNS; run++) {
      for (const v of views) {
        for (const k of [0, 1]) {
          const shot = run === RUNS ? path.join(outDir, `dashboard-scale-${v.view.replace(/ /g, "-")}-${SIZES[k]}.png`) : null;
          const f = await measure(browser, v.url(k), v.view, shot);
          const key = `${v.view}@${k}`;
          figures.set(key, [...(figures.get(key) ?? []), f]);
        }
      }
      console.log(`run ${run} done (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`);
    }
    await browser.close();
    console.log(`\nnavigation → drawn, median of ${RUNS} runs (each run's figures in brackets); main-thread task time until drawn, median; KiB received, median`);
    console.log(`| view | ${SIZES.map((n) => `${n.toLocaleString("en-US")} trials`).join(" | ")} |`);
    console.log(`|---|${SIZES.map(() => "---").join("|")}|`);
    for (const v of views) {
      const cells = [0, 1].map((k) => {
        const fs_ = figures.get(`${v.view}@${k}`)!;
        return `${median(fs_.map((f) => f.ms)).toFixed(0)} ms [${fs_.map((f) => f.ms.toFixed(0)).join(", ")}], busy ${median(fs_.map((f) => f.busy)).toFixed(0)} ms, ${median(fs_.map((f) => f.kib)).toFixed(0)} KiB`;
      });
      console.log(`| ${v.view} | ${cells.join(" | ")} |`);
    }
  } finally {
    process.kill(-server.pid!, "SIGKILL");
    if (options.keep) console.log(`database kept at ${file}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
