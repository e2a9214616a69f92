// Runs axe-core on each URL given on the command line, in Debian's Chromium (playwright-core drives it;
// no browser is downloaded), at a desktop and a phone viewport, and prints one JSON object:
// {"<width>px <url>": [violations]} for the WCAG 2.0/2.1 A and AA rules. Used by tests/test_accessibility.py.
// Before axe runs, the page's fonts are loaded and layout has settled, so the result does not depend on
// how busy the machine is.
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const VIEWPORTS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }];

async function settled(page) {
  await page.waitForLoadState("networkidle");
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all([...document.images].map((img) => (img.complete ? null : img.decode().catch(() => null))));
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const results = {};
try {
  for (const viewport of VIEWPORTS) {
    const page = await browser.newPage({ viewport });
    for (const url of process.argv.slice(2)) {
      await page.goto(url, { waitUntil: "networkidle" });
      await settled(page);  // also covers a page that forwards (e.g. to the newest edition)
      await page.addScriptTag({ path: axePath });
      const report = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
                                         RULES);
      results[`${viewport.width}px ${url}`] = report.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
        count: v.nodes.length,
      }));
    }
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
