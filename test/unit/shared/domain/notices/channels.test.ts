import { describe, expect, it } from "vitest";
import { ValidationError } from "#domain/kernel/errors.ts";
import { newMember } from "#domain/membership/member.ts";
import {
  channelsFor,
  inQuietHours,
  render,
  renderBundle,
  requireReachable,
} from "#domain/notices/channels.ts";
import { exampleCity } from "../../../../support/city.ts";

const city = exampleCity(); // Europe/Brussels, quiet 21:00-08:00, email on, SMS off
const base = newMember({
  memberId: "m",
  kind: "person",
  displayName: "M",
  status: "active",
  roles: ["resident"],
  coordinatorAreas: [],
  area: "old-town",
  languages: ["en"],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
});

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
  expect(render(note, "email", "a@b.org", city).text).toContain(
    "https://timebank.riverside.example/members/m",
  );
  expect(render(note, "sms", "+32", city).text.length).toBeLessThanOrEqual(300);
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
    expect(renderBundle([notice("a", "One")], "email", "m@x.org", city)).toEqual(
      render(notice("a", "One"), "email", "m@x.org", city),
    );
    const email = renderBundle([notice("a", "One"), notice("b", "Two")], "email", "m@x.org", city);
    expect(email.subject).toBe("2 notices from Riverside time bank");
    expect(email.text).toContain("One\nAbout One");
    expect(email.text).toContain("Two\nAbout Two");
    const sms = renderBundle([notice("a", "One"), notice("b", "Two")], "sms", "+32470123456", city);
    expect(sms.text).toBe("Riverside: One; Two");
  });
});
