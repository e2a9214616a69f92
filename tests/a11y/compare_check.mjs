// Drives the comparison page by keyboard only and prints what a reader gets, as JSON: the column heads of
// the table before and after choosing a third area, the row of one indicator, the address after the
// choice, the development chart (its description and how many of its segments are dotted estimates) and
// every request the page made. Used by tests/integration/test_accessibility.py.
import { chromium } from "playwright-core";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(process.argv[2], { waitUntil: "networkidle" });
  const heads = () => page.locator("[data-vergleich-tabelle] thead th").allTextContents();
  const before = await heads();
  await page.focus("[data-vergleich] [data-vergleich-wahl] >> nth=2");
  await page.keyboard.press("ArrowDown");          // the first area in the third list
  const after = await heads();
  const row = await page.locator("[data-vergleich-tabelle] tbody tr:not(.vergleich-feld)").first()
    .locator("th, td").allTextContents();
  const address = page.url();
  // the same choice, opened from the address
  const again = await browser.newPage();
  await again.goto(address, { waitUntil: "networkidle" });
  const reopened = await again.locator("[data-vergleich-tabelle] thead th").allTextContents();
  const development = await page.locator("[data-vergleich-entwicklung] svg").getAttribute("aria-label");
  const dotted = await page.locator('[data-vergleich-entwicklung] svg line[stroke-dasharray="2 3"]').count();
  const developmentRows = await page.locator("[data-vergleich-entwicklung] tbody tr").count();
  process.stdout.write(JSON.stringify({ before, after, row, address, reopened, development, dotted, developmentRows,
                                        requests }));
} finally {
  await browser.close();
}
