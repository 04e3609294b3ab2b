// `npm run screenshots` against a running open stack (`cargo xtask dev`): the README's pictures
// of the main screens, written to docs/screenshots/. Not a test: tests/ is the suite.
import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

export default defineConfig({ ...base, testDir: "screenshots" });
