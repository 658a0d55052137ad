import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3107);
const dbFile = path.join(__dirname, ".e2e", `e2e-${port}.db`);
// The tests read what the shared server stored (e2e/pages.ts storedObjectiveConfig); the workers inherit it.
process.env.E2E_DB_FILE = dbFile;
// The server token of every server the tests start (the shared one and those of e2e/server.ts): set once here, in
// the runner, so its workers inherit the same value; browsers and API requests send it as a bearer token.
process.env.HYPERSIEVE_TOKEN ??= `e2e_${randomBytes(18).toString("base64url")}`;
const token = process.env.HYPERSIEVE_TOKEN;

export default defineConfig({
  testDir: "e2e",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  outputDir: `test-results/artifacts-${port}`,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium" }],
  // E2E_NO_SERVER=1 runs tests that start their own servers (crash, load) without the shared one.
  webServer: process.env.E2E_NO_SERVER ? undefined : {
    // A fresh database every run, so counts and ids are predictable.
    command: `mkdir -p .e2e && rm -f ${dbFile} ${dbFile}-wal ${dbFile}-shm && npm run build && node scripts/start.mjs`,
    url: `http://127.0.0.1:${port}/api/objectives`,
    reuseExistingServer: false,
    // next build and start take 35–55 s on an idle 2-core machine, several minutes when four builds share it.
    timeout: 600_000,
    stdout: "pipe",
    stderr: "pipe",
    // As users run it (npm start), on the test port.
    env: { HOST: "127.0.0.1", PORT: String(port), HYPERSIEVE_TOKEN: token, HYPERSIEVE_DB: dbFile, NEXT_TELEMETRY_DISABLED: "1", NEXT_DIST_DIR: process.env.E2E_DIST_DIR ?? ".next-e2e" },
  },
});
