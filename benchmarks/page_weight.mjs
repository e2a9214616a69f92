// Page weight as a reader's browser loads it: requests, bytes and console errors per page (not a test).
//   node benchmarks/page_weight.mjs URL [URL …]
// The first URL is loaded with an empty cache; each further URL in the same browser, as a reader who
// goes on to it, so its bytes count only what the cache does not already hold.
import { createRequire } from "node:module";
const require = createRequire(new URL("../tests/a11y/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const urls = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const client = await context.newCDPSession(page);
  await client.send("Network.enable");
  let bytes = 0, requests = 0, largest = [];
  client.on("Network.loadingFinished", (event) => { bytes += event.encodedDataLength; });
  client.on("Network.requestWillBeSent", (event) => { requests += 1; largest.push(event.request.url); });
  const errors = [];
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  page.on("pageerror", (error) => errors.push(String(error)));
  for (const url of urls) {
    bytes = 0; requests = 0; errors.length = 0;
    await page.goto(url, { waitUntil: "networkidle" });
    console.log(`${(bytes / 1024).toFixed(0).padStart(6)} KB ${String(requests).padStart(3)} requests  `
                + `${errors.length} console errors  ${url}`);
    for (const error of errors) console.log(`        console: ${error.slice(0, 160)}`);
  }
} finally {
  await browser.close();
}
