import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type { Result } from "axe-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { repoRoot } from "../../../infra/local/paths.ts";
import type { CityRuntimeOptions } from "../../../infra/local/runtime.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";
import { launchChromium } from "./chromium.ts";

export const screenshotDir = resolve(repoRoot, "test/e2e/screenshots");
export const phone = { width: 360, height: 740 };
export const desktop = { width: 1280, height: 900 };
export const languages = ["en", "nl", "fr", "de", "es"] as const;
export type Language = (typeof languages)[number];

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface BrowserCity {
  city: TestCity;
  browser: Browser;
  /** A fresh tab (its own storage) on the app's start page. */
  open(options?: { viewport?: { width: number; height: number }; language?: Language }): Promise<Page>;
  stop(): Promise<void>;
}

/**
 * One private city and one browser for a test file. Every page fails its test on a script error, a
 * dialog (which an injected script would open) or a Content-Security-Policy violation.
 */
export async function startBrowserCity(overrides: Partial<CityRuntimeOptions> = {}): Promise<BrowserCity> {
  const city = await startTestCity(overrides);
  const browser = await launchChromium();
  mkdirSync(screenshotDir, { recursive: true });
  const problems: string[] = [];
  return {
    city,
    browser,
    async open(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? desktop,
        locale: options.language ?? "en",
        reducedMotion: "reduce",
      });
      // Generous waits: a page on a busy machine may take long to show; the test's own timeout bounds it.
      context.setDefaultTimeout(90_000);
      const page = await context.newPage();
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("dialog", (dialog) => {
        problems.push(`a dialog opened: ${dialog.message()}`);
        void dialog.dismiss();
      });
      page.on("console", (message) => {
        if (message.type() === "error" && !/status of 4\d\d/.test(message.text())) {
          problems.push(`console error: ${message.text()}`);
        }
      });
      await page.goto(city.url);
      return page;
    },
    async stop() {
      await browser.close();
      await city.stop();
      expect(problems, "the browser reported problems").toEqual([]);
    },
  };
}

/**
 * The city and browser of a browser test file: started before its tests (then `ready` prepares what
 * they share), stopped after them, failing on any problem a page reported. What it returns stands for
 * the running one, so it is used inside tests and hooks only.
 */
export function useBrowserCity(
  overrides: Partial<CityRuntimeOptions> = {},
  ready?: () => Promise<void>,
): BrowserCity {
  let current: BrowserCity | undefined;
  beforeAll(async () => {
    current = await startBrowserCity(overrides);
    await ready?.();
  });
  afterAll(async () => {
    const app = current;
    current = undefined;
    await app?.stop();
  });
  return new Proxy({} as BrowserCity, {
    get: (_, name) => {
      if (!current) throw new Error("The browser city runs only during its tests and hooks");
      return Reflect.get(current, name);
    },
  });
}

function describeViolations(violations: Result[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\n/g, " ")}`)
          .join("\n")}`,
    )
    .join("\n");
}

/** axe-core on the page as it is now: WCAG 2.x A and AA rules, no violations allowed. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline script) still holds.
  await page.evaluate(axeSource);
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
  const violations = await page.evaluate<Result[]>(
    `axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(tags)} }, resultTypes: ["violations"] }).then((r) => r.violations)`,
  );
  expect(violations, `${label}: ${describeViolations(violations)}`).toEqual([]);
}

/** Writes test/e2e/screenshots/<name>.png (git-ignored), to look at after a run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(screenshotDir, `${name}.png`), fullPage: true });
}

/** Signs in on the local sign-in page as a demo person (by display name) or a new name. */
export async function signIn(page: Page, who: { demo: string } | { name: string }): Promise<void> {
  // The sign-in page's own heading stays until the app has moved on: wait for its control to go,
  // so the caller never reads the sign-in page for the screen after it.
  if ("demo" in who) {
    const button = page.getByRole("button", { name: new RegExp(`^${who.demo}`) });
    await button.click();
    await button.waitFor({ state: "detached" });
  } else {
    await page.locator("#sign-in-name").fill(who.name);
    await page.locator("form button[type=submit]").click();
    await page.locator("#sign-in-name").waitFor({ state: "detached" });
  }
  await page.locator("h1").filter({ hasNotText: /^$/ }).first().waitFor();
}

/** The screen's heading once a navigation has settled. */
export async function heading(page: Page): Promise<string> {
  return (await page.locator("main h1").first().textContent()) ?? "";
}

/** What has the keyboard focus: its id, class and text. */
export async function focused(page: Page): Promise<{ id: string; className: string; text: string }> {
  return page.evaluate<{ id: string; className: string; text: string }>(
    `(() => { const e = document.activeElement; return { id: e?.id ?? "", className: String(e?.className ?? ""), text: e?.textContent ?? "" }; })()`,
  );
}

/** The root font size in pixels (the large-text setting changes it). */
export async function rootFontSize(page: Page): Promise<number> {
  return Number.parseFloat(
    await page.evaluate<string>("getComputedStyle(document.documentElement).fontSize"),
  );
}

/** The page's full width: on a phone it must not exceed the screen (no sideways scrolling). */
export async function pageWidth(page: Page): Promise<number> {
  return page.evaluate<number>("document.documentElement.scrollWidth");
}
