import { expect, test } from "@playwright/test";
import { api, NewStudyPage, SCREENSHOT_DIR, screenshot, StudiesPage, StudyPage, trackErrors } from "./pages";

const OBJECTIVE = "lc-table:digits-mlp";

test("launches a digits study from the form, watches it run, and finds the same best value after a reload", async ({ page, request }) => {
  const errors = trackErrors(page);
  const studies = new StudiesPage(page);
  await studies.goto();
  await expect(page.getByRole("heading", { name: "Studies", exact: true })).toBeVisible();
  if (await page.getByTestId("studies-empty").isVisible()) await screenshot(page, "00-studies-empty");

  const form = await studies.openNewStudy();
  await form.fill({
    objective: OBJECTIVE,
    name: "e2e digits",
    budgetKind: "epochs",
    budgetValue: "400",
    parallelism: "4",
    seed: "1",
    epochDelayMs: "100",
  });
  await screenshot(page, "01-new-study-form");
  await form.launch();

  await page.waitForURL(/\/studies\/\d+$/);
  const study = new StudyPage(page);
  const id = study.id();
  await expect(page.getByTestId("study-name")).toHaveText("e2e digits");

  // The curves grow while the study runs: at least two increasing readings taken while it is running (100 ms an epoch,
  // four at a time: the study runs about 10 s, long enough for a page on a busy machine to see it twice).
  const readings: number[] = [];
  await expect
    .poll(
      async () => {
        const { status, points } = await study.liveReading();
        if (status === "running" && (readings.length === 0 || points > readings[readings.length - 1])) readings.push(points);
        return readings.length;
      },
      { timeout: 30_000, intervals: [100] },
    )
    .toBeGreaterThanOrEqual(2);
  expect(readings[1]).toBeGreaterThan(readings[0]);
  if ((await study.statusText()) === "running") await screenshot(page, "02-study-running", { fullPage: false });

  await expect(study.status()).toHaveText("completed", { timeout: 90_000 });
  await expect(page.getByTestId("btn-pause")).toHaveCount(0);
  await expect(page.getByTestId("btn-stop")).toHaveCount(0);

  // The final curves arrive with the fetch after completion.
  const curves = await api.curves(request, id);
  const apiPoints = curves.curves.reduce((n, c) => n + c.points.length, 0);
  await expect.poll(() => study.pointCount()).toBe(apiPoints);

  const best = await study.bestValue();
  const curveMin = Math.min(...curves.curves.flatMap((c) => c.points.map(([, v]) => v)));
  expect(best).toBeCloseTo(curveMin, 12);
  const curveCount = await study.curveCount();
  expect(curveCount).toBe(curves.curves.length);
  const trialCount = Number(await page.getByTestId("study-trial-count").textContent());
  expect(trialCount).toBeGreaterThan(0);
  await screenshot(page, "03-study-completed");
  await page.getByTestId("toggle-log-scale").check();
  await expect(study.plot()).toContainText("(log)");
  await study.chart().screenshot({ path: `${SCREENSHOT_DIR}/03b-curves-log-scale.png` });
  await page.getByTestId("toggle-log-scale").uncheck();

  // The trials tab pages through every trial; sorted by best value, the first row is the study's best.
  await study.openTab("trials");
  await expect(page.getByTestId("trials-panel")).toHaveAttribute("data-total", String(trialCount));
  await page.getByTestId("sort-best-value").click();
  await expect(page.getByTestId("sort-best-value")).toContainText("↑");
  await expect.poll(async () => Number(await study.trialRows().first().getAttribute("data-best-value"))).toBeCloseTo(best, 12);
  const rowValues = await study.trialBestValues();
  expect(rowValues.length).toBeGreaterThan(0);
  expect(best).toBeCloseTo(Math.min(...rowValues), 12);
  await expect(page.locator('[data-testid="trial-row"][data-best="true"]')).toHaveCount(1);
  await study.openTab("overview");

  await page.reload();
  await expect(study.status()).toHaveText("completed");
  expect(await study.bestValue()).toBe(best);
  expect(await study.curveCount()).toBe(curveCount);
  expect(await study.pointCount()).toBe(apiPoints);
  await expect(study.plot()).toBeVisible();
  await study.openTab("trials");
  await expect(page.getByTestId("trials-panel")).toHaveAttribute("data-total", String(trialCount));

  await studies.goto();
  const row = page.locator(`[data-testid="study-row"][data-study-id="${id}"]`);
  await expect(row).toContainText("e2e digits");
  await expect(row).toContainText("completed");
  await screenshot(page, "04-studies-list");
  expect(errors).toEqual([]);
});

test("rejects invalid input next to the field and creates no study", async ({ page, request }) => {
  const before = (await api.studies(request)).length;
  const form = new NewStudyPage(page);
  await form.goto();
  await form.fill({ objective: OBJECTIVE, name: "never created", budgetValue: "0" });

  // Checked by the server: the budget must be positive.
  await form.launch();
  await expect(form.fieldError("budget.value")).toBeVisible();
  await expect(form.formError()).toContainText("budget.value");
  await expect(form.launchButton()).toBeEnabled();

  // Checked in the browser: low above high.
  await form.fill({ budgetValue: "400" });
  await form.setBound("lr", "low", "0.5");
  await form.setBound("lr", "high", "0.01");
  await form.launch();
  const lr = await form.paramIndex("lr");
  await expect(form.fieldError(`space.${lr}.low`)).toContainText("lr");
  await expect(form.fieldError("budget.value")).toHaveCount(0);

  // Checked by the server against the objective: a range wider than the objective's.
  await form.setBound("lr", "low", "0.001");
  await form.setBound("lr", "high", "1");
  await form.setBound("dropout", "high", "5");
  await form.launch();
  const dropout = await form.paramIndex("dropout");
  await expect(form.fieldError(`space.${dropout}.high`)).toContainText("dropout");
  await screenshot(page, "05-new-study-errors");

  await expect(page).toHaveURL(/\/studies\/new$/);
  expect((await api.studies(request)).length).toBe(before);
});

test("offers the race's switches, off by default with the reason, only for the race on an objective that can warm start, and says which is off and which schedule step", async ({ page, request }) => {
  const form = new NewStudyPage(page);
  await form.goto();
  const switches = page.getByTestId("race-switches");
  // The replayed table cannot warm start: nothing to switch.
  await form.fill({ objective: OBJECTIVE, strategy: "sieve" });
  await expect(switches).toHaveCount(0);
  await form.fill({ objective: "mlp:wine" });
  await expect(switches).toBeVisible();
  await expect(page.getByTestId("field-warm-start")).not.toBeChecked();
  await expect(page.getByTestId("field-schedules")).not.toBeChecked();
  await expect(page.getByTestId("race-switches-note")).toContainText("off by default");
  await form.fill({ strategy: "random+asha" });
  await expect(switches).toHaveCount(0);

  await form.fill({ name: "e2e wine, no warm starts", strategy: "sieve", budgetKind: "epochs", budgetValue: "100", parallelism: "1", warmStart: false, schedules: true });
  await expect(page.getByTestId("field-schedule-step")).toHaveValue("default");
  await expect(page.getByTestId("schedule-decay")).toHaveCount(0);
  // The step-decay preset fills in the rule, which stays editable.
  await form.fill({ scheduleStep: "step-decay" });
  await expect(page.getByTestId("field-decay-param")).toHaveValue("lr");
  await expect(page.getByTestId("field-decay-from")).toHaveValue("latest");
  await expect(page.getByTestId("field-decay-alongside")).toBeChecked();
  await page.getByTestId("field-decay-factor").fill("0.2");
  await form.launch();
  await page.waitForURL(/\/studies\/\d+$/);
  const study = new StudyPage(page);
  const id = study.id();
  await expect(page.getByTestId("study-warm-start-off")).toHaveText("(warm starts off)");
  await expect(page.getByTestId("study-schedules-off")).toHaveCount(0);
  await expect(page.getByTestId("study-switches-note")).toHaveText(/^Warm starts are off in this study \(off by default: /);
  await expect(page.getByTestId("study-schedule-rule")).toHaveText("Schedules: lr × 0.2 from the latest checkpoint, alongside every leader promoted from the last rung.");
  expect(await api.study(request, id)).toMatchObject({ warmStart: false, schedules: true, scheduleDecay: { param: "lr", factor: 0.2, from: "latest", lastRung: true, alongside: true } });
  await api.stopIfRunning(request, id);
});

test("pauses, resumes and stops a running study", async ({ page, request }) => {
  const errors = trackErrors(page);
  const created = await api.createStudy(request, {
    name: "e2e controls",
    objective: OBJECTIVE,
    strategy: "random+fifo",
    budget: { kind: "epochs", value: 4000 },
    parallelism: 2,
    seed: 2,
    patience: 5,
    epochDelayMs: 100,
  });
  const study = new StudyPage(page);
  await study.goto(created.id);
  await expect(study.status()).toHaveText("running");
  await expect(study.button("resume")).toHaveCount(0);
  await expect.poll(async () => (await study.liveReading()).curves, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  await screenshot(page, "06-study-running-controls");

  await study.button("pause").click();
  await expect(study.status()).toHaveText("paused");
  await expect(study.button("pause")).toHaveCount(0);
  await expect(study.button("resume")).toBeVisible();
  await expect(study.button("stop")).toBeVisible();

  await study.button("resume").click();
  await expect(study.status()).toHaveText("running");
  await expect(study.button("pause")).toBeVisible();
  await expect(study.button("resume")).toHaveCount(0);

  // Stop asks first: cancelling keeps the study running.
  await study.button("stop").click();
  await expect(page.getByTestId("stop-confirm")).toBeVisible();
  await page.getByTestId("btn-stop-cancel").click();
  await expect(page.getByTestId("stop-confirm")).toHaveCount(0);
  await expect(study.status()).toHaveText("running");
  await study.button("stop").click();
  await page.getByTestId("btn-stop-confirm").click();
  await expect(study.status()).toHaveText("stopped");
  await expect(study.button("pause")).toHaveCount(0);
  await expect(study.button("resume")).toHaveCount(0);
  await expect(study.button("stop")).toHaveCount(0);

  // A stopped study stays stopped after a reload, and its curves stop growing.
  await page.reload();
  await expect(study.status()).toHaveText("stopped");
  // No trial is left running or paused, and the page shows every point the server has.
  const trials = await api.allTrials(request, created.id);
  expect(trials.filter((t) => t.status === "running" || t.status === "paused").map((t) => `#${t.number} ${t.status}`)).toEqual([]);
  const curves = await api.curves(request, created.id);
  await expect.poll(() => study.pointCount()).toBe(curves.curves.reduce((n, c) => n + c.points.length, 0));
  expect(errors).toEqual([]);
});
