import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectAccessible,
  heading,
  languages,
  pageWidth,
  phone,
  screenshot,
  signIn,
  useBrowserCity,
} from "./support/browser.ts";

/**
 * Every resident screen, in every language, through axe-core; then all of them again on a phone
 * (360 × 740) in Dutch. Screenshots of each land in test/e2e/screenshots/.
 */
let postId = "";
let exchangeId = "";
const app = useBrowserCity({}, async () => {
  // Something to show on every screen: Amira posts, Ben's exchange with her settles.
  const post = await app.city.call("POST", "/posts", {
    as: "amira",
    body: {
      kind: "offer",
      title: "Soup for two on Fridays",
      category: "cooking",
      where: { type: "my-place" },
      estimatedMinutes: 90,
      description: "Vegetable soup, and company.",
    },
  });
  postId = (post.body as { postId: string }).postId;
  await app.city.runtime.poller.drain();
  const ids = app.city.runtime.demoIds ?? {};
  const proposed = await app.city.call("POST", "/exchanges", {
    as: "ben",
    body: { providerIds: [ids.amira], receiverIds: [ids.ben], minutes: 60, category: "cooking", postId },
  });
  exchangeId = (proposed.body as { exchangeId: string }).exchangeId;
  await app.city.call("POST", `/exchanges/${exchangeId}/transitions`, {
    as: "amira",
    body: { action: "accept" },
  });
  await app.city.runtime.poller.drain();
});

const screens = () => [
  { name: "home", path: "/" },
  { name: "find", path: "/find?category=cooking" },
  { name: "find-map", path: "/find/map" },
  { name: "post-new", path: "/posts/new" },
  { name: "post", path: `/posts/${postId}` },
  { name: "post-edit", path: `/posts/${postId}/edit` },
  { name: "post-matches", path: `/posts/${postId}/matches` },
  { name: "my-posts", path: "/my/posts" },
  { name: "matches", path: "/matches" },
  { name: "exchanges", path: "/exchanges" },
  { name: "exchange", path: `/exchanges/${exchangeId}` },
  { name: "exchange-new", path: `/exchanges/new?postId=${postId}&with=x` },
  { name: "balance", path: "/balance" },
  { name: "inbox", path: "/inbox" },
  { name: "profile", path: "/profile" },
  { name: "my-data", path: "/my/data" },
  { name: "not-found", path: "/no/such/page" },
];

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(`${app.city.url}${path}`);
  await page.locator("main h1").first().waitFor();
  // Data has arrived when nothing says "loading" any more.
  await page.locator(".loading").first().waitFor({ state: "detached" });
}

describe("every screen passes axe", () => {
  it.each(languages)(
    "in %s",
    async (language) => {
      const page = await app.open({ language });
      await signIn(page, { demo: "Amira Haddad" });
      await app.city.call("PATCH", "/me/profile", { as: "amira", body: { preferredLanguage: language } });
      for (const screen of screens()) {
        await visit(page, screen.path);
        expect(await page.locator("html").getAttribute("lang")).toBe(language);
        expect(await heading(page)).not.toBe("");
        await expectAccessible(page, `${screen.name} (${language})`);
        if (language === "en" || language === "de") await screenshot(page, `${screen.name}-${language}`);
      }
      await page.context().close();
    },
    300_000,
  );
});

describe("on a phone", () => {
  it("every screen fits 360 px without sideways scrolling and passes axe, in Dutch", async () => {
    const page = await app.open({ language: "nl", viewport: phone });
    await signIn(page, { demo: "Ben Jacobs" });
    await app.city.call("PATCH", "/me/profile", { as: "ben", body: { preferredLanguage: "nl" } });
    for (const screen of screens()) {
      await visit(page, screen.path);
      await expectAccessible(page, `${screen.name} (phone, nl)`);
      expect(await pageWidth(page), screen.name).toBeLessThanOrEqual(phone.width);
      await screenshot(page, `phone-${screen.name}-nl`);
    }
    await page.context().close();
  });
});
