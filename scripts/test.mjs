// Runs the unit tests (vitest) and the end-to-end tests (Playwright in Chromium),
// then prints one summary line "N passed, N failed" from both runners' JSON reports.
// Exits non-zero when either runner fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

mkdirSync("test-results", { recursive: true });
for (const f of ["test-results/unit.json", "test-results/e2e.json"]) rmSync(f, { force: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function run(title, command, args) {
  console.log(`\n=== ${title}: ${command} ${args.join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env });
  console.log(`=== ${title} took ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${result.status}`);
  return result.status === 0;
}

const unitOk = run("unit tests", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/unit.json"]);
const e2eOk = process.env.SKIP_E2E ? true : run("end-to-end tests", "npx", ["playwright", "test"]);

function counts(file, read) {
  if (!existsSync(file)) return { passed: 0, failed: 1 };
  try {
    return read(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return { passed: 0, failed: 1 };
  }
}
const unit = counts("test-results/unit.json", (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests }));
const e2e = process.env.SKIP_E2E
  ? { passed: 0, failed: 0 }
  : counts("test-results/e2e.json", (r) => ({ passed: r.stats.expected + (r.stats.flaky ?? 0), failed: r.stats.unexpected + (r.errors?.length ?? 0) }));
const passed = unit.passed + e2e.passed;
// A runner that failed without a failing test (it crashed, or a suite did not load) still counts as a failure.
const failed = unit.failed + e2e.failed + (unitOk || unit.failed > 0 ? 0 : 1) + (e2eOk || e2e.failed > 0 ? 0 : 1);
console.log(`\nunit: ${unit.passed} passed, ${unit.failed} failed; end-to-end: ${e2e.passed} passed, ${e2e.failed} failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(unitOk && e2eOk ? 0 : 1);
