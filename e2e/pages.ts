/**
 * Page objects for the end-to-end tests: every selector lives here, and only
 * through data-testid attributes.
 */
import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import path from "node:path";
import type { AnalysisResponse, CurvesResponse, ParamDef, RuleView, StudySummary, TrialRow, TrialsPage } from "../lib/api/schemas";

export const SCREENSHOT_DIR = path.join(__dirname, "..", "test-results", "screenshots");

/** Saves a screenshot under test-results/screenshots; full page unless told otherwise (a viewport shot is faster). */
export async function screenshot(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** A study's objective settings as the shared server stored them (the API does not show a command study's spec). */
export function storedObjectiveConfig(id: number): unknown {
  const db = new Database(process.env.E2E_DB_FILE!, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT objective_config FROM studies WHERE id = ?").get(id) as { objective_config: string | null } | undefined;
    return row?.objective_config ? JSON.parse(row.objective_config) : null;
  } finally {
    db.close();
  }
}

/** Collects uncaught page errors and console errors (such as hydration mismatches) for a test to assert none. */
export function trackErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  return errors;
}

/** The studies list at "/". */
export class StudiesPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/");
  }

  rows(): Locator {
    return this.page.getByTestId("study-row");
  }

  async openNewStudy(): Promise<NewStudyPage> {
    await this.page.getByTestId("nav-new-study").click();
    await expect(this.page.getByTestId("new-study-form")).toBeVisible();
    return new NewStudyPage(this.page);
  }
}

export type StudyFormValues = {
  name?: string;
  objective?: string;
  strategy?: string;
  patience?: string;
  budgetKind?: "epochs" | "trials";
  budgetValue?: string;
  parallelism?: string;
  seed?: string;
  epochDelayMs?: string;
  warmStart?: boolean;
  schedules?: boolean;
  /** The schedule step (with schedules on): the default, a decay to fill in, or the step-decay preset. */
  scheduleStep?: "default" | "decay" | "step-decay";
};

/** The settings shared by command and agent studies. */
export type TrainingFormValues = { metric?: string; direction?: "minimize" | "maximize"; maxEpochs?: string };

/** The "new study" form at /studies/new. */
export class NewStudyPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/studies/new");
    await expect(this.form()).toBeVisible();
  }

  form(): Locator {
    return this.page.getByTestId("new-study-form");
  }

  async fill(values: StudyFormValues): Promise<void> {
    const p = this.page;
    // The objective first: choosing it resets the other fields to its defaults.
    if (values.objective) await p.getByTestId("field-objective").selectOption(values.objective);
    if (values.name !== undefined) await p.getByTestId("field-name").fill(values.name);
    if (values.strategy) await p.getByTestId("field-strategy").selectOption(values.strategy);
    if (values.patience !== undefined) await p.getByTestId("field-patience").fill(values.patience);
    if (values.budgetKind) await p.getByTestId("field-budget-kind").selectOption(values.budgetKind);
    if (values.budgetValue !== undefined) await p.getByTestId("field-budget-value").fill(values.budgetValue);
    if (values.parallelism !== undefined) await p.getByTestId("field-parallelism").fill(values.parallelism);
    if (values.seed !== undefined) await p.getByTestId("field-seed").fill(values.seed);
    if (values.epochDelayMs !== undefined) await p.getByTestId("field-epoch-delay").fill(values.epochDelayMs);
    if (values.warmStart !== undefined) await p.getByTestId("field-warm-start").setChecked(values.warmStart);
    if (values.schedules !== undefined) await p.getByTestId("field-schedules").setChecked(values.schedules);
    if (values.scheduleStep) await p.getByTestId("field-schedule-step").selectOption(values.scheduleStep);
  }

  /** The fields of a command study: argv one argument per line, then the settings given. */
  async fillCommand(values: { argv?: string[]; cwd?: string; protocol?: "per-job" | "persistent" | "worker" } & TrainingFormValues): Promise<void> {
    if (values.argv) await this.page.getByTestId("field-command-argv").fill(values.argv.join("\n"));
    if (values.cwd !== undefined) await this.page.getByTestId("field-command-cwd").fill(values.cwd);
    if (values.protocol) await this.page.getByTestId("field-command-protocol").selectOption(values.protocol);
    await this.fillTraining(values);
  }

  /** The fields of an agent study. */
  async fillAgent(values: { leaseSeconds?: string; requeue?: boolean } & TrainingFormValues): Promise<void> {
    if (values.leaseSeconds !== undefined) await this.page.getByTestId("field-agent-lease").fill(values.leaseSeconds);
    if (values.requeue !== undefined) await this.page.getByTestId("field-agent-requeue").setChecked(values.requeue);
    await this.fillTraining(values);
  }

  private async fillTraining(values: TrainingFormValues): Promise<void> {
    const p = this.page;
    if (values.metric !== undefined) await p.getByTestId("field-training-metric").fill(values.metric);
    if (values.direction) await p.getByTestId("field-training-direction").selectOption(values.direction);
    if (values.maxEpochs !== undefined) await p.getByTestId("field-training-max-epochs").fill(values.maxEpochs);
  }

  /** Replaces the space of an editable-names editor (command and agent studies) by `space`, one row at a time. */
  async setSpace(space: ParamDef[]): Promise<void> {
    const rows = this.page.getByTestId("space-row");
    while ((await rows.count()) > 0) await this.page.getByTestId("btn-remove-param-0").click();
    for (const param of space) await this.addParam(param);
  }

  /** Adds a parameter at the end of an editable-names editor. Its fields are addressed by row index there, since names change as typed. */
  async addParam(param: ParamDef): Promise<void> {
    const p = this.page;
    const i = await p.getByTestId("space-row").count();
    await p.getByTestId("btn-add-param").click();
    await p.getByTestId(`field-space-${i}-name`).fill(param.name);
    await p.getByTestId(`field-space-${i}-type`).selectOption(param.type);
    if (param.type === "categorical") {
      await p.getByTestId(`field-space-${i}-choices`).fill(param.choices.map(String).join(", "));
      return;
    }
    await p.getByTestId(`field-space-${i}-low`).fill(String(param.low));
    await p.getByTestId(`field-space-${i}-high`).fill(String(param.high));
    await p.getByTestId(`field-space-${i}-log`).setChecked(!!param.log);
    if (param.type === "int" && param.step !== undefined) await p.getByTestId(`field-space-${i}-step`).fill(String(param.step));
  }

  /** The panel shown once after an agent study is launched. */
  agentToken(): Locator {
    return this.page.getByTestId("agent-token");
  }

  agentCommand(): Locator {
    return this.page.getByTestId("agent-command");
  }

  /** The one-line explanation under the command protocol's choice. */
  protocolLine(): Locator {
    return this.page.getByTestId("command-protocol-line");
  }

  openStudyButton(): Locator {
    return this.page.getByTestId("btn-open-study");
  }

  /** Sets one bound of a numeric parameter in the space editor. */
  async setBound(param: string, bound: "low" | "high", value: string): Promise<void> {
    await this.page.getByTestId(`field-space-${param}-${bound}`).fill(value);
  }

  /** The index of a parameter's row, as the API's issue paths count it ("space.<i>.low"). */
  async paramIndex(param: string): Promise<number> {
    const names = await this.page.getByTestId("space-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-param")));
    const i = names.indexOf(param);
    expect(i, `parameter ${param} in the space editor`).toBeGreaterThanOrEqual(0);
    return i;
  }

  launchButton(): Locator {
    return this.page.getByTestId("btn-launch");
  }

  async launch(): Promise<void> {
    await this.launchButton().click();
  }

  formError(): Locator {
    return this.page.getByTestId("form-error");
  }

  fieldError(path: string): Locator {
    return this.page.locator(`[data-testid="field-error"][data-path="${path}"]`);
  }
}

/** A study's page at /studies/[id]. */
export class StudyPage {
  constructor(readonly page: Page) {}

  async goto(id: number): Promise<void> {
    await this.page.goto(`/studies/${id}`);
    await expect(this.status()).toBeVisible();
  }

  /** The study id from the URL. */
  id(): number {
    const match = /\/studies\/(\d+)/.exec(this.page.url());
    if (!match) throw new Error(`not on a study page: ${this.page.url()}`);
    return Number(match[1]);
  }

  status(): Locator {
    return this.page.getByTestId("study-status");
  }

  async statusText(): Promise<string> {
    return (await this.status().getAttribute("data-status")) ?? "";
  }

  chart(): Locator {
    return this.page.getByTestId("curves-chart");
  }

  /** The plotted SVG inside the chart (absent while there are no curves). */
  plot(): Locator {
    return this.chart().locator("svg.recharts-surface");
  }

  /** Status and point count read in one go, so they describe the same render. */
  async liveReading(): Promise<{ status: string; points: number; curves: number }> {
    return this.page.evaluate(() => {
      const status = document.querySelector('[data-testid="study-status"]')?.getAttribute("data-status") ?? "";
      const chart = document.querySelector('[data-testid="curves-chart"]');
      return { status, points: Number(chart?.getAttribute("data-point-count")), curves: Number(chart?.getAttribute("data-curve-count")) };
    });
  }

  async pointCount(): Promise<number> {
    return Number(await this.chart().getAttribute("data-point-count"));
  }

  async curveCount(): Promise<number> {
    return Number(await this.chart().getAttribute("data-curve-count"));
  }

  /** The best value the page shows, as the raw number behind the formatted text. */
  async bestValue(): Promise<number> {
    const raw = await this.page.getByTestId("study-best-value").getAttribute("data-value");
    expect(raw, "study-best-value has a value").toBeTruthy();
    return Number(raw);
  }

  trialRows(): Locator {
    return this.page.getByTestId("trial-row");
  }

  /** Every trial row's best value; rows without one are left out. */
  async trialBestValues(): Promise<number[]> {
    const raws = await this.trialRows().evaluateAll((rows) => rows.map((r) => r.getAttribute("data-best-value") ?? ""));
    return raws.filter((r) => r !== "").map(Number);
  }

  button(action: "pause" | "resume" | "stop"): Locator {
    return this.page.getByTestId(`btn-${action}`);
  }

  /** Opens one of the study page's tabs. */
  async openTab(tab: "overview" | "correlations" | "explore" | "subspace" | "race" | "trials"): Promise<void> {
    await this.page.getByTestId(`tab-${tab}`).click();
    await expect(this.page.getByTestId(`tab-${tab}`)).toHaveAttribute("aria-selected", "true");
  }

  // The subspace tab.

  rangeBar(param: string): Locator {
    return this.page.getByTestId(`range-bar-${param}`);
  }

  /** Drags across a parameter's range bar from one share of its width to another. */
  async dragRangeBar(param: string, from: number, to: number): Promise<void> {
    await dragWithin(this.page, this.rangeBar(param), [from, 0.5], [to, 0.5]);
  }

  async pin(param: string, value: string): Promise<void> {
    const field = this.page.getByTestId(`pin-value-${param}`);
    if ((await field.evaluate((el) => el.tagName)) === "SELECT") await field.selectOption(value);
    else await field.fill(value);
    await this.page.getByTestId(`btn-pin-${param}`).click();
  }

  /** The notice shown after a rule change; resolves to the changed rule's id. */
  async ruleChanged(): Promise<string> {
    const notice = this.page.getByTestId("rule-change-notice");
    await expect(notice).toBeVisible();
    return (await notice.getAttribute("data-rule-id")) ?? "";
  }

  ruleRow(ruleId: string): Locator {
    return this.page.locator(`[data-testid="rule-row"][data-rule-id="${ruleId}"]`);
  }

  // The correlations tab.

  heatmap(): Locator {
    return this.page.getByTestId("heatmap");
  }

  heatmapCell(row: string, col: string): Locator {
    return this.page.locator(`[data-testid="heatmap-cell"][data-row="${row}"][data-col="${col}"]`);
  }

  scatter(): Locator {
    return this.page.getByTestId("pair-scatter");
  }

  /** Drags a rectangle on the pair scatter, corners given as shares of the plot area (0,0 bottom left). */
  async dragScatter(from: [number, number], to: [number, number]): Promise<void> {
    const area = this.page.getByTestId("pair-scatter-drag");
    await dragWithin(this.page, area, [from[0], 1 - from[1]], [to[0], 1 - to[1]]);
  }

  // The explore tab.

  parallel(): Locator {
    return this.page.getByTestId("parallel-coordinates");
  }

  /** Drags along a parallel-coordinates axis from one share of its height to another, both from the bottom. */
  async brushAxis(name: string, from: number, to: number): Promise<void> {
    await dragWithin(this.page, this.page.getByTestId(`parallel-axis-drag-${name}`), [0.5, 1 - from], [0.5, 1 - to]);
  }

  // The race tab.

  race(): Locator {
    return this.page.getByTestId("race-chart");
  }

  async racePoints(): Promise<number> {
    return Number(await this.race().getAttribute("data-point-count"));
  }
}

/** Presses the mouse at one point of an element and releases it at another, both as shares of its box, in small steps. */
async function dragWithin(page: Page, target: Locator, from: [number, number], to: [number, number]): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  if (!box) throw new Error("drag target has no box");
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps: 8 });
  await page.mouse.up();
}

/**
 * A GET that is tried once more when the connection was reset: the server
 * closes an idle keep-alive connection after a few seconds, and a request sent
 * on it at that moment fails with ECONNRESET though the server is fine. GETs
 * are safe to repeat.
 */
async function get(request: APIRequestContext, url: string) {
  try {
    return await request.get(url);
  } catch (error) {
    if (!/ECONNRESET|socket hang up/.test(String(error))) throw error;
    return request.get(url);
  }
}

/** Thin wrappers over the HTTP API, to check what the UI shows against the server. */
export const api = {
  async studies(request: APIRequestContext): Promise<StudySummary[]> {
    const response = await get(request, "/api/studies");
    expect(response.ok()).toBeTruthy();
    return (await response.json()) as StudySummary[];
  },
  async curves(request: APIRequestContext, id: number): Promise<CurvesResponse> {
    const response = await get(request, `/api/studies/${id}/curves`);
    expect(response.ok()).toBeTruthy();
    return (await response.json()) as CurvesResponse;
  },
  async trials(request: APIRequestContext, id: number, query: Record<string, string> = {}): Promise<TrialsPage> {
    const response = await get(request, `/api/studies/${id}/trials?${new URLSearchParams({ limit: "500", ...query })}`);
    expect(response.ok(), await response.text()).toBeTruthy();
    return (await response.json()) as TrialsPage;
  },
  /** Every trial of a study, however many pages. */
  async allTrials(request: APIRequestContext, id: number): Promise<TrialRow[]> {
    const all: TrialRow[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await api.trials(request, id, { offset: String(offset) });
      all.push(...page.trials);
      if (all.length >= page.total || page.trials.length === 0) return all;
    }
  },
  async analysis(request: APIRequestContext, id: number): Promise<AnalysisResponse> {
    const response = await get(request, `/api/studies/${id}/analysis`);
    expect(response.ok()).toBeTruthy();
    return (await response.json()) as AnalysisResponse;
  },
  async rule(request: APIRequestContext, id: number, ruleId: string): Promise<RuleView> {
    const rule = (await api.analysis(request, id)).rules.find((r) => r.id === ruleId);
    expect(rule, `rule ${ruleId} of study ${id}`).toBeTruthy();
    return rule!;
  },
  async study(request: APIRequestContext, id: number): Promise<StudySummary> {
    const response = await get(request, `/api/studies/${id}`);
    expect(response.ok()).toBeTruthy();
    return ((await response.json()) as { study: StudySummary }).study;
  },
  async action(request: APIRequestContext, id: number, action: "pause" | "resume" | "stop"): Promise<void> {
    const response = await request.post(`/api/studies/${id}/actions`, { data: { action } });
    expect(response.ok(), await response.text()).toBeTruthy();
  },
  /** Stops a study unless it has finished already, so it stops using the CPU. */
  async stopIfRunning(request: APIRequestContext, id: number): Promise<void> {
    const study = await api.study(request, id);
    if (study.status !== "running" && study.status !== "paused") return;
    const response = await request.post(`/api/studies/${id}/actions`, { data: { action: "stop" } });
    // It may finish between the read and the stop: a 409 from a study that has finished since is no failure.
    if (response.status() === 409 && !["running", "paused"].includes((await api.study(request, id)).status)) return;
    expect(response.ok(), await response.text()).toBeTruthy();
  },
  async createStudy(request: APIRequestContext, body: Record<string, unknown>): Promise<StudySummary> {
    const response = await request.post("/api/studies", { data: body });
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()) as StudySummary;
  },
};
