import { expect, test } from "@playwright/test";
import { api, NewStudyPage, screenshot, StudyPage, trackErrors } from "./pages";

const TAG = "e2e-notes";

test("a study from a file, its notes and tags, the tag filter, and deleting it (refused while it runs)", async ({ page, request }) => {
  const errors = trackErrors(page);
  const form = new NewStudyPage(page);
  await form.goto();
  await page.getByTestId("new-study-mode-file").click();
  const file = page.getByTestId("field-study-file");
  await expect(page.getByTestId("study-file-form")).toHaveAttribute("data-hydrated", "true");

  // A bad file: its problem is shown with its line, and nothing can be launched.
  await file.fill(`name: e2e from a file\nobjective: synthetic:branin\nmethod: random\nbudget: {hours: 3}\ntags: [${TAG}]\n`);
  await page.getByTestId("btn-check-file").click();
  await expect(page.getByTestId("file-issue")).toHaveAttribute("data-line", "4");
  await expect(page.getByTestId("file-issue")).toContainText("budget: must be {epochs: N} or {trials: N}");
  await expect(page.getByTestId("btn-launch-file")).toBeDisabled();

  // Fixed: the preview shows the parsed space and the defaults the file left out.
  await file.fill(`name: e2e from a file\nobjective: synthetic:branin\nmethod: random\nbudget: {trials: 8}\ntags: [${TAG}]\n`);
  await page.getByTestId("btn-check-file").click();
  await expect(page.getByTestId("file-preview-param")).toHaveCount(2);
  await expect(page.locator('[data-testid="file-preview"] [data-fact="strategy"]')).toHaveText("random+fifo");
  await expect(page.locator('[data-testid="file-preview"] [data-fact="parallelism"]')).toHaveText("4");
  await screenshot(page, "40-study-from-file");
  await page.getByTestId("btn-launch-file").click();
  await page.waitForURL(/\/studies\/\d+$/);
  const study = new StudyPage(page);
  const id = study.id();
  await expect(study.status()).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  await expect(page.getByTestId("study-final-value")).not.toHaveText("—");

  // Notes and tags: edited on the page, kept after a reload.
  await page.getByTestId("study-notes").getByTestId("btn-edit-notes").click();
  await page.getByTestId("field-notes").fill("lr looked too high\nnext: narrow it");
  await page.getByTestId("field-tags").fill(`${TAG}, keep`);
  await page.getByTestId("btn-save-notes").click();
  await expect(page.getByTestId("study-notes").getByTestId("notes-text")).toHaveText("lr looked too high\nnext: narrow it");
  await page.reload();
  await expect(page.getByTestId("study-notes").getByTestId("notes-text")).toHaveText("lr looked too high\nnext: narrow it");
  await expect(page.getByTestId("study-notes").getByTestId("tag")).toHaveText([TAG, "keep"]);
  expect((await api.study(request, id)).tags).toEqual([TAG, "keep"]);
  await screenshot(page, "42-study-notes");

  // A running study without the tag: the filter hides it, and it cannot be deleted until it stops.
  const running = await api.createStudy(request, { name: "e2e still running", objective: "synthetic:hartmann6", strategy: "random+fifo", budget: { kind: "trials", value: 100_000 }, parallelism: 1, epochDelayMs: 50 });
  try {
    await page.goto("/");
    await expect(page.locator(`[data-testid="study-row"][data-study-id="${running.id}"]`)).toBeVisible();
    await page.getByTestId("tag-filter").selectOption(TAG);
    await expect(page.locator(`[data-testid="study-row"][data-study-id="${running.id}"]`)).toHaveCount(0);
    await expect(page.locator(`[data-testid="study-row"][data-study-id="${id}"]`)).toBeVisible();
    await expect(page.locator(`[data-testid="study-row"][data-study-id="${id}"] [data-testid="study-row-notes"]`)).toContainText("lr looked too high");
    expect(new URL(page.url()).searchParams.get("tag")).toBe(TAG);
    await screenshot(page, "41-studies-by-tag");

    await study.goto(running.id);
    await page.getByTestId("btn-delete").click();
    await expect(page.getByTestId("delete-confirm")).toContainText("stop it first");
    await expect(page.getByTestId("btn-delete-confirm")).toHaveCount(0);
    const refused = await request.delete(`/api/studies/${running.id}`);
    expect(refused.status()).toBe(409);
    expect((await refused.json()).error).toMatch(/is running; stop it first/);
  } finally {
    await api.stopIfRunning(request, running.id);
  }

  // Deleting the finished study: asked first, then gone from the list and the API.
  await study.goto(id);
  await page.getByTestId("btn-delete").click();
  await expect(page.getByTestId("delete-confirm")).toContainText("cannot be undone");
  await page.getByTestId("btn-delete-confirm").click();
  await page.waitForURL((url) => url.pathname === "/");
  await expect(page.locator(`[data-testid="study-row"][data-study-id="${running.id}"]`)).toBeVisible();
  await expect(page.locator(`[data-testid="study-row"][data-study-id="${id}"]`)).toHaveCount(0);
  expect((await request.get(`/api/studies/${id}`)).status()).toBe(404);
  // The bad file's 400 is the one failed request the browser logs.
  expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
});
