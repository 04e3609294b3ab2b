// Lighthouse against the console as served (`cargo xtask dev`, or any URL given), in Debian's
// Chromium: the first load a new visitor gets, with the mobile preset (slow 4G, 4x CPU
// slowdown) and the desktop preset. Prints the scores and the main timings; exit 1 when
// accessibility is under 100 or performance under 90 (issue 23's targets).
import { launch } from "chrome-launcher";
import lighthouse from "lighthouse";
import desktop from "lighthouse/core/config/desktop-config.js";
import { chromiumArgs, chromiumPath } from "../chromium.mjs";

const url = process.argv[2] ?? "http://127.0.0.1:9000/";
const chrome = await launch({ chromePath: chromiumPath, chromeFlags: ["--headless=new", ...chromiumArgs] });
let failed = false;
try {
  for (const [name, config] of [
    ["mobile", undefined],
    ["desktop", desktop],
  ]) {
    const result = await lighthouse(
      url,
      { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility", "best-practices"] },
      config,
    );
    const { categories, audits } = result.lhr;
    const score = (c) => Math.round((categories[c]?.score ?? 0) * 100);
    const ms = (a) => `${Math.round(audits[a].numericValue)} ms`;
    console.log(
      `${name}: performance ${score("performance")}, accessibility ${score("accessibility")}, best practices ${score("best-practices")}; ` +
        `FCP ${ms("first-contentful-paint")}, LCP ${ms("largest-contentful-paint")}, TBT ${ms("total-blocking-time")}, ` +
        `CLS ${audits["cumulative-layout-shift"].numericValue.toFixed(3)}, transferred ${Math.round(audits["total-byte-weight"].numericValue / 1024)} KiB`,
    );
    if (score("accessibility") < 100 || score("performance") < 90) failed = true;
  }
} finally {
  await chrome.kill();
}
if (failed) {
  console.error("under target: accessibility 100 and performance 90 are wanted");
  process.exit(1);
}
