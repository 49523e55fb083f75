import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AccountView } from "#domain/ledger/accounts.ts";
import type { Activity } from "#domain/ledger/activity.ts";
import type { Transfer } from "#domain/ledger/books.ts";
import type { RedemptionRequest } from "#domain/ledger/redemption-request.ts";
import { approveRedemptionRequest } from "#domain/ledger/venue-redemptions.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";
import { createMember, errorOf, expectLedgerSound, newKey } from "../../ledger/support.ts";

/** A venue records a redemption at the counter; only the member's approval moves their credits. */
let city: TestCity;
let ids: Record<string, string>;
let kitchen = "";
let activity: Activity;
beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
  kitchen = ids.kitchen ?? "";
  const published = await city.call("POST", `/organisations/${kitchen}/activities`, {
    as: "amira",
    body: { title: "Cookery class", minutes: 60 },
  });
  expect(published.status).toBe(201);
  activity = published.body as Activity;
});
afterAll(async () => {
  await city?.stop();
});
afterEach(async () => {
  await expectLedgerSound(city.runtime.deps);
});

const key = () => ({ "idempotency-key": newKey() });
async function balance(as: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await city.call("GET", "/me/account", { as, headers });
  expect(res.status).toBe(200);
  return (res.body as AccountView).balanceMinutes;
}
function record(body: Record<string, unknown>, as = "amira", headers: Record<string, string> = key()) {
  return city.call("POST", `/organisations/${kitchen}/redemption-requests`, { as, body, headers });
}
async function recorded(memberId: string, places = 1): Promise<RedemptionRequest> {
  const res = await record({ memberId, activityId: activity.activityId, places });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as RedemptionRequest;
}
async function pendingOf(as: string, headers: Record<string, string> = {}): Promise<RedemptionRequest[]> {
  const res = await city.call("GET", "/me/redemption-requests", { as, headers });
  expect(res.status).toBe(200);
  return (res.body as { items: RedemptionRequest[] }).items;
}
async function dayList(): Promise<RedemptionRequest[]> {
  const res = await city.call("GET", `/organisations/${kitchen}/redemption-requests`, { as: "amira" });
  expect(res.status).toBe(200);
  return (res.body as { items: RedemptionRequest[] }).items;
}
/** Every item a refused request could have written: the member's list, the venue's day, the inbox. */
async function traces(as: string) {
  await city.runtime.poller.drain();
  const inbox = await city.call("GET", "/me/inbox", { as });
  const notices = (inbox.body as { items: Notification[] }).items.filter((n) =>
    n.kind.startsWith("redemption"),
  );
  return { mine: (await pendingOf(as)).length, day: (await dayList()).length, notices: notices.length };
}

describe("a venue records a redemption", () => {
  it("waits for the member, tells them in their language, and shows in the day's list", async () => {
    const before = await balance("chen");
    const request = await recorded(ids.chen ?? "", 2);
    expect(request).toMatchObject({ status: "pending", minutes: 120, places: 2, memberName: "Chen Wei" });
    expect(await balance("chen")).toBe(before);
    expect((await pendingOf("chen")).map((r) => r.requestId)).toContain(request.requestId);
    expect((await dayList()).find((r) => r.requestId === request.requestId)?.status).toBe("pending");
    await city.runtime.poller.drain();
    const inbox = (await city.call("GET", "/me/inbox", { as: "chen" })).body as {
      items: (Notification & { title: string })[];
    };
    const told = inbox.items.find((n) => n.kind === "redemption-requested");
    expect(told?.title).toContain("Cookery class");
  });

  it("refuses, writing nothing: beyond the balance, an unknown member, another venue's activity, self-dealing, a non-admin, no key", async () => {
    const fresh = await createMember(city.runtime.deps, { id: "vr-fresh", login: "vr-fresh" });
    const before = await traces("vr-fresh");
    const course = await city.call("POST", `/organisations/${kitchen}/activities`, {
      as: "amira",
      body: { title: "Weekend course", minutes: 240 },
    });
    const beyond = await record({
      memberId: fresh.memberId,
      activityId: (course.body as Activity).activityId,
      places: 3,
    });
    expect(beyond.status).toBe(422);
    expect(errorOf(beyond.body).code).toBe("LIMIT_EXCEEDED");
    const unknown = await record({ memberId: "01UNKNOWNMEMBER00000000000", activityId: activity.activityId });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown.body).details?.[0]?.path).toBe("memberId");
    const other = await city.call("POST", "/organisations", {
      as: "dora",
      body: {
        displayName: "Other venue",
        area: "old-town",
        organisationType: "venue",
        languages: ["en"],
        admins: [ids.ben],
      },
    });
    const otherId = (other.body as { memberId: string }).memberId;
    const elsewhere = await city.call("POST", `/organisations/${otherId}/activities`, {
      as: "ben",
      body: { title: "Swim", minutes: 30 },
    });
    const notOurs = await record({
      memberId: fresh.memberId,
      activityId: (elsewhere.body as Activity).activityId,
    });
    expect(notOurs.status).toBe(400);
    expect(errorOf(notOurs.body).details?.[0]?.path).toBe("activityId");
    const self = await record({ memberId: ids.amira, activityId: activity.activityId });
    expect(self.status).toBe(403);
    expect(errorOf(self.body).code).toBe("SELF_DEALING");
    const notAdmin = await record({ memberId: fresh.memberId, activityId: activity.activityId }, "chen");
    expect(notAdmin.status).toBe(404);
    const noKey = await record({ memberId: fresh.memberId, activityId: activity.activityId }, "amira", {});
    expect(noKey.status).toBe(400);
    expect(await traces("vr-fresh")).toEqual(before);
    expect(await balance("vr-fresh")).toBe(0);
  });

  it("refuses a suspended or closed member with ACCOUNT_FROZEN", async () => {
    const suspended = await createMember(city.runtime.deps, { id: "vr-suspended", login: "vr-suspended" });
    await city.runtime.deps.members.update({ ...suspended, status: "suspended" }, suspended.updatedAt);
    const res = await record({ memberId: suspended.memberId, activityId: activity.activityId });
    expect(res.status).toBe(422);
    expect(errorOf(res.body).code).toBe("ACCOUNT_FROZEN");
  });

  it("is idempotent: the same key records once", async () => {
    const fresh = await createMember(city.runtime.deps, { id: "vr-idem", login: "vr-idem" });
    const headers = key();
    const body = { memberId: fresh.memberId, activityId: activity.activityId };
    const first = await record(body, "amira", headers);
    const again = await record(body, "amira", headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect((again.body as RedemptionRequest).requestId).toBe((first.body as RedemptionRequest).requestId);
    expect(await pendingOf("vr-idem")).toHaveLength(1);
    const reused = await record({ ...body, places: 2 }, "amira", headers);
    expect(reused.status).toBe(409);
  });
});

describe("the member answers", () => {
  it("approves: paid once under a double approve with two keys, the day's list shows it approved", async () => {
    const fresh = await createMember(city.runtime.deps, { id: "vr-approve", login: "vr-approve" });
    const request = await recorded(fresh.memberId);
    const venueBefore = await balance("amira", { "x-act-for": kitchen });
    const path = `/redemption-requests/${request.requestId}/approval`;
    const [a, b] = await Promise.all([
      city.call("POST", path, { as: "vr-approve", headers: key() }),
      city.call("POST", path, { as: "vr-approve", headers: key() }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((a.body as Transfer).transferId).toBe((b.body as Transfer).transferId);
    expect(await balance("vr-approve")).toBe(-60);
    expect(await balance("amira", { "x-act-for": kitchen })).toBe(venueBefore + 60);
    const third = await city.call("POST", path, { as: "vr-approve", headers: key() });
    expect(third.status).toBe(201);
    expect(await balance("vr-approve")).toBe(-60);
    expect((await dayList()).find((r) => r.requestId === request.requestId)).toMatchObject({
      status: "approved",
      transferId: (a.body as Transfer).transferId,
    });
    const decline = await city.call("POST", `/redemption-requests/${request.requestId}/decline`, {
      as: "vr-approve",
    });
    expect(decline.status).toBe(409);
  });

  it("another member cannot approve or decline it", async () => {
    const fresh = await createMember(city.runtime.deps, { id: "vr-owner", login: "vr-owner" });
    const request = await recorded(fresh.memberId);
    const path = `/redemption-requests/${request.requestId}`;
    expect((await city.call("POST", `${path}/approval`, { as: "ben", headers: key() })).status).toBe(404);
    expect((await city.call("POST", `${path}/decline`, { as: "ben" })).status).toBe(404);
    expect((await city.call("POST", `${path}/approval`, { as: "amira", headers: key() })).status).toBe(404);
  });

  it("declines: nothing moves, the venue admin is told, and it cannot be approved after", async () => {
    const fresh = await createMember(city.runtime.deps, { id: "vr-decline", login: "vr-decline" });
    const request = await recorded(fresh.memberId);
    const path = `/redemption-requests/${request.requestId}`;
    const declined = await city.call("POST", `${path}/decline`, { as: "vr-decline" });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: "declined", decidedBy: fresh.memberId });
    expect((await city.call("POST", `${path}/decline`, { as: "vr-decline" })).status).toBe(200);
    const approve = await city.call("POST", `${path}/approval`, { as: "vr-decline", headers: key() });
    expect(approve.status).toBe(409);
    expect(await balance("vr-decline")).toBe(0);
    await city.runtime.poller.drain();
    const inbox = (await city.call("GET", "/me/inbox", { as: "amira" })).body as { items: Notification[] };
    const told = inbox.items.filter(
      (n) => n.kind === "redemption-declined" && n.params?.requestId === request.requestId,
    );
    expect(told).toHaveLength(1);
  });

  it("a refusal at approval (the balance fell meanwhile) leaves it pending and moves nothing", async () => {
    const fresh = await createMember(city.runtime.deps, { id: "vr-fell", login: "vr-fell" });
    const request = await recorded(fresh.memberId, 10);
    // The balance falls below what the request needs: the member donates most of their credit.
    const donated = await city.call("POST", "/pot/donations", {
      as: "vr-fell",
      body: { minutes: 300 },
      headers: key(),
    });
    expect(donated.status).toBe(201);
    const approve = await city.call("POST", `/redemption-requests/${request.requestId}/approval`, {
      as: "vr-fell",
      headers: key(),
    });
    expect(approve.status).toBe(422);
    expect(errorOf(approve.body).code).toBe("LIMIT_EXCEEDED");
    expect(await balance("vr-fell")).toBe(-300);
    expect((await pendingOf("vr-fell"))[0]?.status).toBe("pending");
  });

  it("an expired request cannot be approved and shows as expired", async () => {
    const fresh = await createMember(city.runtime.deps, { id: "vr-expired", login: "vr-expired" });
    const request = await recorded(fresh.memberId);
    const later = { now: () => new Date(Date.now() + 8 * 86_400_000) };
    const deps = { ...city.runtime.deps, clock: later };
    await expect(
      approveRedemptionRequest(deps, { actor: fresh, subject: fresh }, request.requestId, {
        scope: fresh.memberId,
        key: newKey(),
        fingerprint: "expired",
      }),
    ).rejects.toMatchObject({ code: "RULE_VIOLATION" });
    expect(await balance("vr-expired")).toBe(0);
    const stored = await city.runtime.deps.redemptionRequests.get(request.requestId);
    expect(stored?.status).toBe("pending");
    expect(
      stored && Math.round((Date.parse(stored.expiresAt) - Date.parse(stored.createdAt)) / 86_400_000),
    ).toBe(7);
  });

  it("a coordinator acting for the member approves for them; not for a closed member", async () => {
    const offline = await createMember(city.runtime.deps, { id: "vr-offline", area: "old-town" });
    const request = await recorded(offline.memberId);
    const forOffline = { "x-act-for": offline.memberId };
    expect((await pendingOf("dora", forOffline)).map((r) => r.requestId)).toEqual([request.requestId]);
    const approved = await city.call("POST", `/redemption-requests/${request.requestId}/approval`, {
      as: "dora",
      headers: { ...forOffline, ...key() },
    });
    expect(approved.status).toBe(201);
    expect((approved.body as Transfer).createdBy).toBe(ids.dora);
    expect(await balance("dora", forOffline)).toBe(-60);

    const closing = await createMember(city.runtime.deps, { id: "vr-closed", area: "old-town" });
    const second = await recorded(closing.memberId);
    const current = await city.runtime.deps.members.get(closing.memberId);
    if (!current) throw new Error("member missing");
    await city.runtime.deps.members.update({ ...current, status: "closed" }, current.updatedAt);
    const refused = await city.call("POST", `/redemption-requests/${second.requestId}/approval`, {
      as: "dora",
      headers: { "x-act-for": closing.memberId, ...key() },
    });
    expect(refused.status).toBe(403);
  });

  it("refuses a forged cursor and a malformed day on the lists", async () => {
    const forged = await city.call(
      "GET",
      `/organisations/${kitchen}/redemption-requests?cursor=eyJmb28iOjF9`,
      {
        as: "amira",
      },
    );
    expect(forged.status).toBe(400);
    const badDay = await city.call("GET", `/organisations/${kitchen}/redemption-requests?day=yesterday`, {
      as: "amira",
    });
    expect(badDay.status).toBe(400);
    expect(
      (await city.call("GET", `/organisations/${kitchen}/redemption-requests`, { as: "chen" })).status,
    ).toBe(404);
  });
});
