import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Activity } from "#domain/ledger/activity.ts";
import { MAX_LEGS, type Transfer } from "#domain/ledger/books.ts";
import { awardCredits } from "#domain/ledger/credits.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import { exampleCity, startTestCity, type TestCity } from "../../support/city.ts";
import { createMember, expectLedgerSound, newKey } from "./support.ts";

/** Whoever's balance a credit move changes is told why: inbox and channel, once per transfer. */
let city: TestCity;
let ids: Record<string, string>;
const id = (handle: string) => ids[handle] ?? handle;

beforeAll(async () => {
  const base = exampleCity();
  // No quiet hours, so the channel part does not depend on the hour the test runs.
  city = await startTestCity({
    city: { ...base, notifications: { ...base.notifications, quietHours: { start: "00:00", end: "00:00" } } },
  });
  ids = city.runtime.demoIds ?? {};
  const limits = await city.call("PUT", `/accounts/${id("kitchen")}/limits`, {
    as: "sam",
    body: { creditLimitMinutes: 60_000, maxBalanceMinutes: 60_000 },
  });
  expect(limits.status, limits.text).toBe(200);
  const email = await city.call("PATCH", "/me/profile", {
    as: "chen",
    body: { contact: { preference: "email", email: "chen@example.org" } },
  });
  expect(email.status, email.text).toBe(200);
  await city.runtime.poller.drain();
});
afterAll(async () => {
  try {
    await expectLedgerSound(city.runtime.deps);
  } finally {
    await city?.stop();
  }
});

/** The notices about one transfer in a member's inbox. */
async function noticesOf(memberId: string, transferId: string): Promise<Notification[]> {
  const page = await city.runtime.deps.inbox.list(memberId, { limit: 50 });
  return page.items.filter((n) => n.params?.transferId === transferId);
}

async function move(as: string, path: string, body: unknown, key = newKey("move"), actFor?: string) {
  const headers: Record<string, string> = {
    "idempotency-key": key,
    ...(actFor ? { "x-act-for": actFor } : {}),
  };
  const res = await city.call("POST", path, { as, body, headers });
  expect(res.status, res.text).toBe(201);
  return res.body as Transfer;
}

describe("credit moves tell everyone whose balance moved", () => {
  it("an award: each volunteer and the organisation, once, with the reason; retries tell nobody again", async () => {
    const key = newKey("award");
    const body = {
      memo: "Saturday soup kitchen",
      volunteers: [
        { memberId: id("ben"), minutes: 120 },
        { memberId: id("chen"), minutes: 60 },
      ],
    };
    const award = await move("amira", `/organisations/${id("kitchen")}/awards`, body, key);
    const [ben] = await noticesOf(id("ben"), award.transferId);
    expect(ben).toMatchObject({
      kind: "credits-awarded",
      title: expect.stringContaining("Riverside Community Kitchen"),
      body: expect.stringContaining("Saturday soup kitchen"),
      params: { transferId: award.transferId, minutes: 120, memo: "Saturday soup kitchen" },
    });
    expect((await noticesOf(id("chen"), award.transferId))[0]?.params).toMatchObject({ minutes: 60 });
    // The organisation's own balance moved too: its admins read it in its inbox.
    expect((await noticesOf(id("kitchen"), award.transferId))[0]).toMatchObject({
      kind: "credits-awarded",
      params: { minutes: -180 },
    });
    // A retry answers the same and tells nobody twice.
    await move("amira", `/organisations/${id("kitchen")}/awards`, body, key);
    for (const member of ["ben", "chen", "kitchen"]) {
      expect(await noticesOf(id(member), award.transferId)).toHaveLength(1);
    }
    // On their channel: Chen prefers email.
    await city.runtime.poller.drain();
    const emails = city.runtime
      .outbox()
      .filter((m) => m.to === "chen@example.org" && m.subject.includes("Riverside Community Kitchen"));
    expect(emails).toHaveLength(1);
    expect(emails[0]?.text).toContain("60 minutes");
  });

  it("an award to more volunteers than one transaction can tell: every one of them, once", async () => {
    const volunteers: { memberId: string; minutes: number }[] = [];
    for (let i = 0; i < MAX_LEGS; i++) {
      const member = await createMember(city.runtime.deps, { id: `volunteer-${i}` });
      volunteers.push({ memberId: member.memberId, minutes: 30 });
    }
    const key = newKey("big-award");
    const path = `/organisations/${id("kitchen")}/awards`;
    const award = await move("amira", path, { volunteers }, key);
    await move("amira", path, { volunteers }, key);
    for (const v of volunteers) {
      const notices = await noticesOf(v.memberId, award.transferId);
      expect(notices, v.memberId).toHaveLength(1);
      expect(notices[0]?.params).toMatchObject({ minutes: 30 });
    }
    expect(await noticesOf(id("kitchen"), award.transferId)).toHaveLength(1);
  });

  it("a run cut short after its transaction: the retry tells whoever it had not told, and nobody twice", async () => {
    const deps = city.runtime.deps;
    const [amira, kitchen] = await Promise.all([
      deps.members.get(id("amira")),
      deps.members.get(id("kitchen")),
    ]);
    if (!amira || !kitchen) throw new Error("demo members missing");
    const volunteers: { memberId: string; minutes: number }[] = [];
    for (let i = 0; i < MAX_LEGS; i++) {
      const member = await createMember(deps, { id: `cut-${i}` });
      volunteers.push({ memberId: member.memberId, minutes: 15 });
    }
    const context = { scope: amira.memberId, key: newKey("cut"), fingerprint: "award-cut-short" };
    const acting = { actor: amira, subject: kitchen };
    // The process stops right after the posting's transaction: the notices that did not fit in it
    // are never delivered by this run.
    const failing = {
      ...deps,
      inbox: {
        ...deps.inbox,
        deliver: async () => {
          throw new Error("the process stopped");
        },
      },
    };
    await expect(awardCredits(failing, acting, { volunteers }, context)).rejects.toThrow("stopped");
    const told = async () =>
      (await Promise.all(volunteers.map((v) => deps.inbox.list(v.memberId, { limit: 10 })))).map(
        (page) => page.items.filter((n) => n.kind === "credits-awarded").length,
      );
    expect((await told()).filter((n) => n === 0).length).toBeGreaterThan(0);
    const retried = await awardCredits(deps, acting, { volunteers }, context);
    expect(retried.status).toBe(201);
    expect(await told()).toEqual(volunteers.map(() => 1));
  });

  it("a redemption: the member who spent (a receipt) and the venue", async () => {
    const venue = await createMember(city.runtime.deps, {
      id: "notice-venue",
      kind: "organisation",
      admins: [id("ben")],
    });
    const published = await city.call("POST", `/organisations/${venue.memberId}/activities`, {
      as: "ben",
      body: { title: "Repair café", minutes: 45 },
    });
    expect(published.status, published.text).toBe(201);
    const activity = published.body as Activity;
    const spent = await move("chen", `/activities/${activity.activityId}/redemptions`, { places: 1 });
    expect((await noticesOf(id("chen"), spent.transferId))[0]).toMatchObject({
      kind: "credits-redeemed",
      title: expect.stringContaining("Repair café"),
      params: { minutes: -45 },
    });
    expect((await noticesOf(venue.memberId, spent.transferId))[0]).toMatchObject({
      kind: "credits-redeemed",
      title: expect.stringContaining("Chen Wei"),
      params: { minutes: 45 },
    });
  });

  it("a donation, a grant from the pot and a reversal: the member each time, with the reason", async () => {
    const donation = await move("ben", "/pot/donations", { minutes: 15, memo: "For the pot" });
    expect((await noticesOf(id("ben"), donation.transferId))[0]).toMatchObject({
      kind: "credits-donated",
      params: { minutes: -15 },
    });
    const grant = await move("dora", "/pot/grants", {
      memberId: id("ben"),
      minutes: 30,
      reason: "Thank you for the repair café",
    });
    expect((await noticesOf(id("ben"), grant.transferId))[0]).toMatchObject({
      kind: "credits-granted",
      title: expect.stringContaining("Dora Peeters"),
      body: expect.stringContaining("Thank you for the repair café"),
      params: { minutes: 30 },
    });
    const reversal = await move("dora", `/transfers/${grant.transferId}/reversal`, {
      reason: "Granted twice by mistake",
    });
    expect((await noticesOf(id("ben"), reversal.transferId))[0]).toMatchObject({
      kind: "credits-reversed",
      body: expect.stringContaining("Granted twice by mistake"),
      params: { minutes: -30, reverses: grant.transferId },
    });
  });

  it("a coordinator acting for a resident: the resident is told", async () => {
    const donation = await move("dora", "/pot/donations", { minutes: 10 }, newKey("for-ben"), id("ben"));
    expect((await noticesOf(id("ben"), donation.transferId))[0]).toMatchObject({
      kind: "credits-donated",
      body: expect.stringContaining("Dora Peeters"),
    });
  });
});
