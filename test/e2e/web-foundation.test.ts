import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserCity,
  expectAccessible,
  focused,
  heading,
  languages,
  pageWidth,
  phone,
  rootFontSize,
  screenshot,
  signIn,
  startBrowserCity,
} from "./support/browser.ts";

/** The web app's frame: sign-in, joining, the layout, languages and the text size, in a real browser. */
let app: BrowserCity;
beforeAll(async () => {
  app = await startBrowserCity();
});
afterAll(async () => {
  await app?.stop();
});

async function chooseLanguage(page: Page, label: string): Promise<void> {
  await page.locator(".language-menu > button").click();
  await page.locator(".language-menu li button", { hasText: label }).click();
}

describe("signing in", () => {
  it.each(languages)("the sign-in page speaks %s and passes axe", async (language) => {
    const page = await app.open({ language });
    await page.getByRole("button", { name: /^Amira Haddad/ }).waitFor();
    // Before sign-in the browser's language is followed, when the city offers it.
    expect(await page.locator("html").getAttribute("lang")).toBe(language);
    await expectAccessible(page, `sign-in (${language})`);
    await screenshot(page, `sign-in-${language}`);
    await page.context().close();
  });

  it("on a phone, with every person reachable", async () => {
    const page = await app.open({ viewport: phone, language: "nl" });
    await page.getByRole("button", { name: /^Chen Wei/ }).waitFor();
    await expectAccessible(page, "sign-in (phone, nl)");
    await screenshot(page, "sign-in-phone-nl");
    // Nothing is wider than the screen (reflow without sideways scrolling).
    expect(await pageWidth(page)).toBeLessThanOrEqual(phone.width);
    await page.context().close();
  });
});

describe("joining", () => {
  it("names each missing answer in an error summary that takes focus, then joins", async () => {
    const page = await app.open({ language: "en" });
    await signIn(page, { name: "Greta Maes" });
    expect(await heading(page)).toContain("Join the Riverside time bank");
    await expectAccessible(page, "join");
    await page.getByRole("button", { name: "Ask to join" }).click();
    const summary = page.locator(".error-summary");
    await summary.waitFor();
    expect((await focused(page)).className).toContain("error-summary");
    const problems = await summary.locator("li").allTextContents();
    expect(problems).toEqual(["Enter your name", "Choose your neighbourhood", "Agree to the terms to join"]);
    await expectAccessible(page, "join with errors");
    await screenshot(page, "join-errors-en");
    // A problem links to its field.
    await summary.getByRole("link", { name: "Choose your neighbourhood" }).click();
    expect((await focused(page)).id).toBe("join-area");

    await page.getByLabel("Your name").fill("Greta Maes");
    await page.getByLabel("Where do you live?").selectOption("north-park");
    await page.getByRole("checkbox", { name: "Nederlands" }).check();
    await page.getByRole("radio", { name: "By email" }).check();
    await page.getByLabel("Your email address").fill("not an email");
    await page.getByRole("checkbox", { name: "I agree to the terms" }).check();
    await page.getByRole("button", { name: "Ask to join" }).click();
    // The API refuses the address; the summary names the field in words.
    await summary.getByRole("link", { name: /email address/ }).waitFor();
    await page.getByLabel("Your email address").fill("greta@example.org");
    await page.getByRole("button", { name: "Ask to join" }).click();
    await page.getByRole("heading", { name: "Thank you, Greta Maes" }).waitFor();
    await expectAccessible(page, "pending");
    await screenshot(page, "join-pending-en");
    const me = await app.city.call("GET", "/me", { as: "greta-maes" });
    expect(me.body).toMatchObject({
      member: { status: "pending", area: "north-park", languages: ["en", "nl"], preferredLanguage: "en" },
    });
    await page.context().close();
  });
});

describe("the frame of every screen", () => {
  it("starts with a skip link, then the header; the main menu marks where you are", async () => {
    const page = await app.open();
    await signIn(page, { demo: "Amira Haddad" });
    await page.getByRole("heading", { name: "Hello, Amira Haddad" }).waitFor();
    // From the top of a freshly loaded screen, the first Tab reaches the skip link.
    await page.reload();
    await page.getByRole("heading", { name: "Hello, Amira Haddad" }).waitFor();
    await page.keyboard.press("Tab");
    expect((await focused(page)).text).toBe("Skip to main content");
    await page.keyboard.press("Enter");
    expect((await focused(page)).id).toBe("main");
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe("Home");
    await expectAccessible(page, "home");
    await screenshot(page, "home-en");
    await page.context().close();
  });

  it("offers larger text, remembered on the device", async () => {
    const page = await app.open();
    await signIn(page, { demo: "Ben Jacobs" });
    const before = await rootFontSize(page);
    await page.getByRole("button", { name: "Larger text" }).click();
    expect(await rootFontSize(page)).toBeGreaterThan(before * 1.15);
    expect(await page.getByRole("button", { name: "Larger text" }).getAttribute("aria-pressed")).toBe("true");
    await expectAccessible(page, "home, larger text");
    await screenshot(page, "home-large-text-en");
    await page.reload();
    await page.getByRole("button", { name: "Larger text" }).waitFor();
    expect(await rootFontSize(page)).toBeGreaterThan(before * 1.15);
    await page.context().close();
  });

  it("keeps the chosen language on the member, so another device follows it", async () => {
    const laptop = await app.open({ language: "en" });
    await signIn(laptop, { demo: "Chen Wei" });
    // The screen switches at once; the choice is saved on the profile just after. Close the
    // laptop only once that save has been answered, as a person would not notice either way.
    const saved = laptop.waitForResponse(
      (r) => r.url().endsWith("/me/profile") && r.request().method() === "PATCH",
    );
    await chooseLanguage(laptop, "Nederlands");
    await laptop.getByRole("heading", { name: "Hallo, Chen Wei" }).waitFor();
    expect((await saved).status()).toBe(200);
    await laptop.context().close();
    const member = await app.city.call("GET", "/me", { as: "chen" });
    expect(member.body).toMatchObject({ member: { preferredLanguage: "nl" } });

    const phoneTab = await app.open({ language: "fr", viewport: phone });
    await phoneTab.getByRole("button", { name: /^Chen Wei/ }).waitFor();
    expect(await phoneTab.locator("html").getAttribute("lang")).toBe("fr");
    await signIn(phoneTab, { demo: "Chen Wei" });
    await phoneTab.getByRole("heading", { name: "Hallo, Chen Wei" }).waitFor();
    expect(await phoneTab.locator("html").getAttribute("lang")).toBe("nl");
    await expectAccessible(phoneTab, "home (phone, nl)");
    await screenshot(phoneTab, "home-phone-nl");
    await phoneTab.getByRole("button", { name: "Menu" }).click();
    await screenshot(phoneTab, "home-phone-menu-nl");
    await phoneTab.context().close();
  });
});
