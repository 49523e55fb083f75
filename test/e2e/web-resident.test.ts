import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { exportJobDeps } from "#data/export-job-deps.ts";
import { advanceExportJob, runExportJobs } from "#domain/privacy/export-jobs.ts";
import { archiveFiles } from "../support/archive.ts";
import { expectAccessible, focused, phone, screenshot, signIn, useBrowserCity } from "./support/browser.ts";

/**
 * What residents do, through the web app only (the coordinator's approval, which has no screen yet,
 * goes through the API): joining and onboarding, posting by keyboard alone, finding, and two
 * residents in two languages taking an exchange from proposal to settlement.
 */
const app = useBrowserCity();

type Me = { member: { memberId: string; status: string } | null };

/** A newcomer joins through the app; a coordinator (Dora, through the API) welcomes them. */
async function joinAndApprove(page: Page, name: string, handle: string, labels: JoinLabels): Promise<void> {
  await signIn(page, { name });
  await page.getByLabel(labels.name).fill(name);
  await page.getByLabel(labels.area).selectOption("canal-side");
  await page.getByRole("checkbox", { name: labels.terms }).check();
  await page.getByRole("button", { name: labels.submit }).click();
  // The join form gives way to the "thank you" screen once the request is stored.
  await page.getByRole("button", { name: labels.submit }).waitFor({ state: "detached" });
  const me = (await app.city.call("GET", "/me", { as: handle })).body as Me;
  expect(me.member?.status).toBe("pending");
  const approved = await app.city.call("POST", `/members/${me.member?.memberId}/status`, {
    as: "dora",
    body: { decision: "approve" },
  });
  expect(approved.status).toBe(200);
  await app.city.runtime.poller.drain();
  await page.reload();
}

/** What the `export-jobs` schedule does on its next runs: every running export made ready. */
async function finishExports(): Promise<void> {
  await runExportJobs(exportJobDeps(), { remainingMs: () => Number.POSITIVE_INFINITY, reserveMs: 0 });
}

interface JoinLabels {
  name: string;
  area: string;
  terms: string;
  submit: string;
}

describe("a newcomer", () => {
  it("joins, is welcomed, and fills in skills, home and free times", async () => {
    const page = await app.open({ language: "en" });
    await page.context().grantPermissions(["geolocation"]);
    await page.context().setGeolocation({ latitude: 50.8589, longitude: 4.3379 });
    await joinAndApprove(page, "Iris Claes", "iris-claes", {
      name: "Your name",
      area: "Where do you live?",
      terms: "I agree to the terms",
      submit: "Ask to join",
    });
    await page.getByRole("heading", { name: "Hello, Iris Claes" }).waitFor();
    await page.getByRole("link", { name: "Fill in my profile" }).click();
    await page.getByRole("heading", { name: "Welcome! Tell us about yourself" }).waitFor();
    await expectAccessible(page, "welcome");
    await page.getByRole("checkbox", { name: "Gardening" }).check();
    await page.getByRole("checkbox", { name: "Pet care" }).check();
    await page.getByLabel("Words about your skills").fill("Roses, dogs");
    await page.getByRole("button", { name: "Use where I am now" }).click();
    await page.getByText("Your home location is saved.").waitFor();
    await page.getByRole("group", { name: "Saturday" }).getByRole("checkbox", { name: "morning" }).check();
    await page.getByRole("group", { name: "Saturday" }).getByRole("checkbox", { name: "afternoon" }).check();
    await page.getByRole("radio", { name: "Nederlands" }).check();
    await screenshot(page, "welcome-filled-en");
    await page.getByRole("button", { name: "Save and continue" }).click();
    // The language chosen for the time bank applies at once.
    await page.getByRole("heading", { name: "Hulp aanbieden of vragen" }).waitFor();
    const me = (await app.city.call("GET", "/me", { as: "iris-claes" })).body as {
      member: Record<string, unknown>;
    };
    expect(me.member).toMatchObject({
      preferredLanguage: "nl",
      skills: { categories: ["gardening", "pets"], tags: ["roses", "dogs"] },
      availability: [{ day: 5, from: "09:00", to: "17:00" }],
      home: { lat: 50.8589, lon: 4.3379 },
    });
    await page.context().close();
  });
});

describe("posting", () => {
  it("a request, with the keyboard alone", async () => {
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Ben Jacobs" });
    await page.getByRole("heading", { name: "Hello, Ben Jacobs" }).waitFor();
    // From the menu to the form by keyboard: Tab until "Offer or ask", then Enter.
    for (let i = 0; i < 20 && (await focused(page)).text !== "Offer or ask"; i++)
      await page.keyboard.press("Tab");
    expect((await focused(page)).text).toBe("Offer or ask");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Offer or ask for help" }).waitFor();
    // The heading has focus after the navigation; Tab goes into the form.
    await page.keyboard.press("Tab");
    expect((await focused(page)).id).toBe("post-kind");
    await page.keyboard.press("ArrowDown"); // the second choice: ask for help
    expect((await focused(page)).id).toBe("post-kind-request");
    await page.keyboard.press("Tab");
    expect((await focused(page)).id).toBe("post-title");
    await page.keyboard.type("Fix a squeaky bicycle brake");
    await page.keyboard.press("Tab");
    expect((await focused(page)).id).toBe("post-category");
    await page.keyboard.type("DIY");
    await page.keyboard.press("Tab");
    expect((await focused(page)).id).toBe("post-minutes");
    await page.keyboard.type("30");
    // On through the optional questions to the button, and press it.
    for (let i = 0; i < 30 && (await focused(page)).text !== "Publish"; i++) await page.keyboard.press("Tab");
    expect((await focused(page)).text).toBe("Publish");
    await page.keyboard.press("Enter");
    await page.getByText("Your post is published.").waitFor();
    await screenshot(page, "post-published-keyboard-en");
    const mine = (await app.city.call("GET", "/me/posts", { as: "ben" })).body as {
      items: { title: string; kind: string; category: string; estimatedMinutes: number }[];
    };
    expect(mine.items[0]).toMatchObject({
      title: "Fix a squeaky bicycle brake",
      kind: "request",
      category: "diy-repairs",
      estimatedMinutes: 30,
    });
    await page.context().close();
  });

  it("shows what a member typed as text, never as markup", async () => {
    const hostile = "<img src=x onerror=alert(1)>";
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Chen Wei" });
    await page.getByRole("link", { name: "Offer or ask", exact: true }).click();
    await page.getByRole("radio", { name: "Offer help" }).check();
    await page.getByLabel("In a few words, what is it?").fill(hostile);
    await page.getByLabel("What kind of help is it?").selectOption("digital-help");
    await page.getByLabel("Anything else to know?").fill(`<script>alert(2)</script> ${hostile}`);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Your post is published.").waitFor();
    await page.getByRole("heading", { level: 1, name: hostile }).waitFor();
    expect(await page.locator("main h1").textContent()).toBe(hostile);
    await page.getByText(`<script>alert(2)</script> ${hostile}`).waitFor();
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.locator("main script").count()).toBe(0);
    await page.getByRole("link", { name: "Find" }).click();
    await page.getByLabel("Words").fill("onerror");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: hostile }).waitFor();
    expect(await page.locator("main img").count()).toBe(0);
    await screenshot(page, "hostile-title-en");
    // No dialog opened and no script ran: the harness fails the file on either.
    await page.context().close();
  });
});

describe("finding", () => {
  it("by words, kind, category and distance from home, as a list", async () => {
    await app.city.call("POST", "/posts", {
      as: "amira",
      body: {
        kind: "offer",
        title: "Help with tomatoes",
        category: "gardening",
        where: { type: "my-place" },
        estimatedMinutes: 60,
      },
    });
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Ben Jacobs" });
    await page.getByRole("link", { name: "Find", exact: true }).click();
    await page.getByLabel("Kind of help").selectOption("gardening");
    await page.getByLabel("Show").selectOption("offer");
    await page.getByLabel("Distance from my home").selectOption("5");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/radiusKm=5/);
    expect(page.url()).toContain("category=gardening");
    await page
      .locator(".item .meta", { hasText: /km from your home/ })
      .first()
      .waitFor();
    await page.getByRole("link", { name: "Help with tomatoes" }).waitFor();
    await expectAccessible(page, "find results");
    await screenshot(page, "find-results-en");
    await page.getByLabel("Words").fill("tomatoes");
    await page.getByLabel("Distance from my home").selectOption("");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/q=tomatoes/);
    await page.getByRole("link", { name: "Help with tomatoes" }).waitFor();
    await page.getByRole("link", { name: "Show on a map" }).click();
    await page.getByRole("heading", { name: "Posts on a map" }).waitFor();
    await page.locator(".leaflet-container").waitFor();
    // Only coarse squares are drawn, never a marker at a point.
    expect(await page.locator(".leaflet-marker-icon").count()).toBe(0);
    expect(await page.locator("path.leaflet-interactive").count()).toBeGreaterThan(0);
    await screenshot(page, "find-map-results-en");
    await page.context().close();
  });
});

describe("two residents, two languages, one exchange", () => {
  it("goes from joining to a settled exchange, each seeing the other's steps in the inbox", async () => {
    const hanna = await app.open({ language: "de" });
    await joinAndApprove(hanna, "Hanna Wolf", "hanna-wolf", {
      name: "Ihr Name",
      area: "Wo wohnen Sie?",
      terms: "Ich stimme den Bedingungen zu",
      submit: "Beitritt beantragen",
    });
    const luis = await app.open({ language: "es" });
    await joinAndApprove(luis, "Luis Ortega", "luis-ortega", {
      name: "Su nombre",
      area: "¿Dónde vive?",
      terms: "Acepto las condiciones",
      submit: "Pedir unirme",
    });

    // Hanna asks for help, in German.
    await hanna.getByRole("link", { name: "Anbieten oder bitten", exact: true }).click();
    await hanna.getByRole("radio", { name: "Um Hilfe bitten" }).check();
    await hanna.getByLabel("Worum geht es, in wenigen Worten?").fill("Regal aufhängen");
    await hanna.getByLabel("Welche Art von Hilfe ist es?").selectOption("diy-repairs");
    await hanna.getByRole("button", { name: "Veröffentlichen" }).click();
    await hanna.locator(".done").getByText("Ihre Anzeige ist veröffentlicht.").waitFor();

    // Luis finds it, in Spanish, and offers to help.
    await luis.getByRole("link", { name: "Buscar", exact: true }).click();
    await luis.getByLabel("Palabras").fill("Regal");
    await luis.getByRole("button", { name: "Buscar" }).click();
    await luis.getByRole("link", { name: "Regal aufhängen" }).click();
    await luis.getByRole("link", { name: "Puedo ayudar con esto" }).click();
    await luis.getByText("Usted ayuda a Hanna Wolf con «Regal aufhängen».").waitFor();
    await expectAccessible(luis, "exchange-new (es)");
    await screenshot(luis, "exchange-new-es");
    await luis.getByRole("button", { name: "Enviar la propuesta" }).click();
    await luis.locator(".done").getByText("Su propuesta se ha enviado.").waitFor();

    // Hanna sees the proposal in her inbox and agrees.
    await hanna.getByRole("link", { name: /^Nachrichten/ }).click();
    await hanna.getByRole("heading", { name: /schlägt einen Tausch vor/ }).waitFor();
    await expectAccessible(hanna, "inbox (de)");
    await screenshot(hanna, "inbox-proposed-de");
    await hanna
      .getByRole("link", { name: /Öffnen/ })
      .first()
      .click();
    await hanna.getByRole("button", { name: "Ja, einverstanden" }).click();
    await hanna.locator(".done").getByText("Sie haben zugestimmt.").waitFor();

    // Luis sees the agreement, gives the help, and records 45 minutes.
    await luis.getByRole("link", { name: /^Mensajes/ }).click();
    await luis.getByRole("heading", { name: /aceptó el intercambio/ }).waitFor();
    await luis.getByRole("link", { name: /Abrir/ }).first().click();
    await luis.getByRole("button", { name: "Ya se dio la ayuda: anotar el tiempo" }).click();
    await luis.getByLabel("¿Cuánto tiempo llevó?").selectOption("45");
    await expectAccessible(luis, "exchange complete (es)");
    await luis.getByRole("button", { name: "Anotar este tiempo" }).click();
    await luis.locator(".done").getByText("El tiempo está anotado.").waitFor();

    // Hanna confirms; the hours move once.
    await hanna.getByRole("link", { name: /^Nachrichten/ }).click();
    await hanna.getByRole("heading", { name: /hat 45 Min\. eingetragen/ }).waitFor();
    await hanna
      .getByRole("link", { name: /Öffnen/ })
      .first()
      .click();
    await hanna.getByRole("button", { name: "Bestätigen: Die Hilfe wurde geleistet" }).click();
    await hanna.locator(".done").getByText("Bestätigt. Die Stunden sind gebucht.").waitFor();
    await screenshot(hanna, "exchange-settled-de");

    await luis.getByRole("link", { name: /^Mensajes/ }).click();
    await luis.getByRole("heading", { name: /confirmó; el intercambio está liquidado/ }).waitFor();
    await luis.getByRole("link", { name: "Mis horas" }).click();
    await luis.getByRole("cell", { name: "+45 min" }).waitFor();
    await expectAccessible(luis, "balance (es)");
    await screenshot(luis, "balance-es");
    const account = (await app.city.call("GET", "/me/account", { as: "hanna-wolf" })).body as {
      balanceMinutes: number;
    };
    expect(account.balanceMinutes).toBe(-45);
    await hanna.context().close();
    await luis.context().close();
  });
});

describe("looking after posts, matches and data", () => {
  it("pauses, reopens, renews and marks a post done", async () => {
    const created = await app.city.call("POST", "/posts", {
      as: "chen",
      body: {
        kind: "offer",
        title: "Phone set-up help",
        category: "digital-help",
        where: { type: "online" },
        estimatedMinutes: 30,
      },
    });
    const postId = (created.body as { postId: string }).postId;
    const status = async () =>
      (await app.city.call("GET", `/posts/${postId}`, { as: "chen" })).body as {
        status: string;
        expiresAt: string;
      };
    const page = await app.open({ language: "en" });
    await signIn(page, { demo: "Chen Wei" });
    await page.getByRole("link", { name: "My posts" }).click();
    await page.getByRole("link", { name: /Open and manage.*Phone set-up help/ }).click();
    await page.getByRole("button", { name: "Pause it" }).click();
    await page.locator(".done").getByText("Your post is paused.").waitFor();
    expect((await status()).status).toBe("paused");
    await page.getByRole("button", { name: "Open it again" }).click();
    await page.locator(".done").getByText("Your post is open again.").waitFor();
    const before = (await status()).expiresAt;
    await page.getByRole("button", { name: "Keep it open 30 more days" }).click();
    await page
      .locator(".done")
      .getByText(/stays open until/)
      .waitFor();
    expect((await status()).expiresAt >= before).toBe(true);
    await page.getByRole("button", { name: "Mark it done" }).click();
    await page.locator(".done").getByText("Marked as done.").waitFor();
    expect((await status()).status).toBe("fulfilled");
    await expectAccessible(page, "post after changes");
    await page.context().close();
  });

  it("answers a match and is offered to agree on an exchange", async () => {
    await app.city.call("POST", "/posts", {
      as: "ben",
      body: {
        kind: "request",
        title: "Weed the vegetable patch",
        category: "gardening",
        tags: ["vegetables"],
        where: { type: "my-place" },
        estimatedMinutes: 60,
      },
    });
    await app.city.runtime.poller.drain();
    const page = await app.open({ language: "fr" });
    await signIn(page, { demo: "Amira Haddad" });
    await page.getByRole("link", { name: "Correspondances", exact: true }).click();
    const item = page.locator(".item", { hasText: "Weed the vegetable patch" });
    await item.getByText("S’y connaît en Jardinage").waitFor();
    await expectAccessible(page, "matches (fr)");
    await screenshot(page, "matches-fr");
    await item.getByRole("button", { name: /Oui, cela m’intéresse/ }).click();
    await item.getByText("Vous avez dit oui").waitFor();
    await item.getByRole("link", { name: /Convenir d’un échange/ }).click();
    await page.getByText("Vous aidez Ben Jacobs pour « Weed the vegetable patch ».").waitFor();
    await page.context().close();
  });

  it("prepares a copy of the member's data in the background, part by part (Dutch, phone)", async () => {
    const joined = await app.city.call("POST", "/members/join", {
      as: "els-wouters",
      body: { displayName: "Els Wouters", area: "hillcrest", languages: ["nl"], consent: true },
    });
    const elsId = (joined.body as { memberId: string }).memberId;
    await app.city.call("POST", `/members/${elsId}/status`, { as: "dora", body: { decision: "approve" } });
    const page = await app.open({ language: "nl", viewport: phone });
    await signIn(page, { name: "Els Wouters" });
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("link", { name: "Mijn profiel", exact: true }).click();
    await page.getByRole("link", { name: "Mijn gegevens en mijn account sluiten" }).click();
    const prepare = page.getByRole("button", { name: "Een kopie van al mijn gegevens maken" });
    // A double tap starts one job (one key per attempt; one running job per member anyway).
    // The first look at the job is refused (the edge's rate limit): the page says so and offers to
    // look again.
    await page.route("**/api/me/exports/*", (route) =>
      route.fulfill({
        status: 429,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "RATE_LIMITED", message: "Too many requests" } }),
      }),
    );
    await prepare.dblclick();
    await page.getByText("Uw kopie wordt gemaakt: 0 van 10 onderdelen klaar.").waitFor();
    await page.getByText("Te veel verzoeken in korte tijd. Wacht een minuut en probeer opnieuw.").waitFor();
    const again = page.getByRole("button", { name: "Opnieuw proberen" });
    await again.waitFor();
    await page.unroute("**/api/me/exports/*");
    // Three steps of the schedule: the page follows without being told.
    const deps = exportJobDeps();
    const running = await deps.exportJobs.listRunning(25);
    const mine = running.filter((job) => job.memberId === elsId);
    expect(mine).toHaveLength(1);
    for (let step = 0; step < 3; step++) {
      const job = await deps.exportJobs.get(elsId, mine[0]?.jobId ?? "");
      if (!job) throw new Error("the export job was not stored");
      expect(await advanceExportJob(deps, job)).toBe("section");
    }
    await again.click();
    await page.getByText("Uw kopie wordt gemaakt: 3 van 10 onderdelen klaar.").waitFor();
    await again.waitFor({ state: "detached" });
    expect(await page.locator("progress").getAttribute("value")).toBe("3");
    await expectAccessible(page, "my data, copy in progress (nl)");
    await screenshot(page, "my-data-archive-progress-nl-phone");
    await finishExports();
    await page.getByText("Uw kopie is klaar.").waitFor();
    const link = page.getByRole("link", { name: /^Mijn gegevens downloaden \(zip, \d+ kB\)$/ });
    await link.waitFor();
    await page.getByText(/^De link werkt tot /).waitFor();
    await expectAccessible(page, "my data, copy ready (nl)");
    await screenshot(page, "my-data-archive-ready-nl-phone");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const files = archiveFiles(readFileSync(await download.path()));
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(["my-data.json", "profile.csv", "statement.csv"]),
    );
    expect(JSON.parse(files.get("my-data.json") ?? "")).toMatchObject({
      member: { displayName: "Els Wouters" },
    });
    await page.context().close();
  });

  it("downloads the member's data and closes the account", async () => {
    const joined = await app.city.call("POST", "/members/join", {
      as: "jonas-peeters",
      body: { displayName: "Jonas Peeters", area: "hillcrest", languages: ["en"], consent: true },
    });
    const jonasId = (joined.body as { memberId: string }).memberId;
    await app.city.call("POST", `/members/${jonasId}/status`, { as: "dora", body: { decision: "approve" } });
    const page = await app.open({ language: "en" });
    await signIn(page, { name: "Jonas Peeters" });
    await page.getByRole("link", { name: "My profile", exact: true }).click();
    await page.getByRole("link", { name: "My data and closing my account" }).click();
    await page.getByRole("button", { name: "Prepare a copy of all my data" }).click();
    await page.getByText("Preparing your copy: 0 of 10 parts ready.").waitFor();
    await finishExports();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: /^Download my data \(zip, \d+ kB\)$/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^mutua-my-data-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = archiveFiles(readFileSync(await download.path()));
    expect(JSON.parse(files.get("my-data.json") ?? "")).toMatchObject({
      member: { displayName: "Jonas Peeters" },
    });
    await page.getByRole("button", { name: "Close my account" }).click();
    await page.locator(".error-summary").getByText("Tick the box to confirm").waitFor();
    await page.getByRole("checkbox", { name: "I understand, and I want to close my account" }).check();
    await page.getByRole("button", { name: "Close my account" }).click();
    await page.getByRole("heading", { name: "Your account is closed" }).waitFor();
    await expectAccessible(page, "closed");
    // Closed, under a pseudonym (the stream then deletes the login too).
    const closed = await app.city.runtime.deps.members.get(jonasId);
    expect(closed).toMatchObject({ status: "closed", displayName: expect.stringMatching(/^Former member/) });
    await page.context().close();
  });
});
