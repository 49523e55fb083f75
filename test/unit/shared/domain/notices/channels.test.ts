import { describe, expect, it } from "vitest";
import { ValidationError } from "#domain/kernel/errors.ts";
import {
  channelsFor,
  escapeHtml,
  inQuietHours,
  render,
  renderBundle,
  requireReachable,
} from "#domain/notices/channels.ts";
import { aMember } from "../../../../support/builders.ts";
import { exampleCity } from "../../../../support/city.ts";

const city = exampleCity(); // Europe/Brussels, quiet 21:00-08:00, email on, SMS off
const base = aMember({ memberId: "m", displayName: "M" });

describe("channels a member is reached on", () => {
  it("follows the contact preference", () => {
    expect(channelsFor({ ...base, contact: { preference: "email", email: "a@b.org" } }, city)).toEqual([
      { channel: "email", to: "a@b.org" },
    ]);
    expect(channelsFor({ ...base, contact: { preference: "in-app", email: "a@b.org" } }, city)).toEqual([]);
    expect(channelsFor({ ...base, contact: { preference: "via-coordinator" } }, city)).toEqual([]);
  });

  it("sends SMS only where the city enabled it", () => {
    const member = { ...base, contact: { preference: "sms" as const, phone: "+32470123456" } };
    expect(channelsFor(member, city)).toEqual([]);
    const smsCity = { ...city, notifications: { ...city.notifications, smsEnabled: true } };
    expect(channelsFor(member, smsCity)).toEqual([{ channel: "sms", to: "+32470123456" }]);
  });

  it("accepts a contact preference only if the city can reach the member that way", () => {
    const smsCity = { ...city, notifications: { ...city.notifications, smsEnabled: true } };
    const noEmailCity = { ...city, notifications: { ...city.notifications, emailFrom: undefined } };
    const refusal = (check: () => void) => {
      try {
        check();
      } catch (error) {
        if (error instanceof ValidationError) return { message: error.message, details: error.details };
        throw error;
      }
      return undefined;
    };
    const sms = { preference: "sms" as const, phone: "+32470123456" };
    // SMS off: the choice would reach nobody outside the inbox, so it is refused, the field named.
    expect(refusal(() => requireReachable(city, sms))).toEqual({
      message: expect.stringMatching(/SMS/),
      details: [{ path: "contact.preference", message: expect.stringMatching(/SMS is not offered/) }],
    });
    expect(refusal(() => requireReachable(smsCity, sms))).toBeUndefined();
    expect(refusal(() => requireReachable(smsCity, { preference: "sms" }))?.details).toEqual([
      { path: "contact.phone", message: expect.any(String) },
    ]);
    expect(refusal(() => requireReachable(city, { preference: "email" }))?.details).toEqual([
      { path: "contact.email", message: expect.any(String) },
    ]);
    expect(
      refusal(() => requireReachable(noEmailCity, { preference: "email", email: "a@b.org" }))?.details,
    ).toEqual([{ path: "contact.preference", message: expect.stringMatching(/Email is not offered/) }]);
    for (const preference of ["in-app", "via-coordinator"] as const) {
      expect(refusal(() => requireReachable(city, { preference }))).toBeUndefined();
    }
  });

  it("reaches nobody who is not active", () => {
    expect(
      channelsFor({ ...base, status: "suspended", contact: { preference: "email", email: "a@b.org" } }, city),
    ).toEqual([]);
  });
});

describe("quiet hours in the city's time zone", () => {
  it.each([
    ["2026-06-01T18:59:00Z", false], // 20:59 in Brussels (summer time)
    ["2026-06-01T19:00:00Z", true], // 21:00
    ["2026-06-02T05:59:00Z", true], // 07:59
    ["2026-06-02T06:00:00Z", false], // 08:00
    ["2026-01-15T06:30:00Z", true], // 07:30 in winter time (UTC+1)
    ["2026-01-15T07:30:00Z", false], // 08:30 in winter time
  ] as const)("%s quiet: %s", (instant, quiet) => {
    expect(inQuietHours(new Date(instant), city)).toBe(quiet);
  });

  it("handles a window that does not wrap midnight", () => {
    const lunch = {
      ...city,
      notifications: { ...city.notifications, quietHours: { start: "12:00", end: "14:00" } },
    };
    expect(inQuietHours(new Date("2026-06-01T11:00:00Z"), lunch)).toBe(true);
    expect(inQuietHours(new Date("2026-06-01T13:00:00Z"), lunch)).toBe(false);
  });
});

it("renders a short SMS and an email with the app link", () => {
  const note = {
    notificationId: "n1",
    memberId: "m",
    kind: "membership-approved" as const,
    title: "Welcome",
    body: "You are in.",
    link: "/members/m",
    createdAt: "2026-01-01T00:00:00.000Z",
  };
  expect(render(note, "email", "a@b.org", city, "en").text).toContain(
    "https://timebank.riverside.example/members/m",
  );
  expect(render(note, "sms", "+32", city, "en").text.length).toBeLessThanOrEqual(300);
});

describe("notices held through quiet hours, sent together", () => {
  const notice = (id: string, title: string) => ({
    notificationId: id,
    memberId: "m",
    kind: "match" as const,
    title,
    body: `About ${title}`,
    link: `/posts/${id}`,
    createdAt: "2026-01-01T22:00:00.000Z",
  });

  it("one notice reads as it would have; several as one message with each of them", () => {
    expect(renderBundle([notice("a", "One")], "email", "m@x.org", city, "en")).toEqual(
      render(notice("a", "One"), "email", "m@x.org", city, "en"),
    );
    const email = renderBundle([notice("a", "One"), notice("b", "Two")], "email", "m@x.org", city, "en");
    expect(email.subject).toBe("2 notices from Riverside time bank");
    expect(email.text).toContain("One\nAbout One");
    expect(email.text).toContain("Two\nAbout Two");
    const sms = renderBundle([notice("a", "One"), notice("b", "Two")], "sms", "+32470123456", city, "en");
    expect(sms.text).toBe("Riverside: One; Two");
  });
});

describe("messages in the member's language", () => {
  const hostile = "<img src=x onerror=alert(1)> & “quotes”";
  const proposal = {
    notificationId: "n2",
    memberId: "m",
    kind: "exchange-proposed" as const,
    params: { exchangeId: "E1", who: "Zoë", category: "gardening", minutes: 90, description: hostile },
    link: "/exchanges/E1",
    createdAt: "2026-01-01T10:00:00.000Z",
  };

  it("writes subject and body in the reader's language, members' text as typed", () => {
    const dutch = render(proposal, "email", "a@b.org", city, "nl");
    expect(dutch.language).toBe("nl");
    expect(dutch.subject).toBe(`Zoë stelt een uitwisseling voor: ‘${hostile}’`);
    expect(dutch.text).toContain("Zoë stelt 1 uur 30 min Tuinieren voor.");
    expect(dutch.text).toContain("— Tijdbank Riverside");
    const french = render(proposal, "email", "a@b.org", city, "fr");
    expect(french.text).toMatch(/Zoë propose 1\sh 30\smin en Jardinage\./);
    expect(render(proposal, "sms", "+32", city, "de").text).toBe(
      `Riverside: Zoë schlägt einen Tausch vor: „${hostile}“ https://timebank.riverside.example/exchanges/E1`,
    );
  });

  it("escapes everything in the HTML body, so typed markup is shown, never run", () => {
    const html = render(proposal, "email", "a@b.org", city, "es").html ?? "";
    expect(html).toContain('<html lang="es">');
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62; &#38; “quotes”");
    expect(html).toContain('<a href="https://timebank.riverside.example/exchanges/E1">');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
  });

  it("counts a bundle in the reader's language", () => {
    const bundle = renderBundle(
      [proposal, { ...proposal, notificationId: "n3" }],
      "email",
      "a@b.org",
      city,
      "de",
    );
    expect(bundle.subject).toBe("2 Nachrichten von der Zeitbank Riverside");
  });
});
