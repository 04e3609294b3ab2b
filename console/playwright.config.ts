// The browser suite: Debian's Chromium (never Playwright's own download), headless, one worker
// (the local stack's moto serves one request at a time), against a running `cargo xtask dev`
// or the stacks `cargo xtask test` starts (EVENTCRM_CONSOLE_URL).
import { defineConfig } from "@playwright/test";
// A plain ES module, shared with scripts/lighthouse.mjs.
import { chromiumArgs, chromiumPath } from "./chromium.mjs";

export default defineConfig({
  testDir: "tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  use: {
    baseURL: process.env.EVENTCRM_CONSOLE_URL ?? "http://127.0.0.1:9000/",
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    actionTimeout: 20_000,
    navigationTimeout: 20_000,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
});
