import { chromium } from "@playwright/test";
const base = "http://127.0.0.1:3117";
const main = async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  for (const [url, name] of process.argv.slice(2).map((a) => a.split("="))) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(base + url.replace(/@/g, "="));
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(800);
    await page.screenshot({ path: `/tmp/shot-${name}.png`, fullPage: true });
    await page.close();
  }
  await browser.close();
};
main();
