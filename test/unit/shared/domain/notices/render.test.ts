import { describe, expect, it } from "vitest";
import type { Notification } from "#domain/notices/inbox.ts";
import { type NoticeKind, type NoticeParamsOf, noticeContent, noticeKinds } from "#domain/notices/kinds.ts";
import { readerLanguage, renderNotice } from "#domain/notices/render.ts";
import { type Language, languageCodes } from "#shared/config/city.ts";
import { exampleCity } from "../../../../support/city.ts";

const city = exampleCity();
/** Typed by members: must come out exactly as typed, in every language. */
const TITLE = "Fix <b>my</b> bike & pump";
const NAME = "Zoë O'Brien";

const base = { exchangeId: "ex1", who: NAME, category: "gardening", minutes: 90, description: TITLE };
const credit = { transferId: "t1", transferKind: "award", minutes: 90, by: "m2", byName: NAME } as const;

/** One notice of every kind, with what members typed in it. */
const samples: { [K in NoticeKind]: NoticeParamsOf<K> } = {
  "membership-approved": {},
  "membership-declined": { reason: TITLE },
  "membership-suspended": { reason: TITLE },
  "membership-reinstated": {},
  "post-expiring": { postId: "p1", postTitle: TITLE, expiresAt: "2026-03-12T10:00:00.000Z" },
  "post-expired": { postId: "p1", postTitle: TITLE },
  "post-changed-by-coordinator": { postId: "p1", postTitle: TITLE, change: "paused", coordinator: NAME },
  match: {
    matchId: "m1",
    event: "found",
    postKind: "request",
    postTitle: TITLE,
    name: NAME,
    category: "gardening",
  },
  "post-matches": {
    postId: "p1",
    postKind: "request",
    postTitle: TITLE,
    candidates: 2,
    round: "1",
    names: `${NAME}\nAna`,
  },
  "post-fulfilled": {
    postId: "p1",
    exchangeId: "ex1",
    postKind: "offer",
    postTitle: TITLE,
    placesTaken: 3,
    capacity: 3,
    description: TITLE,
  },
  digest: { count: 2, titles: `${TITLE}\nDog walks` },
  suggestion: { postId: "p1", postTitle: TITLE, category: "gardening", minutes: 90, distance: 420 },
  "exchange-proposed": base,
  "exchange-accepted": { ...base, stage: "agreed" },
  "exchange-completed": { ...base, stage: "logged" },
  "exchange-confirmed": base,
  "exchange-settled": { ...base, stage: "confirmed" },
  "exchange-declined": { ...base, reason: TITLE },
  "exchange-cancelled": { ...base, reason: TITLE },
  "exchange-disputed": { ...base, reason: TITLE },
  "exchange-statement": { ...base, statement: TITLE },
  "exchange-resolved": { ...base, decision: "adjust", reason: TITLE },
  "account-closed": { given: 90, writtenOff: 0 },
  "account-written-off": { memberId: "m3", name: NAME, minutes: 90 },
  "credits-awarded": { ...credit, payer: NAME, account: "Ana", volunteers: 1, memo: TITLE },
  "credits-redeemed": {
    ...credit,
    transferKind: "redemption",
    minutes: -90,
    payer: "Ana",
    payee: NAME,
    activity: TITLE,
  },
  "credits-donated": { ...credit, transferKind: "donation", minutes: -90, memo: TITLE, doneBy: NAME },
  "credits-granted": { ...credit, transferKind: "grant", memo: TITLE },
  "credits-reversed": {
    ...credit,
    transferKind: "reversal",
    minutes: -90,
    memo: TITLE,
    reversedKind: "award",
  },
  "redemption-requested": {
    requestId: "RQ-1",
    venue: NAME,
    activity: TITLE,
    places: 2,
    minutes: 90,
    expiresAt: "2026-05-08T10:00:00.000Z",
  },
  "redemption-declined": {
    requestId: "RQ-1",
    venueId: "v1",
    venue: NAME,
    member: "Ana",
    activity: TITLE,
    places: 1,
    minutes: 90,
  },
  "dispute-to-resolve": {
    exchangeId: "ex1",
    disputedBy: "m2",
    disputedByName: NAME,
    parties: `${NAME}\nAna`,
    reason: TITLE,
    minutes: 90,
    category: "gardening",
    areas: "old-town,canal-side",
    description: TITLE,
  },
  "conversation-message": { conversationId: "c1", from: NAME, shown: "text", excerpt: TITLE },
  "conversation-reported": { reportId: "r1", conversationId: "c1", reporter: NAME, reported: TITLE },
  "conversation-warning": { reportId: "r1", conversationId: "c1", note: TITLE },
  "conversation-report-decided": { reportId: "r1", conversationId: "c1" },
};

function notice<K extends NoticeKind>(kind: K, params: NoticeParamsOf<K>): Notification {
  return {
    notificationId: "n1",
    memberId: "m1",
    ...noticeContent(kind, params),
    createdAt: "2026-03-01T10:00:00.000Z",
  };
}

/** Which of the sample's typed values a kind's words show (title or body). */
function typedIn(kind: NoticeKind): string[] {
  const params = samples[kind] as Record<string, unknown>;
  return [TITLE, NAME].filter((typed) => Object.values(params).some((v) => String(v).includes(typed)));
}

const cases = noticeKinds.flatMap((kind) => languageCodes.map((language) => [kind, language] as const));

describe("renderNotice", () => {
  it.each(cases)("%s in %s: every value in place, members' text as typed", (kind, language) => {
    const text = renderNotice(notice(kind, samples[kind] as never), language, city);
    expect(text.language).toBe(language);
    expect(text.title.length).toBeGreaterThan(0);
    expect(`${text.title}${text.body}`).not.toMatch(/[{}]/);
    for (const typed of typedIn(kind)) expect(`${text.title} ${text.body}`).toContain(typed);
  });

  it.each(cases.filter(([, l]) => l !== "en"))("%s in %s differs from English", (kind, language) => {
    const english = renderNotice(notice(kind, samples[kind] as never), "en", city);
    const translated = renderNotice(notice(kind, samples[kind] as never), language, city);
    expect(translated.body === english.body && translated.title === english.title).toBe(false);
  });

  it("writes durations, dates, distances, plurals and names the reader's way", () => {
    const proposed = notice("exchange-proposed", { ...base, description: undefined });
    expect(renderNotice(proposed, "en", city).body).toBe(
      `${NAME} proposes 1 hr 30 min of Gardening. Accept or decline it.`,
    );
    expect(renderNotice(proposed, "nl", city).body).toBe(
      `${NAME} stelt 1 uur 30 min Tuinieren voor. Aanvaard of weiger het voorstel.`,
    );
    expect(renderNotice(proposed, "de", city).title).toBe(`${NAME} schlägt einen Tausch vor: Gartenarbeit`);
    const expiring = notice("post-expiring", samples["post-expiring"]);
    expect(renderNotice(expiring, "fr", city).body).toContain("expire le 12 mars 2026");
    expect(renderNotice(expiring, "es", city).body).toContain("caduca el 12 de marzo de 2026");
    const suggestion = notice("suggestion", samples.suggestion);
    expect(renderNotice(suggestion, "de", city).body).toContain("400 m");
    const one = notice("digest", { count: 1, titles: TITLE });
    expect(renderNotice(one, "nl", city).title).toBe("1 koppeling voor u");
    expect(renderNotice(notice("digest", samples.digest), "nl", city).title).toBe("2 koppelingen voor u");
    expect(renderNotice(notice("digest", samples.digest), "en", city).body).toContain(
      `${TITLE} and Dog walks`,
    );
    expect(renderNotice(notice("digest", samples.digest), "fr", city).body).toContain(
      `${TITLE} et Dog walks`,
    );
  });

  it("quotes an exchange's description the reader's way, and falls back to its category", () => {
    const described = notice("exchange-proposed", base);
    expect(renderNotice(described, "fr", city).title).toBe(`${NAME} propose un échange : « ${TITLE} »`);
    expect(renderNotice(described, "de", city).title).toBe(`${NAME} schlägt einen Tausch vor: „${TITLE}“`);
  });

  it("leaves out a missing memo or reason, and never drops one a member typed as 'none'", () => {
    const without = notice("exchange-declined", { ...base, reason: undefined });
    expect(renderNotice(without, "en", city).body).toBe("Nothing was agreed.");
    const none = notice("exchange-declined", { ...base, reason: "none" });
    expect(renderNotice(none, "en", city).body).toBe("Nothing was agreed. Reason: none");
  });

  it("hides a sensitive conversation's message, and names the coordinator who suggests a first task", () => {
    const hidden = notice("conversation-message", { conversationId: "c1", from: NAME, shown: "hidden" });
    expect(renderNotice(hidden, "nl", city)).toMatchObject({
      title: `Nieuw bericht van ${NAME}`,
      body: "Je hebt een nieuw bericht. Open het gesprek om het te lezen.",
    });
    const firstTask = notice("suggestion", { ...samples.suggestion, coordinator: NAME });
    expect(renderNotice(firstTask, "en", city).title).toBe(`A first task, suggested by ${NAME}`);
    expect(renderNotice(notice("suggestion", samples.suggestion), "en", city).title).toBe(
      "A small way to start",
    );
  });

  it("shows an old notice stored with English text as stored", () => {
    const old: Notification = {
      notificationId: "n0",
      memberId: "m1",
      kind: "credits-awarded",
      title: "Riverside Food Bank awarded you 60 minutes",
      body: "60 minutes from Riverside Food Bank: thank you for volunteering.",
      // Params of the time, before every kind carried what its words need.
      params: { transferId: "t0", transferKind: "award", minutes: 60, by: "m9" },
      createdAt: "2026-01-01T10:00:00.000Z",
    };
    expect(renderNotice(old, "nl", city)).toEqual({ title: old.title, body: old.body, language: "en" });
  });

  it("refuses content that does not fit its kind", () => {
    expect(() => noticeContent("post-expired", { postId: "p1" } as never)).toThrow(/post-expired: postTitle/);
  });

  it("reads in the member's language, else the city's default", () => {
    const withDefault = {
      ...city,
      languages: { default: "fr" as Language, offered: city.languages.offered },
    };
    expect(readerLanguage({ preferredLanguage: "de" }, withDefault)).toBe("de");
    expect(readerLanguage({}, withDefault)).toBe("fr");
  });
});
