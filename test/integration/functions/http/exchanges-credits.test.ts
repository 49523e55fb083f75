import { afterEach, describe, expect, it } from "vitest";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import type { AccountView, Statement } from "#domain/ledger/accounts.ts";
import type { Activity } from "#domain/ledger/activity.ts";
import { POT_ACCOUNT_ID, type Transfer } from "#domain/ledger/books.ts";
import type { LedgerReport } from "#domain/ledger/reports.ts";
import { storeMember } from "../../../support/builders.ts";
import { useTestCity } from "../../../support/city.ts";
import { createMember, errorOf, expectLedgerSound, newKey } from "../../ledger/support.ts";

/**
 * Accounts and limits, organisation awards, venues, the community pot, reversals and reports. Every
 * test has a demo city of its own and makes the awards, venues and donations it reads.
 */
const city = useTestCity({ each: true });
const ids = city.ids;
const kitchen = () => ids.kitchen ?? "";
afterEach(async () => {
  await expectLedgerSound(city.runtime.deps);
});

const key = () => ({ "idempotency-key": newKey() });
async function account(as: string, headers: Record<string, string> = {}): Promise<AccountView> {
  const res = await city.call("GET", "/me/account", { as, headers });
  expect(res.status).toBe(200);
  return res.body as AccountView;
}

/** An admin gives the kitchen its quota: up to 100 hours awarded. */
async function giveKitchenQuota(): Promise<void> {
  const res = await city.call("PUT", `/accounts/${kitchen()}/limits`, {
    as: "sam",
    body: { creditLimitMinutes: 6000, maxBalanceMinutes: 6000 },
  });
  expect(res.status, res.text).toBe(200);
}

/** The kitchen's Saturday award by its admin Amira: 2 h to Ben, 1.5 h to Chen, 1 h to Dora. */
async function awardSaturday(): Promise<Transfer> {
  const award = await city.call("POST", `/organisations/${kitchen()}/awards`, {
    as: "amira",
    body: {
      volunteers: [
        { memberId: ids.ben, minutes: 120 },
        { memberId: ids.chen, minutes: 90 },
        { memberId: ids.dora, minutes: 60 },
      ],
      memo: "Saturday soup kitchen",
    },
    headers: key(),
  });
  expect(award.status, award.text).toBe(201);
  return award.body as Transfer;
}

/** `as` spends credits once on a venue's activity. */
async function redeem(as: string, activityId: string): Promise<Transfer> {
  const spent = await city.call("POST", `/activities/${activityId}/redemptions`, {
    as,
    body: {},
    headers: key(),
  });
  expect(spent.status, spent.text).toBe(201);
  return spent.body as Transfer;
}

/** A venue run by Ben, stored as it is, with one activity published by him; its activity's id. */
async function venueWithActivity(
  venue: { displayName: string; area: string; id: string },
  activity: { title: string; minutes: number },
): Promise<string> {
  const org = await storeMember(city, {
    memberId: venue.id,
    kind: "organisation",
    displayName: venue.displayName,
    area: venue.area,
    admins: [ids.ben ?? ""],
  });
  const published = await city.call("POST", `/organisations/${org.memberId}/activities`, {
    as: "ben",
    body: activity,
  });
  expect(published.status, published.text).toBe(201);
  return (published.body as Activity).activityId;
}

describe("accounts and limits", () => {
  it("shows an unopened account with the city's defaults, without writing", async () => {
    const fresh = await createMember(city.runtime.deps, { id: "unopened", login: "unopened" });
    const view = await account("unopened");
    expect(view).toMatchObject({
      balanceMinutes: 0,
      creditLimitMinutes: 600,
      maxBalanceMinutes: 3000,
      availableMinutes: 600,
      opened: false,
    });
    expect(await city.runtime.deps.ledger.readAccount(fresh.memberId)).toBeUndefined();
    const forFresh = { "x-act-for": fresh.memberId };
    expect((await city.call("GET", "/me/account", { as: "dora", headers: forFresh })).status).toBe(200);
    expect((await city.call("GET", "/me/account", { as: "ben", headers: forFresh })).status).toBe(404);
  });

  it("coordinators change a resident's limits; not below the current balance; residents cannot", async () => {
    const owner = await createMember(city.runtime.deps, { id: "limits-owner", login: "limits-owner" });
    const path = `/accounts/${owner.memberId}/limits`;
    expect(
      (
        await city.call("PUT", path, {
          as: "ben",
          body: { creditLimitMinutes: 900, maxBalanceMinutes: 3000 },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await city.call("PUT", path, {
          as: "emil",
          body: { creditLimitMinutes: 900, maxBalanceMinutes: 3000 },
        })
      ).status,
    ).toBe(404);
    for (const body of [
      { creditLimitMinutes: -1, maxBalanceMinutes: 3000 },
      { creditLimitMinutes: 1.5, maxBalanceMinutes: 3000 },
      { creditLimitMinutes: 600, maxBalanceMinutes: 10 ** 9 },
      { creditLimitMinutes: "600", maxBalanceMinutes: 3000 },
    ]) {
      expect((await city.call("PUT", path, { as: "dora", body })).status, JSON.stringify(body)).toBe(400);
    }
    const raised = await city.call("PUT", path, {
      as: "dora",
      body: { creditLimitMinutes: 900, maxBalanceMinutes: 4000 },
    });
    expect(raised.body).toMatchObject({ creditLimitMinutes: 900, maxBalanceMinutes: 4000, opened: true });
    // Spend 300, then a limit below -300 is refused with a clear code.
    const spent = await city.call("POST", "/pot/donations", {
      as: "limits-owner",
      body: { minutes: 300 },
      headers: key(),
    });
    expect(spent.status).toBe(201);
    const tooLow = await city.call("PUT", path, {
      as: "dora",
      body: { creditLimitMinutes: 200, maxBalanceMinutes: 4000 },
    });
    expect(tooLow.status).toBe(422);
    expect(errorOf(tooLow.body).code).toBe("LIMIT_EXCEEDED");
    expect((await account("limits-owner")).creditLimitMinutes).toBe(900);
    const exact = await city.call("PUT", path, {
      as: "dora",
      body: { creditLimitMinutes: 300, maxBalanceMinutes: 4000 },
    });
    expect(exact.body).toMatchObject({ balanceMinutes: -300, availableMinutes: 0 });
  });

  it("only admins set an organisation's issuance quota", async () => {
    const body = { creditLimitMinutes: 6000, maxBalanceMinutes: 6000 };
    expect((await city.call("PUT", `/accounts/${kitchen()}/limits`, { as: "dora", body })).status).toBe(403);
    const set = await city.call("PUT", `/accounts/${kitchen()}/limits`, { as: "sam", body });
    expect(set.body).toMatchObject({
      kind: "organisation",
      creditLimitMinutes: 6000,
      availableMinutes: 6000,
    });
  });
});

describe("organisation awards and venues", () => {
  let library = "";
  let activity: Activity;

  it("the kitchen's admin awards credits to three volunteers at once, within its quota", async () => {
    await giveKitchenQuota();
    const before = await Promise.all(["ben", "chen", "dora"].map((who) => account(who)));
    const body = {
      volunteers: [
        { memberId: ids.ben, minutes: 120 },
        { memberId: ids.chen, minutes: 90 },
        { memberId: ids.dora, minutes: 60 },
      ],
      memo: "Saturday soup kitchen",
    };
    const headers = key();
    const award = await city.call("POST", `/organisations/${kitchen()}/awards`, {
      as: "amira",
      body,
      headers,
    });
    expect(award.status).toBe(201);
    const transfer = award.body as Transfer;
    expect(transfer).toMatchObject({
      kind: "award",
      totalMinutes: 270,
      onBehalfOf: kitchen(),
      createdBy: ids.amira,
    });
    expect(transfer.legs).toHaveLength(3);
    const after = await Promise.all(["ben", "chen", "dora"].map((who) => account(who)));
    expect(after.map((a, i) => a.balanceMinutes - (before[i]?.balanceMinutes ?? 0))).toEqual([120, 90, 60]);
    const kitchenAccount = await account("amira", { "x-act-for": kitchen() });
    expect(kitchenAccount).toMatchObject({ balanceMinutes: -270, availableMinutes: 6000 - 270 });

    const retry = await city.call("POST", `/organisations/${kitchen()}/awards`, {
      as: "amira",
      body,
      headers,
    });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(award.body);
    const altered = await city.call("POST", `/organisations/${kitchen()}/awards`, {
      as: "amira",
      body: { ...body, memo: "Changed" },
      headers,
    });
    expect(altered.status).toBe(409);
    expect((await account("amira", { "x-act-for": kitchen() })).balanceMinutes).toBe(-270);
  });

  it("refuses awards beyond the quota, to unknown or repeated volunteers, and from non-admins", async () => {
    await giveKitchenQuota();
    await awardSaturday();
    const over = await city.call("POST", `/organisations/${kitchen()}/awards`, {
      as: "amira",
      body: {
        volunteers: [
          { memberId: ids.ben, minutes: 1440 },
          { memberId: ids.chen, minutes: 1440 },
          { memberId: ids.dora, minutes: 1440 },
          { memberId: ids.sam, minutes: 1440 },
        ],
      },
      headers: key(),
    });
    expect(over.status).toBe(422);
    expect(errorOf(over.body).code).toBe("LIMIT_EXCEEDED");
    for (const [volunteers, field] of [
      [[{ memberId: "01NOSUCH", minutes: 10 }], "volunteers.0.memberId"],
      [
        [
          { memberId: ids.ben, minutes: 10 },
          { memberId: ids.ben, minutes: 10 },
        ],
        "volunteers.1.memberId",
      ],
      [[{ memberId: kitchen(), minutes: 10 }], "volunteers.0.memberId"],
      [[{ memberId: ids.ben, minutes: 0 }], "volunteers.0.minutes"],
      [[], "volunteers"],
    ] as const) {
      const res = await city.call("POST", `/organisations/${kitchen()}/awards`, {
        as: "amira",
        body: { volunteers },
        headers: key(),
      });
      expect(res.status, JSON.stringify(volunteers)).toBe(400);
      expect(errorOf(res.body).details?.map((d) => d.path)).toContain(field);
    }
    const notAdmin = await city.call("POST", `/organisations/${kitchen()}/awards`, {
      as: "ben",
      body: { volunteers: [{ memberId: ids.chen, minutes: 10 }] },
      headers: key(),
    });
    expect(notAdmin.status).toBe(404);
    const noKey = await city.call("POST", `/organisations/${kitchen()}/awards`, {
      as: "amira",
      body: { volunteers: [{ memberId: ids.chen, minutes: 10 }] },
    });
    expect(noKey.status).toBe(400);
    expect((await account("amira", { "x-act-for": kitchen() })).balanceMinutes).toBe(-270);
  });

  it("a venue publishes an activity and a volunteer spends credits there", async () => {
    const org = await city.call("POST", "/organisations", {
      as: "dora",
      body: {
        displayName: "Canal Side Library",
        area: "canal-side",
        organisationType: "venue",
        languages: ["en"],
        admins: [ids.ben],
      },
    });
    library = (org.body as { memberId: string }).memberId;
    const published = await city.call("POST", `/organisations/${library}/activities`, {
      as: "ben",
      body: { title: "Repair café", minutes: 60, category: "diy-repairs" },
    });
    expect(published.status).toBe(201);
    activity = published.body as Activity;
    expect(
      (
        await city.call("POST", `/organisations/${library}/activities`, {
          as: "chen",
          body: { title: "Nope", minutes: 60 },
        })
      ).status,
    ).toBe(404);
    const list = await city.call("GET", "/activities", { as: "chen" });
    expect((list.body as { items: Activity[] }).items[0]).toMatchObject({
      activityId: activity.activityId,
      venueName: "Canal Side Library",
    });

    const chenBefore = (await account("chen")).balanceMinutes;
    const spent = await city.call("POST", `/activities/${activity.activityId}/redemptions`, {
      as: "chen",
      body: {},
      headers: key(),
    });
    expect(spent.status).toBe(201);
    expect(spent.body).toMatchObject({
      kind: "redemption",
      totalMinutes: 60,
      activityId: activity.activityId,
    });
    expect((await account("chen")).balanceMinutes).toBe(chenBefore - 60);
    expect((await account("ben", { "x-act-for": library })).balanceMinutes).toBe(60);
    const tooMany = await city.call("POST", `/activities/${activity.activityId}/redemptions`, {
      as: "chen",
      body: { places: 25 },
      headers: key(),
    });
    expect(tooMany.status).toBe(400);
    const venuePaysItself = await city.call("POST", `/activities/${activity.activityId}/redemptions`, {
      as: "ben",
      body: {},
      headers: { ...key(), "x-act-for": library },
    });
    expect(venuePaysItself.status).toBe(400);
  });
});

describe("the community pot and reversals", () => {
  it("members donate to the pot; coordinators give welcome credits from it, within its limit", async () => {
    const pot = (await city.call("GET", "/pot", { as: "chen" })).body as AccountView;
    const donation = await city.call("POST", "/pot/donations", {
      as: "chen",
      body: { minutes: 20, memo: "Thanks all" },
      headers: key(),
    });
    expect(donation.status).toBe(201);
    expect(((await city.call("GET", "/pot", { as: "chen" })).body as AccountView).balanceMinutes).toBe(
      pot.balanceMinutes + 20,
    );
    const newcomer = await createMember(city.runtime.deps, { id: "newcomer-1", login: "newcomer-1" });
    const grant = (minutes: number) =>
      city.call("POST", "/pot/grants", {
        as: "dora",
        body: { memberId: newcomer.memberId, minutes, reason: "Welcome credit" },
        headers: key(),
      });
    const potLimits = (as: string, creditLimitMinutes: number) =>
      city.call("PUT", `/accounts/${POT_ACCOUNT_ID}/limits`, {
        as,
        body: { creditLimitMinutes, maxBalanceMinutes: 100_000 },
      });
    expect((await potLimits("dora", 6000)).status).toBe(403);
    // The pot gives what it holds plus the credit an admin allows it: make that exactly nothing spare.
    const now = (await city.call("GET", "/pot", { as: "chen" })).body as AccountView;
    const floor = Math.max(0, -now.balanceMinutes);
    expect((await potLimits("sam", floor)).body).toMatchObject({
      availableMinutes: Math.max(0, now.balanceMinutes),
    });
    const tooMuch = await grant(Math.max(0, now.balanceMinutes) + 1);
    expect(tooMuch.status).toBe(422);
    expect(errorOf(tooMuch.body).code).toBe("LIMIT_EXCEEDED");
    expect((await potLimits("sam", floor + 6000)).status).toBe(200);
    expect((await grant(60)).status).toBe(201);
    expect((await account("newcomer-1")).balanceMinutes).toBe(60);
    expect(
      (
        await city.call("POST", "/pot/grants", {
          as: "ben",
          body: { memberId: newcomer.memberId, minutes: 60, reason: "Welcome" },
          headers: key(),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await city.call("POST", "/pot/grants", {
          as: "emil",
          body: { memberId: newcomer.memberId, minutes: 60, reason: "Welcome" },
          headers: key(),
        })
      ).status,
    ).toBe(404);
  });

  it("a coordinator reverses a transfer once; the original stays as it was", async () => {
    const donor = await createMember(city.runtime.deps, { id: "reversal-donor", login: "reversal-donor" });
    const donation = await city.call("POST", "/pot/donations", {
      as: "reversal-donor",
      body: { minutes: 45 },
      headers: key(),
    });
    const original = donation.body as Transfer;
    const path = `/transfers/${original.transferId}/reversal`;
    expect(
      (await city.call("POST", path, { as: "reversal-donor", body: { reason: "Mistake" }, headers: key() }))
        .status,
    ).toBe(403);
    const headers = key();
    const reversal = await city.call("POST", path, {
      as: "dora",
      body: { reason: "Donated by mistake" },
      headers,
    });
    expect(reversal.status).toBe(201);
    expect(reversal.body).toMatchObject({
      kind: "reversal",
      reverses: original.transferId,
      totalMinutes: 45,
    });
    expect((await account("reversal-donor")).balanceMinutes).toBe(0);
    expect(
      (await city.call("POST", path, { as: "dora", body: { reason: "Donated by mistake" }, headers })).body,
    ).toEqual(reversal.body);
    const twice = await city.call("POST", path, { as: "dora", body: { reason: "Again" }, headers: key() });
    expect(twice.status).toBe(409);
    const reverseReversal = await city.call(
      "POST",
      `/transfers/${(reversal.body as Transfer).transferId}/reversal`,
      {
        as: "dora",
        body: { reason: "Undo the undo" },
        headers: key(),
      },
    );
    expect(reverseReversal.status).toBe(422);
    expect(
      (
        await city.call("POST", "/transfers/K-NOSUCHTRANSFER/reversal", {
          as: "dora",
          body: { reason: "Nope" },
          headers: key(),
        })
      ).status,
    ).toBe(404);
    const stored = await city.runtime.deps.ledger.getTransfer(original.transferId);
    expect(stored).toEqual(original);
    const statement = (await city.call("GET", "/me/statement", { as: "reversal-donor" })).body as Statement;
    expect(statement.items.map((l) => [l.kind, l.amountMinutes, l.balanceAfterMinutes])).toEqual([
      ["donation", -45, -45],
      ["reversal", 45, 0],
    ]);
    expect(donor.memberId).toBe("reversal-donor");
  });
});

describe("reversal scope", () => {
  it("needs scope over every member whose balance the reversal moves, not the venue's area only", async () => {
    const deps = city.runtime.deps;
    const venue = await createMember(deps, {
      id: "hill-pool",
      kind: "organisation",
      area: "hillcrest",
      admins: [ids.ben ?? ""],
    });
    const activity = await city.call("POST", `/organisations/${venue.memberId}/activities`, {
      as: "ben",
      body: { title: "Swim", minutes: 30 },
    });
    const activityId = (activity.body as Activity).activityId;
    const [townie, local] = await Promise.all([
      createMember(deps, { id: "town-swimmer", login: "town-swimmer", area: "old-town" }),
      createMember(deps, { id: "hill-swimmer", login: "hill-swimmer", area: "hillcrest" }),
    ]);
    const redeem = async (as: string) =>
      (await city.call("POST", `/activities/${activityId}/redemptions`, { as, body: {}, headers: key() }))
        .body as Transfer;
    const fromTown = await redeem("town-swimmer");
    const fromHill = await redeem("hill-swimmer");
    const reverse = (as: string, transfer: Transfer) =>
      city.call("POST", `/transfers/${transfer.transferId}/reversal`, {
        as,
        body: { reason: "Pool closed" },
        headers: key(),
      });
    // Emil coordinates Hillcrest: the venue is his, the Old Town swimmer is not.
    const outOfScope = await reverse("emil", fromTown);
    expect(outOfScope.status).toBe(404);
    expect((await account("town-swimmer")).balanceMinutes).toBe(-30);
    expect((await reverse("emil", fromHill)).status).toBe(201);
    expect((await account("hill-swimmer")).balanceMinutes).toBe(0);
    expect((await reverse("dora", fromTown)).status).toBe(201);
    expect((await account("town-swimmer")).balanceMinutes).toBe(0);
    expect([townie.memberId, local.memberId]).toEqual(["town-swimmer", "hill-swimmer"]);
  });
});

describe("a refused credit move writes nothing", () => {
  it("opens no account for a member whose donation or award is refused", async () => {
    const deps = city.runtime.deps;
    const donor = await createMember(deps, { id: "refused-donor", login: "refused-donor" });
    const refused = await city.call("POST", "/pot/donations", {
      as: "refused-donor",
      body: { minutes: 601 },
      headers: key(),
    });
    expect(refused.status).toBe(422);
    expect(errorOf(refused.body).code).toBe("LIMIT_EXCEEDED");
    expect(await deps.ledger.readAccount(donor.memberId)).toBeUndefined();

    // An organisation without a quota awards nothing, and its new volunteer's account stays unopened.
    const volunteer = await createMember(deps, { id: "refused-volunteer", login: "refused-volunteer" });
    const org = await createMember(deps, {
      id: "no-quota-org",
      kind: "organisation",
      admins: [ids.amira ?? ""],
    });
    const award = await city.call("POST", `/organisations/${org.memberId}/awards`, {
      as: "amira",
      body: { volunteers: [{ memberId: volunteer.memberId, minutes: 30 }] },
      headers: key(),
    });
    expect(award.status).toBe(422);
    expect(errorOf(award.body).code).toBe("LIMIT_EXCEEDED");
    expect(await deps.ledger.readAccount(volunteer.memberId)).toBeUndefined();
    expect(await deps.ledger.readAccount(org.memberId)).toBeUndefined();

    // Nor does an award beyond the quota of an organisation whose balance is spread over books.
    const small = await createMember(deps, {
      id: "small-quota-org",
      kind: "organisation",
      admins: [ids.amira ?? ""],
    });
    const quota = await city.call("PUT", `/accounts/${small.memberId}/limits`, {
      as: "sam",
      body: { creditLimitMinutes: 100, maxBalanceMinutes: 100 },
    });
    expect(quota.status).toBe(200);
    const beyond = await city.call("POST", `/organisations/${small.memberId}/awards`, {
      as: "amira",
      body: { volunteers: [{ memberId: volunteer.memberId, minutes: 101 }] },
      headers: key(),
    });
    expect(beyond.status).toBe(422);
    expect(errorOf(beyond.body).code).toBe("LIMIT_EXCEEDED");
    expect(await deps.ledger.readAccount(volunteer.memberId)).toBeUndefined();

    // The same donation within the limit opens the account and posts.
    const fine = await city.call("POST", "/pot/donations", {
      as: "refused-donor",
      body: { minutes: 60 },
      headers: key(),
    });
    expect(fine.status).toBe(201);
    expect((await account("refused-donor")).balanceMinutes).toBe(-60);
  });
});

describe("statements and reports", () => {
  it("pages a statement with a running balance and refuses forged cursors", async () => {
    await createMember(city.runtime.deps, { id: "pager", login: "pager" });
    for (const minutes of [10, 20, 30, 40, 50]) {
      await city.call("POST", "/pot/donations", { as: "pager", body: { minutes }, headers: key() });
    }
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const res = await city.call("GET", `/me/statement?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        as: "pager",
      });
      const page = res.body as Statement;
      seen.push(...page.items.map((l) => l.balanceAfterMinutes));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([-10, -30, -60, -100, -150]);
    expect((await city.call("GET", "/me/statement?cursor=bm90LWEtY3Vyc29y", { as: "pager" })).status).toBe(
      400,
    );
    const csv = await city.call("GET", "/me/statement.csv", { as: "pager" });
    expect(csv.text.split("\r\n")[0]).toBe(
      "posted_at,transfer_id,kind,counterparty_id,counterparty,given_minutes,received_minutes,amount_minutes,balance_after_minutes,memo",
    );
    expect(csv.text).toContain("Community pot");
    // A donation is credit, not time; negative figures stay numbers a spreadsheet can add up.
    expect(csv.text).toContain(",Community pot,,,-10,-10,");
  });

  it("reports minutes by month, category and area, members, awards and redemptions", async () => {
    // The kitchen's award, a redemption at an Old Town venue and at a Hillcrest one, a donation.
    await giveKitchenQuota();
    await awardSaturday();
    await redeem(
      "chen",
      await venueWithActivity(
        { id: "canal-library", displayName: "Canal Side Library", area: "canal-side" },
        { title: "Repair café", minutes: 60 },
      ),
    );
    await createMember(city.runtime.deps, { id: "hill-swimmer", login: "hill-swimmer", area: "hillcrest" });
    await redeem(
      "hill-swimmer",
      await venueWithActivity(
        { id: "hill-pool", displayName: "Hillcrest Pool", area: "hillcrest" },
        { title: "Swim", minutes: 30 },
      ),
    );
    const donated = await city.call("POST", "/pot/donations", {
      as: "chen",
      body: { minutes: 20 },
      headers: key(),
    });
    expect(donated.status, donated.text).toBe(201);
    await city.runtime.poller.drain();
    const before = (await city.call("GET", "/reports/ledger", { as: "dora" })).body as LedgerReport;
    // One more settled exchange, between two newcomers in Hillcrest (Emil's area).
    const deps = city.runtime.deps;
    const [giver, taker] = await Promise.all([
      createMember(deps, { id: "hill-giver", login: "hill-giver", area: "hillcrest" }),
      createMember(deps, { id: "hill-taker", login: "hill-taker", area: "hillcrest" }),
    ]);
    const proposed = await city.call("POST", "/exchanges", {
      as: "hill-taker",
      body: {
        providerIds: [giver.memberId],
        receiverIds: [taker.memberId],
        minutes: 40,
        category: "gardening",
      },
    });
    const id = (proposed.body as Exchange).exchangeId;
    await city.call("POST", `/exchanges/${id}/transitions`, { as: "hill-giver", body: { action: "accept" } });
    await city.call("POST", `/exchanges/${id}/transitions`, {
      as: "hill-giver",
      body: { action: "complete", minutes: 40 },
    });
    await city.call("POST", `/exchanges/${id}/transitions`, {
      as: "hill-taker",
      body: { action: "confirm" },
      headers: key(),
    });
    await city.runtime.poller.drain();
    // Redelivering every stream record changes nothing (per-transfer guards).
    city.runtime.poller.rewind();
    await city.runtime.poller.drain();

    const res = await city.call("GET", "/reports/ledger", { as: "dora" });
    expect(res.status).toBe(200);
    const report = res.body as LedgerReport;
    const month = report.months.at(-1);
    const was = before.months.at(-1);
    expect((month?.exchanges ?? 0) - (was?.exchanges ?? 0)).toBe(1);
    expect((month?.minutesExchanged ?? 0) - (was?.minutesExchanged ?? 0)).toBe(40);
    expect((month?.byCategory.gardening ?? 0) - (was?.byCategory.gardening ?? 0)).toBe(40);
    // Exchanges count where they happen; active members count where they live.
    expect(month?.byArea.hillcrest).toEqual({ exchanges: 1, minutesExchanged: 40, activeMembers: 2 });
    expect(report.members.everExchanged - before.members.everExchanged).toBe(2);
    expect(report.members.active - before.members.active).toBe(2);
    expect(report.members.shareNeverExchanged).toBeGreaterThan(0.3);
    expect(report.organisations).toContainEqual(
      expect.objectContaining({
        displayName: "Riverside Community Kitchen",
        awards: 1,
        awardedMinutes: 270,
        volunteersAwarded: 3,
      }),
    );
    expect(report.organisations).toContainEqual(
      expect.objectContaining({ displayName: "Canal Side Library", redemptions: 1, redeemedMinutes: 60 }),
    );
    expect(report.pot.donatedMinutes).toBeGreaterThan(0);

    const emil = (await city.call("GET", "/reports/ledger", { as: "emil" })).body as LedgerReport;
    expect(emil.areas).toEqual(["hillcrest"]);
    expect(emil.months.at(-1)?.exchanges).toBe(1);
    expect(Object.keys(emil.months.at(-1)?.byArea ?? {})).toEqual(["hillcrest"]);
    // Only Hillcrest's organisations (the pool), none of Old Town's.
    expect(emil.organisations.map((o) => o.displayName)).toContain("Hillcrest Pool");
    expect(emil.organisations.map((o) => o.area)).toEqual(emil.organisations.map(() => "hillcrest"));
    expect(emil.organisations.map((o) => o.displayName)).not.toContain("Riverside Community Kitchen");
    expect((await city.call("GET", "/reports/ledger", { as: "amira" })).status).toBe(403);
    expect((await city.call("GET", "/reports/ledger?from=2025-13", { as: "dora" })).status).toBe(400);
    expect((await city.call("GET", "/reports/ledger?from=2020-01&to=2025-01", { as: "dora" })).status).toBe(
      400,
    );
    const csv = await city.call("GET", "/reports/ledger.csv", { as: "sam" });
    expect(csv.text.split("\r\n")[0]).toBe("month,area,category,organisation_id,organisation,metric,value");
    expect(csv.text).toContain("Riverside Community Kitchen,awarded_minutes,270");
  });
});
