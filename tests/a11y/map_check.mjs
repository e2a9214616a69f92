// Drives the interactive map of one page by keyboard only and prints what a reader would get, as JSON:
// the live text after choosing the second area and then the year before, the fill of a polygon under
// two layers, and every
// request the page made. Used by tests/test_accessibility.py.
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
  const fill = () => page.locator("[data-karte] path[data-id]").first().evaluate((p) => p.style.fill);
  const firstFill = await fill();
  await page.focus("[data-karte] [data-ebene]");
  await page.keyboard.press("ArrowDown");          // next layer
  const secondFill = await fill();
  await page.focus("[data-karte] [data-gebiet]");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");          // second area in the list
  const info = await page.locator("[data-karte] [data-info]").first().textContent();
  const chosen = await page.locator("[data-karte] path.gewaehlt").count();
  await page.focus("[data-karte] [data-jahr]");
  await page.keyboard.press("ArrowDown");          // the year before the latest
  const infoEarlier = await page.locator("[data-karte] [data-info]").first().textContent();
  const legend = await page.locator("[data-karte] [data-legende] p").first().textContent();
  process.stdout.write(JSON.stringify({ info, infoEarlier, legend, firstFill, secondFill, chosen, requests }));
} finally {
  await browser.close();
}
