// Runs axe-core on each URL given on the command line, in Debian's Chromium (playwright-core drives it;
// no browser is downloaded), and prints one JSON object: {url: [violations]} for the WCAG 2.0/2.1 A and
// AA rules. Used by tests/test_accessibility.py.
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const results = {};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const url of process.argv.slice(2)) {
    await page.goto(url, { waitUntil: "networkidle" });
    if (page.url() !== url) {  // a page that forwards (e.g. to the newest edition) is checked where it lands
      await page.waitForLoadState("networkidle");
    }
    await page.addScriptTag({ path: axePath });
    const report = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
                                       RULES);
    results[url] = report.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      count: v.nodes.length,
    }));
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
