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
 * Coordinators, organisation admins and venues, through the web app: the joining queue, acting for
 * an offline resident (the banner on every screen, the audit trail naming the coordinator), awards
 * that a double click cannot pay twice, a refused redemption, reports whose chart equals the API
 * and the CSV, scope, and axe on every staff screen in every language.
 */
let ids: Readonly<Record<string, string>> = {};
const app = useBrowserCity({}, async () => {
  ids = app.city.runtime.demoIds ?? {};
  // The kitchen may award up to 50 hours (an admin's decision, as in the README).
  const quota = await app.city.call("PUT", `/accounts/${ids.kitchen}/limits`, {
    as: "sam",
    body: { creditLimitMinutes: 3000, maxBalanceMinutes: 1_000_000 },
  });
  expect(quota.status).toBe(200);
});

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(`${app.city.url}${path}`);
  await page.locator("main h1").first().waitFor();
  await page.locator(".loading").first().waitFor({ state: "detached" });
}

type Statement = { items: { kind: string; amountMinutes: number; counterpartyId: string }[] };

async function bannerVisible(page: Page): Promise<void> {
  const banner = page.getByRole("complementary", { name: "Acting for a member" });
  expect(await banner.isVisible()).toBe(true);
  expect(await banner.textContent()).toContain("You are acting for Greta Offline.");
}

describe("a coordinator", () => {
  it("approves a newcomer, registers a resident without email, and acts for her throughout", async () => {
    const page = await app.open({ language: "en", viewport: phone });
    await signIn(page, { demo: "Dora Peeters" });

    // The joining queue: Fatou is waiting; Dora approves her.
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("link", { name: "Staff tools" }).click();
    await page.getByRole("link", { name: /People waiting to join/ }).click();
    await page.getByRole("link", { name: "Fatou Diallo" }).click();
    await page.getByRole("heading", { level: 1, name: "Fatou Diallo" }).waitFor();
    await page.getByRole("radio", { name: "Approve" }).check();
    await page.getByRole("button", { name: "Send decision" }).click();
    await page.locator("dd", { hasText: "Active" }).waitFor();
    const fatou = await app.city.call("GET", `/members/${ids.fatou}`, { as: "dora" });
    expect((fatou.body as { status: string }).status).toBe("active");

    // A resident with no email or phone.
    await visit(page, "/staff/register");
    await page.getByLabel("Their name").fill("Greta Offline");
    await page.getByLabel("Area").selectOption("old-town");
    await page.getByRole("checkbox", { name: "Gardening" }).check();
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByText("Greta Offline is registered and active.").waitFor();
    await page.getByRole("button", { name: "Act for Greta Offline" }).click();
    await page.locator("main h1").first().waitFor();
    await bannerVisible(page);
    await screenshot(page, "staff-acting-home-phone-en");

    // A request, posted for her.
    await visit(page, "/posts/new");
    await bannerVisible(page);
    await page.getByRole("radio", { name: "Ask for help" }).check();
    await page.getByLabel("In a few words, what is it?").fill("Help to fill in a housing form");
    await page.getByLabel("What kind of help is it?").selectOption("admin-forms");
    await page.getByRole("radio", { name: "At the other person’s place" }).check();
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Your post is published.").waitFor();
    await bannerVisible(page);
    await screenshot(page, "staff-acting-post-phone-en");
    const greta = (
      (await app.city.call("GET", "/members?status=active&area=old-town&limit=50", { as: "dora" })).body as {
        items: { memberId: string; displayName: string }[];
      }
    ).items.find((m) => m.displayName === "Greta Offline");
    expect(greta).toBeDefined();
    const gretaId = greta?.memberId ?? "";
    const posts = await app.city.call("GET", "/me/posts", { as: "dora", headers: { "x-act-for": gretaId } });
    expect((posts.body as { items: { title: string }[] }).items.map((p) => p.title)).toEqual([
      "Help to fill in a housing form",
    ]);

    // Chen helps her; Dora, for Greta, agrees and later confirms.
    const proposed = await app.city.call("POST", "/exchanges", {
      as: "chen",
      body: { providerIds: [ids.chen], receiverIds: [gretaId], minutes: 60, category: "admin-forms" },
    });
    const exchangeId = (proposed.body as { exchangeId: string }).exchangeId;
    await visit(page, `/exchanges/${exchangeId}`);
    await bannerVisible(page);
    await page.getByRole("button", { name: "Yes, I agree" }).click();
    await page.locator(".done").first().waitFor();
    await app.city.call("POST", `/exchanges/${exchangeId}/transitions`, {
      as: "chen",
      body: { action: "complete", minutes: 60 },
    });
    await visit(page, `/exchanges/${exchangeId}`);
    await bannerVisible(page);
    await page.getByRole("button", { name: "Confirm: the help was given" }).click();
    await page.getByText("Confirmed. The hours have moved. Thank you both!").waitFor();
    await bannerVisible(page);
    await screenshot(page, "staff-acting-confirmed-phone-en");
    const settled = await app.city.call("GET", `/exchanges/${exchangeId}`, { as: "chen" });
    expect((settled.body as { status: string }).status).toBe("settled");

    // Back to herself: the banner goes, and Greta's audit trail names Dora as the one who acted.
    await app.city.runtime.poller.drain();
    await page.getByRole("button", { name: "Stop acting for them" }).click();
    await page.getByRole("heading", { level: 1, name: "Greta Offline" }).waitFor();
    expect(await page.getByRole("complementary", { name: "Acting for a member" }).count()).toBe(0);
    await page.getByRole("heading", { name: "Audit trail" }).waitFor();
    await page
      .locator(".audit li", { hasText: "Dora Peeters created a post on behalf of Greta Offline" })
      .first()
      .waitFor();
    await expectAccessible(page, "member page after acting (phone)");
    await screenshot(page, "staff-member-audit-phone-en");
    expect(await pageWidth(page)).toBeLessThanOrEqual(phone.width);
    await page.context().close();
  });

  it("cannot open a member of another area: the page says not found, as the API does", async () => {
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Emil Laurent" });
    await visit(page, `/staff/members/${ids.amira}`);
    expect(await heading(page)).toBe("Page not found");
    const api = await app.city.call("GET", `/members/${ids.amira}/audit`, { as: "emil" });
    expect(api.status).toBe(404);
    await page.context().close();
  });
});

describe("an organisation admin", () => {
  it("awards credits to three volunteers with a double click, and each is paid once", async () => {
    const before = await Promise.all(
      ["ben", "chen", "dora"].map(async (who) => {
        const s = (await app.city.call("GET", "/me/statement?limit=50", { as: who })).body as Statement;
        return s.items.filter((l) => l.kind === "award").length;
      }),
    );
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Amira Haddad" });
    await visit(page, `/organisations/${ids.kitchen}`);
    await page.getByRole("heading", { level: 1, name: "Riverside Community Kitchen" }).waitFor();
    const volunteers = [ids.ben, ids.chen, ids.dora];
    for (const [i, id] of volunteers.entries()) {
      if (i > 0) await page.getByRole("button", { name: "Add another volunteer" }).click();
      await page.locator(`#volunteer-${i}`).fill(id ?? "");
      await page.locator(`#hours-${i}`).fill("2");
    }
    await page.getByLabel("What for").fill("Saturday soup kitchen");
    await page.getByRole("button", { name: "Award the credits" }).dblclick();
    await page
      .getByText("2 hr awarded to 3 volunteers.", { exact: false })
      .or(page.locator(".done"))
      .first()
      .waitFor();
    await app.city.runtime.poller.drain();
    for (const [i, who] of ["ben", "chen", "dora"].entries()) {
      const s = (await app.city.call("GET", "/me/statement?limit=50", { as: who })).body as Statement;
      const awards = s.items.filter((l) => l.kind === "award");
      expect(awards.length - (before[i] ?? 0), who).toBe(1);
      expect(awards.at(-1)?.amountMinutes).toBe(120);
    }
    await expectAccessible(page, "organisation after award");
    await screenshot(page, "staff-organisation-en");
    await page.context().close();
  });
});

describe("an organisation's admin finds it from the menu", () => {
  it("lists the organisations one runs under My organisations, each leading to its page", async () => {
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Amira Haddad" });
    await page.getByRole("link", { name: "My organisations" }).first().click();
    await page.getByRole("heading", { level: 1, name: "My organisations" }).waitFor();
    await page.getByRole("link", { name: /Riverside Community Kitchen/ }).click();
    await page.getByRole("heading", { level: 1, name: "Riverside Community Kitchen" }).waitFor();
    await page.context().close();
  });
});

describe("a venue", () => {
  it("publishes an activity, and a redemption beyond the member's balance is refused with nothing taken", async () => {
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Amira Haddad" });
    await visit(page, `/organisations/${ids.kitchen}`);
    await page.getByLabel("Name of the activity").fill("Three-course dinner for one");
    await page.getByLabel("Price per place (hours)").fill("20");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByText("The activity is published.").waitFor();
    await page.context().close();

    const balance = async () =>
      ((await app.city.call("GET", "/me/account", { as: "ben" })).body as { balanceMinutes: number })
        .balanceMinutes;
    const was = await balance();
    const ben = await app.open({ language: "en", viewport: phone });
    await signIn(ben, { demo: "Ben Jacobs" });
    await visit(ben, "/activities");
    const item = ben.locator("li.item", { hasText: "Three-course dinner for one" });
    await item.getByRole("button", { name: /^Spend 20/ }).click();
    await item
      .getByRole("alert")
      .getByText(/Not enough credit/)
      .waitFor();
    await expectAccessible(ben, "activities refused (phone)");
    await screenshot(ben, "staff-activities-refused-phone-en");
    expect(await balance()).toBe(was);
    await ben.context().close();
  });
});

describe("a venue at the counter", () => {
  it("records a spend beyond the balance (refused, nothing taken) and one within, which the member approves on a phone", async () => {
    const publish = async (title: string, minutes: number) => {
      const res = await app.city.call("POST", `/organisations/${ids.kitchen}/activities`, {
        as: "amira",
        body: { title, minutes },
      });
      expect(res.status).toBe(201);
    };
    await publish("Cookery weekend", 1200);
    await publish("Soup lunch", 60);
    const balance = async () =>
      ((await app.city.call("GET", "/me/account", { as: "ben" })).body as { balanceMinutes: number })
        .balanceMinutes;
    const was = await balance();

    const venue = await app.open({ language: "en" });
    await signIn(venue, { demo: "Amira Haddad" });
    await visit(venue, `/organisations/${ids.kitchen}`);
    const counter = venue.locator("section", {
      has: venue.getByRole("heading", { name: "Record a spend at the counter" }),
    });
    await counter.locator("#counter-member").fill(ids.ben ?? "");
    await counter.getByLabel("Activity").selectOption({ label: "Cookery weekend (20 hours)" });
    await counter.getByRole("button", { name: "Record and ask the member" }).click();
    await counter.getByText("This member does not have enough credit for this.").first().waitFor();
    await expectAccessible(venue, "venue counter refused");
    await screenshot(venue, "staff-venue-counter-refused-en");
    expect(await balance()).toBe(was);
    expect((await app.city.call("GET", "/me/redemption-requests", { as: "ben" })).body).toMatchObject({
      items: [],
    });

    await counter.locator("#counter-member").fill(ids.ben ?? "");
    await counter.getByLabel("Activity").selectOption({ label: "Soup lunch (1 hour)" });
    await counter.getByRole("button", { name: "Record and ask the member" }).click();
    await counter.getByText(/Recorded\. Ben Jacobs is asked to approve 1 hour/).waitFor();
    expect(await balance()).toBe(was);

    const ben = await app.open({ language: "nl", viewport: phone });
    await signIn(ben, { demo: "Ben Jacobs" });
    await visit(ben, "/balance");
    const waiting = ben.getByRole("heading", { name: "Wacht op uw antwoord" });
    await waiting.waitFor();
    await expectAccessible(ben, "pending redemption (phone, nl)");
    await screenshot(ben, "resident-redemption-pending-phone-nl");
    const approve = ben.getByRole("button", { name: /^Goedkeuren en 1 uur betalen/ });
    await approve.dblclick();
    await ben.getByText(/^Klaar: 1 uur betaald/).waitFor();
    await screenshot(ben, "resident-redemption-approved-phone-nl");
    expect(await balance()).toBe(was - 60);
    await ben.context().close();

    await visit(venue, `/organisations/${ids.kitchen}`);
    const today = venue.locator("section", {
      has: venue.getByRole("heading", { name: "Today at the door" }),
    });
    await today
      .locator("li.item", { hasText: "Ben Jacobs" })
      .getByText("Approved and paid")
      .first()
      .waitFor();
    await expectAccessible(venue, "venue daily list");
    await screenshot(venue, "staff-venue-daily-list-en");
    await venue.context().close();
    expect(await balance()).toBe(was - 60);
  });
});

describe("reports", () => {
  it("shows chart figures equal to the table, the API's numbers and the CSV", async () => {
    await app.city.runtime.poller.drain();
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Dora Peeters" });
    await visit(page, "/staff/reports");
    await page.locator("#months-chart").waitFor();
    const chart = await page
      .locator("#months-chart g")
      .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute("data-value"))));
    const table = await page
      .locator("#months-table td")
      .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute("data-value"))));
    expect(chart).toEqual(table);
    const status = await page
      .locator("#members-chart g")
      .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute("data-value"))));

    const from = await page.locator("#report-from").inputValue();
    const to = await page.locator("#report-to").inputValue();
    const report = (await app.city.call("GET", `/reports/ledger?from=${from}&to=${to}`, { as: "dora" }))
      .body as {
      months: { month: string; minutesExchanged: number }[];
      members: { byStatus: Record<string, number> };
    };
    expect(chart).toEqual(report.months.map((m) => m.minutesExchanged));
    expect(chart.some((v) => v > 0)).toBe(true);
    const byStatus = report.members.byStatus;
    expect(status).toEqual(["pending", "active", "suspended", "declined", "closed"].map((s) => byStatus[s]));

    const csv = await app.city.call("GET", `/reports/ledger.csv?from=${from}&to=${to}`, { as: "dora" });
    const rows = csv.text
      .trim()
      .split("\r\n")
      .slice(1)
      .map((line) => line.split(","));
    const csvMonths = rows.filter((r) => r[1] === "" && r[2] === "" && r[5] === "minutes_exchanged");
    expect(csvMonths.map((r) => Number(r[6]))).toEqual(chart);
    expect(rows.find((r) => r[5] === "members_active")?.[6]).toBe(String(byStatus.active));

    // The page's own download gives the same file.
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download these figures (CSV)" }).click(),
    ]);
    const path = await file.path();
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(path, "utf8")).toBe(csv.text);
    await screenshot(page, "staff-reports-en");
    await page.context().close();
  });
});

const staffScreens = () => [
  { name: "staff", path: "/staff" },
  { name: "staff-queue", path: "/staff/queue" },
  { name: "staff-members", path: "/staff/members" },
  { name: "staff-member", path: `/staff/members/${ids.ben}` },
  { name: "staff-register", path: "/staff/register" },
  { name: "staff-disputes", path: "/staff/disputes" },
  { name: "staff-quiet", path: "/staff/quiet" },
  { name: "staff-reports", path: "/staff/reports" },
  { name: "organisation", path: `/organisations/${ids.kitchen}` },
  { name: "my-organisations", path: "/organisations" },
  { name: "activities", path: "/activities" },
];

describe("every staff screen passes axe", () => {
  it.each(languages)(
    "in %s",
    async (language) => {
      const page = await app.open({ language });
      // Dora coordinates the city; she is an admin of no organisation, so the kitchen's page is Amira's.
      await app.city.call("PATCH", "/me/profile", { as: "dora", body: { preferredLanguage: language } });
      await app.city.call("PATCH", "/me/profile", { as: "amira", body: { preferredLanguage: language } });
      await signIn(page, { demo: "Dora Peeters" });
      for (const screen of staffScreens()) {
        if (screen.name === "organisation") {
          await page.context().clearCookies();
          await page.evaluate("sessionStorage.clear()");
          await page.goto(app.city.url);
          await signIn(page, { demo: "Amira Haddad" });
        }
        await visit(page, screen.path);
        expect(await page.locator("html").getAttribute("lang")).toBe(language);
        expect(await heading(page)).not.toBe("");
        await expectAccessible(page, `${screen.name} (${language})`);
        if (language === "en" || language === "nl") await screenshot(page, `${screen.name}-${language}`);
      }
      await page.context().close();
    },
    300_000,
  );

  it("on a phone, in French, without sideways scrolling", async () => {
    const page = await app.open({ language: "fr", viewport: phone });
    await app.city.call("PATCH", "/me/profile", { as: "dora", body: { preferredLanguage: "fr" } });
    await signIn(page, { demo: "Dora Peeters" });
    for (const screen of staffScreens().filter((s) => s.name !== "organisation")) {
      await visit(page, screen.path);
      await expectAccessible(page, `${screen.name} (phone, fr)`);
      expect(await pageWidth(page), screen.name).toBeLessThanOrEqual(phone.width);
      await screenshot(page, `phone-${screen.name}-fr`);
    }
    await page.context().close();
  });
});
