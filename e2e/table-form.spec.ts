import { expect, test } from "@playwright/test";
import type { ObjectiveInfo, ParamDef } from "../lib/api/schemas";
import { api, NewStudyPage, screenshot, StudyPage, trackErrors } from "./pages";

const OBJECTIVE = "lc-table:digits-mlp";

test("launches a table study from the form whose every trial takes the table's grid points, a narrowed range included", async ({ page, request }) => {
  const errors = trackErrors(page);
  const objectives = (await (await request.get("/api/objectives")).json()) as ObjectiveInfo[];
  const table = objectives.find((o) => o.id === OBJECTIVE)!;
  const grids = new Map(table.space.flatMap((p: ParamDef) => (p.type !== "categorical" && p.grid ? [[p.name, p.grid] as const] : [])));
  expect(grids.size, "the table's numeric parameters have grids").toBeGreaterThan(0);

  const form = new NewStudyPage(page);
  await form.goto();
  await form.fill({ objective: OBJECTIVE, name: "e2e table grid", budgetKind: "trials", budgetValue: "48", parallelism: "4", seed: "5", epochDelayMs: "0" });
  // The editor shows the grid; narrowing lr's range fades the grid values outside it.
  const lrGrid = page.getByTestId("space-grid-lr");
  await expect(lrGrid.getByTestId("space-grid-value")).toHaveCount(grids.get("lr")!.length);
  await form.setBound("lr", "high", "0.5");
  await expect(lrGrid.locator('[data-testid="space-grid-value"][data-inside="false"]')).toHaveText(["1"]);
  await screenshot(page, "30-table-form-grid");
  const sent = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/api/studies");
  await form.launch();
  // The form itself sends the grids: the narrowed one cut to the range, the untouched ones as the objective has them.
  const body = (await sent).postDataJSON() as { space: ParamDef[] };
  expect(body.space.find((p) => p.name === "lr")).toMatchObject({ log: true, grid: grids.get("lr")!.filter((v) => v <= 0.5) });
  expect(body.space.filter((p) => p.name !== "lr")).toEqual(table.space.filter((p) => p.name !== "lr"));
  await page.waitForURL(/\/studies\/\d+$/);
  const id = new StudyPage(page).id();

  try {
    let trials = await api.allTrials(request, id);
    await expect
      .poll(async () => (trials = await api.allTrials(request, id)).length, { timeout: 90_000, intervals: [500] })
      .toBeGreaterThanOrEqual(36);
    const off = trials.flatMap((t) =>
      [...grids].filter(([name, grid]) => !grid.includes(t.params[name] as number)).map(([name]) => `#${t.number}: ${name}=${t.params[name]}`),
    );
    expect(off, "trial params off the table's grid").toEqual([]);
    expect(trials.filter((t) => (t.params.lr as number) > 0.5).map((t) => t.number), "trials above the narrowed lr range").toEqual([]);
    // The grid keeps the sampler from snapping most trials onto the same few rows.
    const distinct = new Set(trials.map((t) => JSON.stringify(t.params))).size;
    expect(distinct).toBeGreaterThan(trials.length / 2);
    const stored = await api.study(request, id);
    const lr = stored.space.find((p) => p.name === "lr");
    expect(lr).toMatchObject({ type: "float", log: true, grid: grids.get("lr")!.filter((v) => v <= 0.5) });
    const momentum = stored.space.find((p) => p.name === "momentum");
    expect(momentum, "an unedited parameter goes out exactly as the objective defines it").toEqual(table.space.find((p) => p.name === "momentum"));
  } finally {
    await api.stopIfRunning(request, id);
  }
  expect(errors).toEqual([]);
});
