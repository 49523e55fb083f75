import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCatalogue } from "../../web/build/messages.ts";
import { exampleCity } from "../support/city.ts";
import {
  type BrowserCity,
  expectAccessible,
  heading,
  screenshot,
  signIn,
  startBrowserCity,
} from "./support/browser.ts";

/**
 * New terms at sign-in: a city that publishes a new version asks each member, in their language,
 * before anything else; they agree (with the keyboard alone) or put it off for this visit.
 */
const VERSION = "2027-06";
let app: BrowserCity;
beforeAll(async () => {
  const city = {
    ...exampleCity(),
    termsUrl: "https://riverside.example/timebank/terms",
    termsVersion: VERSION,
  };
  app = await startBrowserCity({ city });
});
afterAll(async () => {
  await app?.stop();
});

const people = [
  ["en", "Amira Haddad", "amira"],
  ["nl", "Ben Jacobs", "ben"],
  ["fr", "Chen Wei", "chen"],
  ["de", "Dora Peeters", "dora"],
  ["es", "Emil Laurent", "emil"],
] as const;

async function consentRequired(handle: string): Promise<boolean | undefined> {
  const res = await app.city.call("GET", "/me", { as: handle });
  return (res.body as { consent?: { required: boolean } }).consent?.required;
}

describe("new terms at sign-in", () => {
  it.each(people)(
    "ask in %s, pass axe, and are agreed to from the keyboard",
    async (language, name, handle) => {
      const words = readCatalogue(language);
      const page = await app.open({ language });
      await signIn(page, { demo: name });
      expect(await heading(page)).toBe(words["consent.title"]);
      await expectAccessible(page, `new terms (${language})`);
      await screenshot(page, `consent-${language}`);
      const agree = page.getByRole("button", { name: words["consent.agree"] });
      await agree.focus();
      await page.keyboard.press("Enter");
      await page
        .locator("main h1")
        .filter({ hasNotText: words["consent.title"] ?? "" })
        .waitFor();
      expect(await consentRequired(handle)).toBe(false);
      await page.context().close();
    },
  );

  it("can be put off for this visit, and is asked again at the next sign-in", async () => {
    const words = readCatalogue("en");
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Sam Okafor" });
    expect(await heading(page)).toBe(words["consent.title"]);
    await page.getByRole("button", { name: words["consent.later"] }).click();
    await page
      .locator("main h1")
      .filter({ hasNotText: words["consent.title"] ?? "" })
      .waitFor();
    expect(await consentRequired("sam")).toBe(true);
    await page.context().close();

    const again = await app.open({ language: "en" });
    await signIn(again, { demo: "Sam Okafor" });
    expect(await heading(again)).toBe(words["consent.title"]);
    await again.context().close();
  });
});
