import { expect, test } from "@playwright/test";
import type { EffectsResponse } from "../lib/api/explore-schemas";
import type { RuleView, TrialRow } from "../lib/api/schemas";
import { api, screenshot, StudyPage, trackErrors } from "./pages";

test("parallel coordinates: a brushed range becomes a range rule of a tpe+asha study, and every later trial lies inside it", async ({ page, request }) => {
  const errors = trackErrors(page);
  const created = await api.createStudy(request, {
    name: "e2e parallel brush",
    objective: "synthetic:hartmann6",
    strategy: "tpe+asha",
    budget: { kind: "epochs", value: 20_000 },
    parallelism: 4,
    seed: 6,
    patience: 5,
    epochDelayMs: 25,
  });
  const id = created.id;
  const study = new StudyPage(page);
  try {
    await page.goto(`/studies/${id}?tab=explore`);
    await expect(page.getByTestId("study-controls")).toHaveAttribute("data-hydrated", "true");
    await expect.poll(async () => Number(await study.parallel().getAttribute("data-line-count")), { timeout: 40_000 }).toBeGreaterThan(12);

    await study.brushAxis("x2", 0.3, 0.6);
    await expect(study.parallel()).toHaveAttribute("data-brush-count", "1");
    await expect(page.locator('[data-testid="parallel-brush"][data-axis="x2"]')).toBeVisible();
    // Trials outside the brush fade: fewer lines stay active than are drawn.
    const lines = Number(await study.parallel().getAttribute("data-line-count"));
    expect(Number(await study.parallel().getAttribute("data-active-count"))).toBeLessThan(lines);
    await expect(page.locator('[data-testid="parallel-brush-row"][data-axis="x2"]')).toContainText("≤ x2 ≤");
    await screenshot(page, "explore-brushed", { fullPage: false });

    await page.getByTestId("btn-brush-rule-x2").click();
    const ruleId = await study.ruleChanged();
    const rule = (await api.rule(request, id, ruleId)) as RuleView & { param: string; low: number; high: number };
    expect(rule).toMatchObject({ kind: "range", param: "x2", origin: "user", status: "active" });
    // The brush spanned 30%–60% of the axis (x2 runs 0 to 1, linear); the drag's ends land within a few pixels of that.
    expect(rule.low).toBeGreaterThan(0.25);
    expect(rule.low).toBeLessThan(0.35);
    expect(rule.high).toBeGreaterThan(0.55);
    expect(rule.high).toBeLessThan(0.65);
    await expect(study.parallel()).toHaveAttribute("data-brush-count", "0");

    const before = Math.max(...(await api.allTrials(request, id)).map((t) => t.number));
    let later: TrialRow[] = [];
    await expect
      .poll(
        async () => {
          later = (await api.allTrials(request, id)).filter((t) => t.number > before);
          return later.length;
        },
        { timeout: 60_000, intervals: [500] },
      )
      .toBeGreaterThanOrEqual(12);
    const outside = later.filter((t) => (t.params.x2 as number) < rule.low || (t.params.x2 as number) > rule.high).map((t) => `#${t.number}: x2=${t.params.x2}`);
    expect(outside, `later trials outside ${rule.low} ≤ x2 ≤ ${rule.high}`).toEqual([]);
  } finally {
    await api.stopIfRunning(request, id);
  }
  expect(errors).toEqual([]);
});

test("the correlations tab of a tpe+asha study shows importances and a filled heatmap, computed from its stored trials", async ({ page, request }) => {
  test.setTimeout(180_000);
  const errors = trackErrors(page);
  const created = await api.createStudy(request, {
    name: "e2e tpe analysis",
    objective: "synthetic:lr-like",
    strategy: "tpe+asha",
    budget: { kind: "epochs", value: 900 },
    parallelism: 4,
    seed: 2,
    patience: 5,
    epochDelayMs: 0,
  });
  const id = created.id;
  await expect.poll(async () => (await api.study(request, id)).status, { timeout: 120_000, intervals: [500] }).toBe("completed");
  const space = (await api.study(request, id)).space.map((p) => p.name);
  const study = new StudyPage(page);
  for (const width of [1280, 800]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/studies/${id}?tab=correlations`);
    await expect(page.getByTestId("study-controls")).toHaveAttribute("data-hydrated", "true");
    await expect(page.getByTestId("analysis-source")).toHaveAttribute("data-source", "stored");
    await expect(page.getByTestId("analysis-source")).toContainText("tpe+asha");
    await expect(page.getByTestId("importance-row")).toHaveCount(space.length);
    // Every cell is tested: none is hatched.
    await expect(page.locator('[data-testid="heatmap-cell"]:not([data-strength=""])')).toHaveCount(space.length * space.length);
    await expect(page.locator('[data-testid="heatmap-cell"][data-strength=""]')).toHaveCount(0);
    await expect(study.scatter()).toBeVisible();
    await screenshot(page, `tpe-correlations-${width}`);
  }
  // The page shows what the API computed: the most important parameter first.
  const effects = (await (await request.get(`/api/studies/${id}/effects`)).json()) as EffectsResponse;
  const main = effects.snapshot!.effects.filter((e) => e.order === 1).sort((a, b) => Math.abs(b.strength) - Math.abs(a.strength));
  await expect(page.getByTestId("importance-row").first()).toHaveAttribute("data-param", main[0].label);
  await expect(page.getByTestId("importance-row").first()).toHaveAttribute("data-significant", "true");
  expect(errors).toEqual([]);
});
