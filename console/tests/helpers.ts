// What every browser test shares: the stack's auth mode and tokens, signing in as a person
// would, the API (through the console's own origin) for setting up and checking, and axe-core.
import { expect, request, type APIRequestContext, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** `open` (the direct stack) or `local` (tokens of the local issuer, as `dev --auth`). */
export const AUTH = process.env.EVENTCRM_AUTH ?? "open";
export const TOKEN = process.env.EVENTCRM_TOKEN ?? "";
export const READ_TOKEN = process.env.EVENTCRM_READ_TOKEN ?? "";
export const EXPIRED_TOKEN = process.env.EVENTCRM_EXPIRED_TOKEN ?? "";
/** Who "me" is: the token's subject, or the id chosen on the open stack. */
export const ME = AUTH === "local" ? (process.env.EVENTCRM_TOKEN_SUBJECT ?? "console-user") : "console-user";

if (AUTH === "local" && (!TOKEN || !READ_TOKEN || !EXPIRED_TOKEN)) {
  throw new Error("EVENTCRM_AUTH=local needs EVENTCRM_TOKEN, EVENTCRM_READ_TOKEN and EVENTCRM_EXPIRED_TOKEN");
}

export const RUN = Date.now().toString(36);

export async function signIn(page: Page, token = TOKEN) {
  await page.goto("/#/");
  await expect(page.getByRole("heading", { name: "Sign in to EventCRM" })).toBeVisible();
  await page.getByLabel(AUTH === "local" ? "Access token" : "User id").fill(AUTH === "local" ? token : ME);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "My day" })).toBeVisible();
}

export async function apiContext(baseURL: string, token = TOKEN): Promise<APIRequestContext> {
  return request.newContext({
    baseURL,
    extraHTTPHeaders: AUTH === "local" ? { authorization: `Bearer ${token}` } : {},
  });
}

/** A JSON answer of the API, failing the test with the problem it gave otherwise. */
export async function json<T = Record<string, unknown>>(answer: Promise<import("@playwright/test").APIResponse>): Promise<T> {
  const response = await answer;
  if (!response.ok()) throw new Error(`${response.url()}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Waits until `check` holds: read models follow the event store through the stream. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core on the page as it is: no serious or critical violation (WCAG 2.x A/AA rules and
 * best practices). Evaluated through the DevTools protocol, so the page's CSP stays as it is. */
export async function expectAccessible(page: Page, screen: string) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // @ts-expect-error axe is the global the script above defines.
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return (result.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  expect(violations, `axe on ${screen}`).toEqual([]);
}

/** Nothing wider than the window: usable without sideways scrolling of the page. */
export async function expectFits(page: Page, screen: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${screen} fits ${page.viewportSize()?.width} px`).toBeLessThanOrEqual(0);
}
