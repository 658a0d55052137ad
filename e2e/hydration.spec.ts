import { expect, test } from "@playwright/test";
import { api, StudyPage, trackErrors } from "./pages";

test("a tab and a Pin pressed before the page has hydrated are kept, and the subspace tab never claims there are no rules", async ({ page, request }) => {
  const errors = trackErrors(page);
  const created = await api.createStudy(request, {
    name: "e2e early pin",
    objective: "synthetic:hartmann6",
    strategy: "sieve",
    budget: { kind: "epochs", value: 20_000 },
    parallelism: 2,
    seed: 4,
    patience: 5,
    epochDelayMs: 25,
  });
  const id = created.id;
  try {
    const rule = await request.post(`/api/studies/${id}/rules`, { data: { kind: "range", param: "x1", low: 0.1, high: 0.9 } });
    expect(rule.ok(), await rule.text()).toBeTruthy();

    // The server's HTML shows the rules as loading, not as absent.
    const html = await (await request.get(`/studies/${id}?tab=subspace`)).text();
    expect(html).toContain('data-testid="rules-loading"');
    expect(html).not.toContain('data-testid="rules-empty"');

    // Hold the page's scripts until the test lets them through, so it can act before hydration.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/_next/static/**/*.js", async (route) => {
      await gate;
      await route.continue().catch(() => {});
    });
    const study = new StudyPage(page);
    await page.goto(`/studies/${id}`, { waitUntil: "commit" });
    await expect(page.getByTestId("tab-subspace")).toBeVisible();
    // A tab is a link: without React it still opens, as a page the server renders.
    await page.getByTestId("tab-subspace").click();
    await page.waitForURL(/\?tab=subspace$/, { waitUntil: "commit" });
    const pinButton = page.getByTestId("btn-pin-x3");
    await expect(pinButton).toBeVisible();
    await expect(pinButton).toBeDisabled();
    await expect(page.getByTestId("pin-value-x3")).toBeDisabled();
    await expect(page.getByTestId("rules-loading")).toBeVisible();
    await expect(page.getByTestId("btn-pause")).toBeDisabled();

    // Pin at the first moment the page allows: the fill and the click wait for the controls to be enabled.
    const pinning = study.pin("x3", "0.42");
    release();
    await pinning;
    const ruleId = await study.ruleChanged();
    await expect(page.getByTestId("pinned-x3")).toContainText("0.42");
    await expect(page.getByTestId("rules-empty")).toHaveCount(0);
    await page.unroute("**/_next/static/**/*.js");

    await page.reload();
    expect(page.url()).toMatch(/\?tab=subspace$/);
    await expect(page.getByTestId("tab-subspace")).toHaveAttribute("aria-selected", "true");
    await expect(page.getByTestId("pinned-x3")).toContainText("0.42");
    await expect(study.ruleRow(ruleId)).toHaveAttribute("data-status", "active");
    const rules = (await api.analysis(request, id)).rules.filter((r) => r.origin === "user" && r.status === "active");
    expect(rules.map((r) => r.kind).sort()).toEqual(["pin", "range"]);
  } finally {
    await api.stopIfRunning(request, id);
  }
  expect(errors).toEqual([]);
});
