/**
 * Page objects for the end-to-end tests: every selector lives here, and only
 * through data-testid attributes.
 */
import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import path from "node:path";
import type { CurvesResponse, StudySummary } from "../lib/api/schemas";

export const SCREENSHOT_DIR = path.join(__dirname, "..", "test-results", "screenshots");

/** Saves a screenshot under test-results/screenshots; full page unless told otherwise (a viewport shot is faster). */
export async function screenshot(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
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
  budgetKind?: "epochs" | "trials";
  budgetValue?: string;
  parallelism?: string;
  seed?: string;
  epochDelayMs?: string;
};

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
    if (values.budgetKind) await p.getByTestId("field-budget-kind").selectOption(values.budgetKind);
    if (values.budgetValue !== undefined) await p.getByTestId("field-budget-value").fill(values.budgetValue);
    if (values.parallelism !== undefined) await p.getByTestId("field-parallelism").fill(values.parallelism);
    if (values.seed !== undefined) await p.getByTestId("field-seed").fill(values.seed);
    if (values.epochDelayMs !== undefined) await p.getByTestId("field-epoch-delay").fill(values.epochDelayMs);
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
}

/** Thin wrappers over the HTTP API, to check what the UI shows against the server. */
export const api = {
  async studies(request: APIRequestContext): Promise<StudySummary[]> {
    const response = await request.get("/api/studies");
    expect(response.ok()).toBeTruthy();
    return (await response.json()) as StudySummary[];
  },
  async curves(request: APIRequestContext, id: number): Promise<CurvesResponse> {
    const response = await request.get(`/api/studies/${id}/curves`);
    expect(response.ok()).toBeTruthy();
    return (await response.json()) as CurvesResponse;
  },
  async createStudy(request: APIRequestContext, body: Record<string, unknown>): Promise<StudySummary> {
    const response = await request.post("/api/studies", { data: body });
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()) as StudySummary;
  },
};
