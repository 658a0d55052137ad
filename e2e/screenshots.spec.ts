import { expect, test, type Page } from "@playwright/test";
import { STUDY_TABS } from "../lib/client/study-tabs";
import { ComparePage } from "./compare-page";
import { api, screenshot, StudyPage, trackErrors } from "./pages";

const WIDTHS = [1280, 800];
// Every tab of the study page, so a tab added later is photographed too.
const TABS: readonly string[] = STUDY_TABS;

/** What each tab shows once its data has loaded, so a screenshot never catches a loading state; a tab not named here waits until its panel says nothing is loading. */
async function loaded(page: Page, tab: string): Promise<void> {
  if (tab === "overview") {
    await expect.poll(async () => Number(await page.getByTestId("curves-chart").getAttribute("data-point-count"))).toBeGreaterThan(0);
    await expect.poll(async () => Number(await page.getByTestId("trial-history").getAttribute("data-point-count"))).toBeGreaterThan(0);
  } else if (tab === "explore") {
    await expect.poll(async () => Number(await page.getByTestId("parallel-coordinates").getAttribute("data-line-count"))).toBeGreaterThan(0);
    await expect.poll(async () => Number(await page.getByTestId("contour").getAttribute("data-cells"))).toBeGreaterThan(0);
  } else if (tab === "correlations") {
    await expect(page.locator('[data-testid="heatmap-cell"]:not([data-strength=""])').first()).toBeVisible();
    await expect(page.getByTestId("pair-scatter")).toBeVisible();
  } else if (tab === "subspace") {
    await expect(page.getByTestId("rules-loading")).toHaveCount(0);
    await expect(page.getByTestId("rule-row").first()).toBeVisible();
  } else if (tab === "race") {
    await expect.poll(async () => Number(await page.getByTestId("race-chart").getAttribute("data-rung-count"))).toBeGreaterThan(0);
    await expect(page.getByTestId("entry-rung")).toBeVisible();
  } else if (tab === "trials") {
    await expect(page.getByTestId("trial-row").first()).toBeVisible();
  } else {
    await expect(page.getByRole("tabpanel")).toBeVisible();
    await expect(page.getByRole("tabpanel")).not.toContainText(/loading/i);
  }
}

test("screenshots of the studies list, every study tab, the compare page, the form and a trial at 1280 and 800 px wide", async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = trackErrors(page);
  const created = await api.createStudy(request, {
    name: "e2e screenshots",
    objective: "lc-table:digits-mlp",
    strategy: "sieve",
    budget: { kind: "epochs", value: 1500 },
    parallelism: 4,
    seed: 7,
    patience: 5,
    epochDelayMs: 0,
  });
  const id = created.id;
  // A rule of the user's, so the subspace tab has a rule whether or not the sieve's rounds find one on this short study (they usually do; it depends on the trials a run happens to take).
  const ruled = await request.post(`/api/studies/${id}/rules`, { data: { kind: "range", param: "lr", low: 0.001, high: 0.3 } });
  expect(ruled.status(), await ruled.text()).toBeLessThan(300);
  // A rival on the same table, for the compare page.
  const rival = await api.createStudy(request, { name: "e2e screenshots tpe", objective: "lc-table:digits-mlp", strategy: "tpe+asha", budget: { kind: "epochs", value: 1500 }, parallelism: 4, seed: 7, patience: 5, epochDelayMs: 0 });
  for (const s of [id, rival.id]) await expect.poll(async () => (await api.study(request, s)).status, { timeout: 120_000, intervals: [500] }).toBe("completed");
  const analysis = await api.analysis(request, id);
  expect(analysis.snapshots.length, "the sieve ran analysis rounds").toBeGreaterThan(0);
  // A finished study has no trial left paused or running.
  const trials = await api.allTrials(request, id);
  expect(trials.filter((t) => t.status === "paused" || t.status === "running").map((t) => `#${t.number} ${t.status}`)).toEqual([]);

  const study = new StudyPage(page);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const tab of TABS) {
      await page.goto(tab === "overview" ? `/studies/${id}` : `/studies/${id}?tab=${tab}`);
      await expect(page.getByTestId("study-controls")).toHaveAttribute("data-hydrated", "true");
      await expect(page.getByTestId(`tab-${tab}`)).toHaveAttribute("aria-selected", "true");
      await loaded(page, tab);
      await screenshot(page, `tab-${tab}-${width}`);
    }
    // The history by epochs spent, on a log scale; and the sieve's study through the tests on all its stored trials.
    await page.goto(`/studies/${id}`);
    await expect(page.getByTestId("study-controls")).toHaveAttribute("data-hydrated", "true");
    await page.getByTestId("history-log-y").check();
    await expect(page.getByTestId("trial-history")).toHaveAttribute("data-log", "true");
    await page.getByTestId("history-by-epochs").click();
    await expect.poll(async () => Number(await page.getByTestId("history-chart").getAttribute("data-point-count"))).toBeGreaterThan(0);
    await expect(page.getByTestId("history-chart")).toHaveAttribute("data-log", "true");
    await screenshot(page, `history-epochs-log-${width}`, { fullPage: false });
    await page.goto(`/studies/${id}?tab=correlations`);
    await expect(page.getByTestId("study-controls")).toHaveAttribute("data-hydrated", "true");
    await page.getByTestId("analysis-source-stored").click();
    await expect(page.getByTestId("importance-row").first()).toBeVisible();
    await screenshot(page, `correlations-stored-${width}`);
    await page.goto("/");
    await expect(page.getByTestId("study-row").first()).toBeVisible();
    await screenshot(page, `studies-${width}`);
    const compare = new ComparePage(page);
    await compare.goto([id, rival.id]);
    for (const s of [id, rival.id]) await expect(compare.line(s)).toHaveCount(1);
    await screenshot(page, `compare-${width}`);
    await page.goto("/studies/new");
    await expect(page.getByTestId("new-study-form")).toHaveAttribute("data-hydrated", "true");
    await page.getByTestId("field-objective").selectOption("lc-table:digits-mlp");
    await screenshot(page, `form-${width}`);
    const best = (await api.study(request, id)).bestTrial!;
    await page.goto(`/studies/${id}/trials/${best}`);
    await expect(page.getByTestId("trial-title")).toHaveText(`Trial #${best}`);
    await expect.poll(async () => Number(await page.getByTestId("trial-curve").getAttribute("data-point-count"))).toBeGreaterThan(0);
    await screenshot(page, `trial-${width}`);
  }
  await study.goto(id);
  expect(errors).toEqual([]);
});
