import { expect, test } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import type { ParamDef, TrialDetail } from "../lib/api/schemas";
import { api, NewStudyPage, screenshot, storedObjectiveConfig, StudyPage, trackErrors } from "./pages";

/** The repository's plain-Node example; the server's working directory is the repository root, so its cwd "." works. */
const example = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "examples", "node", "command.json"), "utf8")) as {
  argv: string[];
  cwd: string;
  space: ParamDef[];
};

test("launches a command study of the Node example from the form and watches it train to completion", async ({ page, request }) => {
  const errors = trackErrors(page);
  const form = new NewStudyPage(page);
  await form.goto();
  await form.fill({ objective: "command", name: "e2e node command", strategy: "random+asha", budgetKind: "epochs", budgetValue: "60", parallelism: "2", seed: "3" });
  // The form offers the API's default protocol, a new process per job.
  await expect(page.getByTestId("field-command-protocol")).toHaveValue("per-job");
  await expect(form.protocolLine()).toContainText("A new process for every job");
  await form.fillCommand({ argv: example.argv, cwd: example.cwd, metric: "value", direction: "minimize", maxEpochs: "10" });
  await form.setSpace(example.space);
  await expect(page.getByTestId("space-row")).toHaveCount(example.space.length);
  await screenshot(page, "command-01-form");
  await form.launch();

  await page.waitForURL(/\/studies\/\d+$/);
  const study = new StudyPage(page);
  const id = study.id();
  await expect(page.getByTestId("study-name")).toHaveText("e2e node command");
  const created = await api.study(request, id);
  expect(created).toMatchObject({ objective: "command", maxEpochs: 10, strategy: "random+asha", metric: "value", direction: "minimize" });
  expect(created.space).toEqual(example.space);
  expect(storedObjectiveConfig(id)).toMatchObject({ argv: example.argv, protocol: "per-job" });

  // Every distinct point count the page shows, in order, until the study completes: the curves must grow.
  const readings: number[] = [];
  let runningShot = false;
  await expect
    .poll(
      async () => {
        const { status, points } = await study.liveReading();
        const shown = Number.isFinite(points) ? points : 0;
        if (readings.length === 0 || shown > readings[readings.length - 1]) readings.push(shown);
        if (status === "running" && shown > 0 && !runningShot) {
          runningShot = true;
          await screenshot(page, "command-02-running", { fullPage: false });
        }
        return status;
      },
      { timeout: 90_000, intervals: [100] },
    )
    .toBe("completed");
  expect(readings.length, `point counts seen: ${readings.join(", ")}`).toBeGreaterThanOrEqual(2);
  expect(readings[readings.length - 1]).toBeGreaterThan(readings[0]);

  const curves = await api.curves(request, id);
  const apiPoints = curves.curves.reduce((n, c) => n + c.points.length, 0);
  await expect.poll(() => study.pointCount()).toBe(apiPoints);
  expect(Math.max(...curves.curves.flatMap((c) => c.points.map(([epoch]) => epoch)))).toBeLessThanOrEqual(10);
  const best = await study.bestValue();
  expect(best).toBeCloseTo(Math.min(...curves.curves.flatMap((c) => c.points.map(([, v]) => v))), 12);
  expect(best).toBeGreaterThan(0);
  expect(best).toBeLessThan(1);

  // The program's other JSON keys arrive as extra metrics, and every trial ran without failing.
  const trials = await api.allTrials(request, id);
  expect(trials.filter((t) => t.status === "failed").map((t) => t.reason)).toEqual([]);
  const first = await request.get(`/api/studies/${id}/trials/${trials[0].number}`);
  expect(first.ok()).toBeTruthy();
  expect(Object.keys(((await first.json()) as TrialDetail).extra)).toEqual(expect.arrayContaining(["accuracy", "train_loss"]));

  await expect(study.plot()).toBeVisible();
  await screenshot(page, "command-03-completed");
  expect(errors).toEqual([]);
});

test("launches a command study under the protocol chosen in the form, which the study keeps and its program speaks", async ({ page, request }) => {
  const errors = trackErrors(page);
  const form = new NewStudyPage(page);
  await form.goto();
  await form.fill({ objective: "command", name: "e2e worker protocol", strategy: "random+asha", budgetKind: "epochs", budgetValue: "40", parallelism: "2", seed: "5" });
  // The Node example speaks all three protocols (docs/command-protocol.md).
  await form.fillCommand({ argv: example.argv, cwd: example.cwd, protocol: "worker", maxEpochs: "10" });
  await expect(form.protocolLine()).toContainText("another trial's job");
  await form.setSpace(example.space);
  await screenshot(page, "command-01b-protocol");
  await form.launch();

  await page.waitForURL(/\/studies\/\d+$/);
  const id = new StudyPage(page).id();
  expect(storedObjectiveConfig(id)).toMatchObject({ argv: example.argv, protocol: "worker" });
  await expect.poll(async () => (await api.study(request, id)).status, { timeout: 90_000 }).toBe("completed");
  const trials = await api.allTrials(request, id);
  expect(trials.length).toBeGreaterThan(0);
  expect(trials.filter((t) => t.status === "failed").map((t) => t.reason)).toEqual([]);
  expect(errors).toEqual([]);
});

test("launches an agent study and shows its token once, with the command line that starts an agent", async ({ page, request }) => {
  const errors = trackErrors(page);
  const form = new NewStudyPage(page);
  await form.goto();
  await form.fill({ objective: "agent", name: "e2e agents", budgetKind: "epochs", budgetValue: "40" });
  await form.fillAgent({ metric: "loss", maxEpochs: "4", leaseSeconds: "30", requeue: true });
  await form.setSpace([
    { type: "float", name: "lr", low: 0.0001, high: 0.1, log: true },
    { type: "categorical", name: "optimizer", choices: ["adam", "sgd"] },
  ]);
  await screenshot(page, "command-04-agent-form");
  await form.launch();

  // The page stays on the form's URL and shows the token instead of navigating away.
  await expect(form.agentToken()).toHaveText(/^hs_[A-Za-z0-9_-]{20,}$/);
  await expect(page).toHaveURL(/\/studies\/new$/);
  const token = (await form.agentToken().textContent())!;
  const id = Number(await page.getByTestId("agent-token-panel").getAttribute("data-study-id"));
  expect(id).toBeGreaterThan(0);
  const origin = new URL(page.url()).origin;
  // The one-file agent, downloaded from this very server: a cluster node needs only Node.
  await expect(form.agentCommand()).toHaveText(
    [
      `curl -fsS ${origin}/api/agent/download -o hypersieve-agent.mjs`,
      `HYPERSIEVE_TOKEN=${token} node hypersieve-agent.mjs --server ${origin} --study ${id} -- python train.py --lr {lr} --optimizer {optimizer}`,
    ].join("\n"),
  );
  const download = await request.get(`${origin}/api/agent/download`, { headers: { authorization: "" } });
  expect(download.status()).toBe(200);
  expect(await download.text()).toMatch(/^#!\/usr\/bin\/env node\n/);
  await expect(page.getByTestId("agent-token-panel")).toContainText("it is not shown again");
  await screenshot(page, "command-05-agent-token");

  try {
    const stored = await api.study(request, id);
    expect(stored).toMatchObject({ objective: "agent", name: "e2e agents", metric: "loss", maxEpochs: 4, status: "running" });
    expect(stored.agentToken).toBeUndefined();

    // The token shown is the one the server accepts, and only it.
    const claim = (authorization: string) => request.post("/api/agent/claim", { data: { study: id, agent: "e2e-agent" }, headers: { authorization } });
    expect((await claim("Bearer hs_not-the-token")).status()).toBe(401);
    const claimed = await claim(`Bearer ${token}`);
    expect(claimed.status(), await claimed.text()).toBe(200);

    await form.openStudyButton().click();
    await page.waitForURL(new RegExp(`/studies/${id}$`));
    const study = new StudyPage(page);
    await expect(study.status()).toHaveText("running");
    await expect(page.getByTestId("study-name")).toHaveText("e2e agents");
    expect(await page.content()).not.toContain(token);
    await screenshot(page, "command-06-agent-study", { fullPage: false });
    expect(errors).toEqual([]);
  } finally {
    await api.stopIfRunning(request, id);
  }
});

test("flags a bad command next to its fields, in the browser and from the server, and creates no study", async ({ page, request }) => {
  const before = (await api.studies(request)).length;
  const form = new NewStudyPage(page);
  await form.goto();
  await form.fill({ objective: "command", name: "never created" });

  // Checked in the browser: an empty command.
  await form.fillCommand({ argv: [] });
  await form.launch();
  await expect(form.fieldError("command.argv")).toBeVisible();

  // Checked in the browser: an unknown placeholder, a name used twice, low above high, a max epochs that is no number.
  await form.fillCommand({ argv: ["node", "train.mjs", "--lr={learning_rate}"], maxEpochs: "ten" });
  await form.setSpace([
    { type: "float", name: "lr", low: 0.5, high: 0.01 },
    { type: "int", name: "lr", low: 1, high: 8 },
  ]);
  await form.launch();
  await expect(form.fieldError("command.argv.2")).toContainText("{learning_rate}");
  await expect(form.fieldError("command.argv.2")).toContainText("line 3");
  await expect(form.fieldError("space.1.name")).toContainText("'lr'");
  await expect(form.fieldError("space.0.low")).toContainText("must not exceed");
  await expect(form.fieldError("command.maxEpochs")).toBeVisible();
  await screenshot(page, "command-07-browser-errors");

  // Checked by the server: a metric that is no JSON key of the allowed shape.
  await form.fillCommand({ argv: ["node", "train.mjs", "--lr={lr}", "--hidden={hidden}"], maxEpochs: "10", metric: "val loss!" });
  await form.setSpace([
    { type: "float", name: "lr", low: 0.01, high: 0.5 },
    { type: "int", name: "hidden", low: 4, high: 64, log: true },
  ]);
  await form.launch();
  await expect(form.fieldError("command.metric")).toContainText("JSON key");
  await expect(form.formError()).toContainText("command.metric");
  await expect(form.launchButton()).toBeEnabled();
  await screenshot(page, "command-08-server-errors");

  await expect(page).toHaveURL(/\/studies\/new$/);
  expect((await api.studies(request)).length).toBe(before);
});
