// Screenshot of a page as a reader sees it, for looking at what a build produced (not a test):
//   node tests/a11y/screenshot.mjs URL OUT.png [WIDTH] [HEIGHT] [full]
// The page's fonts and images are loaded and layout has settled before the picture is taken.
import { chromium } from "playwright-core";

const [url, out, width = "1366", height = "900", full] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  });
  const hash = new URL(url).hash;
  // "#vergleich=a,b" is a state in the address, not an element to scroll to
  if (hash && !hash.includes("=")) await page.locator(decodeURIComponent(hash)).scrollIntoViewIfNeeded();
  await page.screenshot({ path: out, fullPage: full === "full" });
} finally {
  await browser.close();
}
