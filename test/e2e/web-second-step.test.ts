import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectAccessible, heading, languages, screenshot, useBrowserCity } from "./support/browser.ts";

/**
 * A coordinator whose sign-in did not pass a second factor is led to set one up instead of meeting
 * staff screens that the API refuses; sets up an authenticator app (the test computes its codes
 * with the same TOTP library the local issuer checks them with); signs in again with a code and
 * opens the staff screens. The page passes axe in every language.
 */
const app = useBrowserCity();

const SKIP = /Sign in without the second step/;

async function signInWithoutSecondStep(page: Page, demo: string): Promise<void> {
  await page.getByRole("checkbox", { name: SKIP }).check();
  await page.getByRole("button", { name: new RegExp(`^${demo}`) }).click();
  await page.locator("main h1").filter({ hasNotText: /^$/ }).first().waitFor();
}

function appFor(secret: string): TOTP {
  return new TOTP({
    secret: Secret.fromBase32(secret.replace(/\s/g, "")),
    algorithm: "SHA1",
    digits: 6,
    period: 30,
  });
}

describe("a coordinator without a second factor", () => {
  it("is led to set one up, sets it up, signs in again with a code and opens the staff screens", async () => {
    const page = await app.open({ language: "en" });
    await signInWithoutSecondStep(page, "Dora Peeters");

    // On every screen: what is missing and the way to it.
    const banner = page.getByRole("complementary", { name: "Second step needed" });
    await banner.waitFor();
    expect(await banner.textContent()).toContain("Set up a second step to use the staff screens.");
    await screenshot(page, "second-step-banner-en");

    // The staff screens show the set-up page rather than refused calls.
    await page.goto(`${app.city.url}/staff`);
    await page.getByRole("heading", { level: 1, name: "Second step at sign-in" }).waitFor();
    expect(await page.locator("main").textContent()).toContain(
      "Set up a second step to use the staff screens",
    );
    await page.goto(`${app.city.url}/`);
    await banner.getByRole("link", { name: "Set up a second step" }).click();
    await page.getByRole("heading", { level: 1, name: "Second step at sign-in" }).waitFor();
    await expectAccessible(page, "second step, start");

    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    const qr = page.getByRole("img", { name: "QR code with the key for your authenticator app" });
    await qr.waitFor();
    const secret = (await page.locator("#mfa-secret").textContent()) ?? "";
    expect(secret.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);
    await expectAccessible(page, "second step, scan");
    await screenshot(page, "second-step-scan-en");
    const totp = appFor(secret);

    // A wrong code is named and keeps nothing.
    const wrong = String((Number(totp.generate()) + 500_000) % 1_000_000).padStart(6, "0");
    await page.getByLabel("Code from your app").fill(wrong);
    await page.getByRole("button", { name: "Check the code" }).click();
    await page.getByRole("alert").filter({ hasText: "That code does not match" }).waitFor();
    await expectAccessible(page, "second step, wrong code");

    await page.getByLabel("Code from your app").fill(totp.generate());
    await page.getByRole("button", { name: "Check the code" }).click();
    await page.getByText("Your authenticator app is set up.").waitFor();

    // Signing in again asks for a code, and the new sign-in opens the staff screens.
    await page.getByLabel("Code from your app").fill(totp.generate());
    await page.getByRole("button", { name: "Sign in again" }).click();
    await page.waitForURL(`${app.city.url}/staff`);
    await page.getByRole("heading", { level: 1, name: "Staff tools" }).waitFor();
    expect(await banner.count()).toBe(0);
    await page.getByRole("link", { name: /People waiting to join/ }).click();
    await page.getByRole("link", { name: "Fatou Diallo" }).waitFor();
    await screenshot(page, "second-step-staff-en");
    await page.context().close();
  });
});

describe("the second-step page passes axe", () => {
  it.each(languages)(
    "in %s",
    async (language) => {
      await app.city.call("PATCH", "/me/profile", { as: "emil", body: { preferredLanguage: language } });
      const page = await app.open({ language });
      await page.getByRole("checkbox").check();
      await page.getByRole("button", { name: /^Emil Laurent/ }).click();
      await page.locator("main h1").filter({ hasNotText: /^$/ }).first().waitFor();
      await page.locator(".notice-banner a").click();
      await page.locator("main h1").filter({ hasNotText: /^$/ }).first().waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe(language);
      expect(await heading(page)).not.toBe("");
      await expectAccessible(page, `second step (${language})`);
      await page.locator("main .actions button").click();
      await page.locator("svg.qr").waitFor();
      await expectAccessible(page, `second step, scan (${language})`);
      if (language !== "en") await screenshot(page, `second-step-scan-${language}`);
      await page.context().close();
    },
    300_000,
  );
});
