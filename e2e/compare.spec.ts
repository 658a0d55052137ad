import { expect, test } from "@playwright/test";
import { ComparePage } from "./compare-page";
import { api, screenshot, trackErrors } from "./pages";

const TABLE = "lc-table:digits-mlp";
const finished = (status: string) => status === "completed" || status === "stopped";

test("two studies ticked on the list race on one chart: both legends, both lines, the table's values as the API has them", async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = trackErrors(page);
  const common = { objective: TABLE, budget: { kind: "epochs", value: 900 }, parallelism: 4, seed: 11, patience: 5, epochDelayMs: 0 };
  const sieve = await api.createStudy(request, { ...common, name: "e2e compare sieve", strategy: "sieve" });
  const tpe = await api.createStudy(request, { ...common, name: "e2e compare tpe", strategy: "tpe+asha" });
  for (const s of [sieve, tpe]) await expect.poll(async () => (await api.study(request, s.id)).status, { timeout: 120_000, intervals: [500] }).toBe("completed");

  // From the studies list: tick both, press Compare.
  await page.goto("/");
  for (const s of [sieve, tpe]) await page.locator(`[data-testid="study-row"][data-study-id="${s.id}"]`).getByTestId("compare-tick").check();
  await expect(page.getByTestId("compare-hint")).toHaveText("2 ticked");
  await page.getByTestId("btn-compare").click();
  await page.waitForURL(/\/compare\?ids=/);
  const ids = new URL(page.url()).searchParams.get("ids")!.split(",").map(Number).sort((a, b) => a - b);
  expect(ids).toEqual([sieve.id, tpe.id].sort((a, b) => a - b));

  const compare = new ComparePage(page);
  await expect(compare.legendItems()).toHaveCount(2);
  for (const s of [sieve, tpe]) {
    const item = page.locator(`[data-testid="compare-legend-item"][data-study-id="${s.id}"]`);
    await expect(item).toContainText(s.name);
    await expect(item).toContainText(s.strategy);
    // The line is drawn, in the legend's colour.
    const line = compare.line(s.id);
    await expect(line).toHaveCount(1);
    expect((await line.getAttribute("d"))?.length ?? 0).toBeGreaterThan(20);
    expect(await line.getAttribute("stroke")).toBe(await item.getAttribute("data-colour"));
  }
  await expect(compare.chart()).toHaveAttribute("data-series-count", "2");
  const colours = await compare.legendItems().evaluateAll((items) => items.map((i) => i.getAttribute("data-colour")));
  expect(new Set(colours).size, "one colour per study").toBe(2);

  // The table and the series agree with each study's own summary.
  const { series } = await ComparePage.fetch(request, ids);
  for (const s of series) {
    const own = await api.study(request, s.study.id);
    expect(await compare.cell(own.id, "compare-best")).toBe(own.bestValue);
    expect(await compare.cell(own.id, "compare-epochs")).toBe(own.epochsSpent);
    expect(await compare.cell(own.id, "compare-trials")).toBe(own.trialCount);
    // Best-so-far ends at the study's best; its x runs over the epochs measured, strictly improving.
    expect(s.points.at(-1)![1]).toBe(own.bestValue);
    expect(s.epochs).toBe(own.epochsSpent);
    for (let i = 1; i < s.points.length; i++) {
      expect(s.points[i][0]).toBeGreaterThan(s.points[i - 1][0]);
      expect(s.points[i][1]).toBeLessThan(s.points[i - 1][1]);
    }
  }

  // FTE by default; epochs on request.
  await expect(compare.chart()).toHaveAttribute("data-unit", "fte");
  await expect(compare.chart()).toContainText("FTE = epochs / max epochs");
  await page.getByTestId("compare-unit-epochs").click();
  await expect(compare.chart()).toHaveAttribute("data-unit", "epochs");
  await expect(compare.chart()).toContainText("epochs spent");
  await screenshot(page, "40-compare-two-studies");
  expect(errors).toEqual([]);
});

test("the compare page follows a running study, opens before hydration, and says what is missing", async ({ page, request }) => {
  test.setTimeout(120_000);
  const errors = trackErrors(page);
  const running = await api.createStudy(request, { name: "e2e compare live", objective: TABLE, strategy: "random+asha", budget: { kind: "epochs", value: 100_000 }, parallelism: 1, seed: 3, epochDelayMs: 40 });
  try {
    const compare = new ComparePage(page);
    await compare.goto([running.id]);
    const epochs = () => compare.cell(running.id, "compare-epochs");
    const first = await epochs();
    // Polling while the study runs: the epochs spent grow without a reload, and the line appears.
    await expect.poll(epochs, { timeout: 30_000 }).toBeGreaterThan(first);
    await expect(compare.line(running.id)).toHaveCount(1);
  } finally {
    await api.stopIfRunning(request, running.id);
  }
  await expect.poll(async () => finished((await api.study(request, running.id)).status)).toBe(true);

  // Before hydration the list's Compare is a plain form: ticking and pressing it still opens the comparison.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/**/*.js", async (route) => {
    await gate;
    await route.continue().catch(() => {});
  });
  await page.goto("/", { waitUntil: "commit" });
  await page.locator(`[data-testid="study-row"][data-study-id="${running.id}"]`).getByTestId("compare-tick").check();
  await page.getByTestId("btn-compare").click();
  await page.waitForURL(new RegExp(`/compare\\?ids=${running.id}$`), { waitUntil: "commit" });
  await expect(page.locator(`[data-testid="compare-legend-item"][data-study-id="${running.id}"]`)).toBeVisible();
  release();
  await page.unroute("**/_next/static/**/*.js");

  // Empty, bad and partly missing choices each say so.
  await page.goto("/compare");
  await expect(page.getByTestId("compare-empty")).toContainText("Tick two or more studies");
  await page.goto("/compare?ids=1,abc");
  await expect(page.getByTestId("compare-problem")).toContainText("decimal digits");
  await page.goto(`/compare?ids=${running.id},999999`);
  await expect(page.getByTestId("compare-missing")).toContainText("Study 999999 does not exist");
  await expect(page.getByTestId("compare-legend-item")).toHaveCount(1);
  const bad = await request.get("/api/compare?ids=999999");
  expect(bad.status()).toBe(404);
  expect((await bad.json()).error).toBe("study 999999 does not exist");
  expect(errors).toEqual([]);
});
