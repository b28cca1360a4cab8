/**
 * The browser tests' access to headless Chromium: playwright-core (import name, or a folder in
 * $PLAYWRIGHT_CORE_PATH) driving Debian's chromium ($CHROMIUM_PATH, default /usr/bin/chromium). The few
 * calls the tests make are typed structurally, since the package is optional. Without them a test
 * skips, except under CI=1, where it fails so that a broken CI image cannot hide it.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { pathToFileURL } from "node:url";

export interface PwResponse {
  url(): string;
  status(): number;
  headers(): Record<string, string>;
}
export interface PwRequest {
  url(): string;
}
export interface PwLocator {
  count(): Promise<number>;
  textContent(): Promise<string | null>;
  first(): PwLocator;
  nth(i: number): PwLocator;
  click(): Promise<void>;
  check(): Promise<void>;
  fill(value: string): Promise<void>;
  selectOption(value: string): Promise<unknown>;
  evaluate<T>(fn: (el: { naturalWidth: number; textContent: string | null }) => T): Promise<T>;
}
export interface PwPage {
  goto(url: string): Promise<PwResponse | null>;
  reload(): Promise<PwResponse | null>;
  waitForSelector(selector: string): Promise<unknown>;
  waitForResponse(pred: (r: PwResponse) => boolean): Promise<PwResponse>;
  locator(selector: string): PwLocator;
  evaluate<T>(fn: () => T): Promise<T>;
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
  screenshot(opts: { path: string; fullPage?: boolean }): Promise<unknown>;
  on(event: "pageerror", fn: (err: Error) => void): void;
  on(event: "request", fn: (req: PwRequest) => void): void;
}
export interface PwContext {
  newPage(): Promise<PwPage>;
}
export interface PwBrowser {
  newContext(opts: { viewport: { width: number; height: number } }): Promise<PwContext>;
  close(): Promise<void>;
}
interface PwModule {
  chromium: {
    launch(opts: { executablePath: string; headless: boolean; args: string[] }): Promise<PwBrowser>;
  };
}

async function loadPlaywright(): Promise<PwModule | string> {
  const dir = process.env.PLAYWRIGHT_CORE_PATH;
  try {
    const mod = (
      dir
        ? await import(pathToFileURL(createRequire(join(dir, "noop.js")).resolve("playwright-core")).href)
        : await import("playwright-core" as string)
    ) as Partial<PwModule> & { default?: PwModule };
    // playwright-core is CommonJS: its exports may only be on the default export.
    const pw = mod.chromium ? (mod as PwModule) : mod.default;
    if (!pw?.chromium) return "playwright-core loaded, but it has no chromium export";
    return pw;
  } catch (err) {
    return `playwright-core is not installed (${(err as Error).message.split("\n")[0]})`;
  }
}

/** Headless Chromium, or undefined after skipping the test (failing it under CI) when it cannot run. */
export async function launchChromium(t: TestContext, docs: string): Promise<PwBrowser | undefined> {
  const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const pw = await loadPlaywright();
  const missing =
    typeof pw === "string" ? pw : existsSync(chromiumPath) ? undefined : `no Chromium at ${chromiumPath}`;
  if (missing || typeof pw === "string") {
    const msg = `${missing}: install playwright-core and chromium (see ${docs}, "Testing")`;
    if (process.env.CI) assert.fail(`browser test cannot run in CI: ${msg}`);
    t.skip(msg);
    return undefined;
  }
  return pw.chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"],
  });
}

/** Polls from Node (the apps' CSP forbids eval, so no string predicates run inside the page). */
export async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
