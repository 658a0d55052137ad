/** The page object of /compare (studies side by side); selectors through data-testid only. */
import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import type { CompareResponse } from "../lib/api/compare-schema";

export class ComparePage {
  constructor(readonly page: Page) {}

  async goto(ids: number[]): Promise<void> {
    await this.page.goto(`/compare?ids=${ids.join(",")}`);
    await expect(this.page.getByTestId("compare-view")).toBeVisible();
  }

  legendItems(): Locator {
    return this.page.getByTestId("compare-legend-item");
  }

  chart(): Locator {
    return this.page.getByTestId("compare-chart");
  }

  /** The drawn step line of one study: an SVG path with a non-empty `d`. */
  line(studyId: number): Locator {
    return this.chart().locator(`.compare-line-${studyId} path.recharts-line-curve`);
  }

  row(studyId: number): Locator {
    return this.page.locator(`[data-testid="compare-row"][data-study-id="${studyId}"]`);
  }

  /** A table cell's raw number (data-value) for one study: "compare-best", "compare-epochs" or "compare-trials". */
  async cell(studyId: number, testId: "compare-best" | "compare-epochs" | "compare-trials"): Promise<number> {
    return Number(await this.row(studyId).getByTestId(testId).getAttribute("data-value"));
  }

  static async fetch(request: APIRequestContext, ids: number[]): Promise<CompareResponse> {
    const response = await request.get(`/api/compare?ids=${ids.join(",")}`);
    expect(response.ok(), await response.text()).toBeTruthy();
    return (await response.json()) as CompareResponse;
  }
}
