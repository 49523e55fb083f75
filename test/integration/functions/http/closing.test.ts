import { afterEach, describe, expect, it } from "vitest";
import type { Deps } from "#domain/deps.ts";
import { autoConfirmExchanges } from "#domain/exchanges/auto-confirm.ts";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { POT_ACCOUNT_ID, summarise } from "#domain/ledger/books.ts";
import { makePayment } from "#domain/ledger/credits.ts";
import type { LedgerRepository } from "#domain/ledger/ports.ts";
import { decideMembership } from "#domain/membership/members.ts";
import { pseudonymOf } from "#domain/privacy/pseudonym.ts";
import { useTestCity } from "../../../support/city.ts";
import { inboxIn } from "../../../support/inbox.ts";
import { createMember, errorOf, expectLedgerSound, newKey } from "../../ledger/support.ts";

/** Closing an account settles what it must first; closed and suspended accounts move nothing. */
const city = useTestCity();
const ids = city.ids;
afterEach(async () => {
  await expectLedgerSound(city.runtime.deps);
});

const key = () => ({ "idempotency-key": newKey("closing") });
async function balance(accountId: string): Promise<number> {
  return summarise((await city.runtime.deps.ledger.readAccount(accountId))?.books ?? []).balance;
}
async function inboxOf(as: string): Promise<{ kind: string; title: string; body: string }[]> {
  const res = await city.call("GET", "/me/inbox?limit=50", { as });
  return (res.body as { items: { kind: string; title: string; body: string }[] }).items;
}
async function act(as: string, id: string, body: unknown, headers: Record<string, string> = {}) {
  return city.call("POST", `/exchanges/${id}/transitions`, { as, body, headers });
}
async function grant(memberId: string, minutes: number) {
  const res = await city.call("POST", "/pot/grants", {
    as: "dora",
    body: { memberId, minutes, reason: "Welcome credit" },
    headers: key(),
  });
  expect(res.status, res.text).toBe(201);
}

describe("closing an account", () => {
  it("refuses while exchanges are open, naming them, and changes nothing", async () => {
    const leaver = await createMember(city.runtime.deps, { id: "leaver-open", login: "leaver-open" });
    const post = await city.call("POST", "/posts", {
      as: "leaver-open",
      body: {
        kind: "offer",
        title: "Bread",
        category: "cooking",
        where: { type: "online" },
        estimatedMinutes: 30,
      },
    });
    const proposed = await city.call("POST", "/exchanges", {
      as: "leaver-open",
      body: { providerIds: [ids.ben], receiverIds: [leaver.memberId], minutes: 30, category: "diy-repairs" },
    });
    const id = (proposed.body as Exchange).exchangeId;
    await act("ben", id, { action: "accept" });
    const refused = await city.call("POST", "/me/close", { as: "leaver-open" });
    expect(refused.status).toBe(422);
    expect(errorOf(refused.body)).toMatchObject({
      code: "RULE_VIOLATION",
      details: [{ path: `exchanges.${id}` }],
    });
    expect((await city.runtime.deps.members.get(leaver.memberId))?.status).toBe("active");
    const stillOpen = await city.call("GET", `/posts/${(post.body as { postId: string }).postId}`, {
      as: "leaver-open",
    });
    expect(stillOpen.body).toMatchObject({ status: "open" });
    // Once the exchange is settled, closing goes ahead.
    await act("ben", id, { action: "complete", minutes: 30 });
    await act("leaver-open", id, { action: "confirm" }, key());
    expect((await city.call("POST", "/me/close", { as: "leaver-open" })).status).toBe(200);
  });

  it("gives a positive balance to the community pot, tells the member, and freezes the account", async () => {
    const leaver = await createMember(city.runtime.deps, { id: "leaver-rich", login: "leaver-rich" });
    await grant(leaver.memberId, 90);
    const pot = await balance(POT_ACCOUNT_ID);
    const closed = await city.call("POST", "/me/close", { as: "leaver-rich" });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: "closed" });
    expect(await balance(leaver.memberId)).toBe(0);
    expect(await balance(POT_ACCOUNT_ID)).toBe(pot + 90);
    const statement = await city.runtime.deps.ledger.listLines(
      { accountId: leaver.memberId, shard: 0 },
      0,
      10,
    );
    expect(statement.lines.map((l) => [l.kind, l.amount])).toEqual([
      ["grant", 90],
      ["closing", -90],
    ]);
    const [notice] = (await inboxIn(city.runtime.deps, leaver.memberId, { limit: 5 })).items;
    expect(notice).toMatchObject({ kind: "account-closed", body: expect.stringContaining("1 hr 30 min") });

    // Nothing moves it any more, whichever way: the routes refuse, and so does the ledger itself.
    const refusedGrant = await city.call("POST", "/pot/grants", {
      as: "dora",
      body: { memberId: leaver.memberId, minutes: 10, reason: "After closing" },
      headers: key(),
    });
    expect(refusedGrant.status).toBe(422);
    await expect(
      makePayment(
        city.runtime.deps,
        { scope: "test", key: newKey(), fingerprint: "after-closing" },
        {
          from: { accountId: ids.chen ?? "", kind: "person" },
          to: { accountId: leaver.memberId, kind: "person" },
          minutes: 10,
          createdBy: "test",
        },
      ),
    ).rejects.toMatchObject({ code: "ACCOUNT_FROZEN" });
    expect(await balance(leaver.memberId)).toBe(0);
  });

  it("writes a negative balance off against the pot and tells the coordinators in scope", async () => {
    const leaver = await createMember(city.runtime.deps, { id: "leaver-debt", login: "leaver-debt" });
    const spent = await city.call("POST", "/pot/donations", {
      as: "leaver-debt",
      body: { minutes: 120 },
      headers: key(),
    });
    expect(spent.status).toBe(201);
    const pot = await balance(POT_ACCOUNT_ID);
    const closed = await city.call("POST", "/me/close", { as: "leaver-debt" });
    expect(closed.status).toBe(200);
    expect(await balance(leaver.memberId)).toBe(0);
    expect(await balance(POT_ACCOUNT_ID)).toBe(pot - 120);
    const told = (await inboxOf("dora")).filter(
      // The coordinators know the closed account by its pseudonym only.
      (n) => n.kind === "account-written-off" && n.title.includes(pseudonymOf(leaver.memberId)),
    );
    expect(told).toHaveLength(1);
    expect(told[0]?.body).toContain("2 hr");
    // Emil coordinates Hillcrest only: not his member, not his notice.
    expect((await inboxOf("emil")).filter((n) => n.kind === "account-written-off")).toEqual([]);
  });

  it("refuses when the pot cannot write the debt off, and changes nothing", async () => {
    const leaver = await createMember(city.runtime.deps, { id: "leaver-big", login: "leaver-big" });
    const potLimit = (creditLimitMinutes: number) =>
      city.call("PUT", `/accounts/${POT_ACCOUNT_ID}/limits`, {
        as: "sam",
        body: { creditLimitMinutes, maxBalanceMinutes: 1_000_000 },
      });
    // The pot may spend exactly what it holds, and the leaver owes 30 minutes more than that.
    const pot = await balance(POT_ACCOUNT_ID);
    expect((await potLimit(Math.max(0, -pot))).status).toBe(200);
    const owed = Math.max(0, pot) + 30;
    expect(owed).toBeLessThanOrEqual(600);
    const proposed = await city.call("POST", "/exchanges", {
      as: "leaver-big",
      body: {
        providerIds: [ids.chen],
        receiverIds: [leaver.memberId],
        minutes: owed,
        category: "digital-help",
      },
    });
    const id = (proposed.body as Exchange).exchangeId;
    await act("chen", id, { action: "accept" });
    await act("chen", id, { action: "complete", minutes: owed });
    expect((await act("leaver-big", id, { action: "confirm" }, key())).status).toBe(200);

    const refused = await city.call("POST", "/me/close", { as: "leaver-big" });
    expect(refused.status).toBe(422);
    expect(errorOf(refused.body)).toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect((await city.runtime.deps.members.get(leaver.memberId))?.status).toBe("active");
    expect(await balance(leaver.memberId)).toBe(-owed);
    expect(await balance(POT_ACCOUNT_ID)).toBe(pot);
    expect((await potLimit(100 * 60)).status).toBe(200);
    expect((await city.call("POST", "/me/close", { as: "leaver-big" })).status).toBe(200);
  });
});

describe("a suspended or closed account moves nothing", () => {
  it("a settlement, the auto-confirm schedule and a grant all refuse while suspended, and work again once reinstated", async () => {
    const deps = city.runtime.deps;
    const member = await createMember(deps, { id: "suspended-provider", login: "suspended-provider" });
    const proposed = await city.call("POST", "/exchanges", {
      as: "suspended-provider",
      body: { providerIds: [member.memberId], receiverIds: [ids.chen], minutes: 40, category: "gardening" },
    });
    const id = (proposed.body as Exchange).exchangeId;
    await act("chen", id, { action: "accept" });
    await act("suspended-provider", id, { action: "complete", minutes: 40 });
    const suspended = await city.call("POST", `/members/${member.memberId}/status`, {
      as: "dora",
      body: { decision: "suspend", reason: "Checking a complaint" },
    });
    expect(suspended.status).toBe(200);
    const chenBefore = await balance(ids.chen ?? "");

    const confirm = await act("chen", id, { action: "confirm" }, key());
    expect(confirm.status).toBe(422);
    expect(errorOf(confirm.body).code).toBe("ACCOUNT_FROZEN");
    const later = await autoConfirmExchanges({
      ...deps,
      clock: { now: () => new Date(Date.now() + 15 * 86_400_000) },
    });
    expect(later.settled).not.toContain(id);
    expect(later.failed.map((f) => f.exchangeId)).toContain(id);
    const resolved = await city.call("POST", `/exchanges/${id}/resolution`, {
      as: "sam",
      body: { decision: "settle", reason: "Confirmed by phone" },
      headers: key(),
    });
    expect(resolved.status).toBe(422);
    expect(await balance(ids.chen ?? "")).toBe(chenBefore);
    expect(await balance(member.memberId)).toBe(0);

    await city.call("POST", `/members/${member.memberId}/status`, {
      as: "dora",
      body: { decision: "reinstate" },
    });
    const settled = await act("chen", id, { action: "confirm" }, key());
    expect(settled.status).toBe(200);
    expect(await balance(member.memberId)).toBe(40);
  });

  it("a suspension racing a payment: the payment planned before it cannot commit after it", async () => {
    const deps = city.runtime.deps;
    const payee = await createMember(deps, { id: "race-suspended" });
    const dora = await deps.members.get(ids.dora ?? "");
    if (!dora) throw new Error("dora missing");
    await makePayment(
      deps,
      { scope: "race", key: newKey(), fingerprint: "warm-up" },
      {
        from: { accountId: ids.chen ?? "", kind: "person" },
        to: { accountId: payee.memberId, kind: "person" },
        minutes: 5,
        createdBy: "test",
      },
    );
    // The payment reads the books; the suspension commits; only then does the payment commit.
    let raced = false;
    const ledger: LedgerRepository = Object.create(deps.ledger);
    ledger.read = async (...args) => {
      const read = await deps.ledger.read(...args);
      if (!raced) {
        raced = true;
        await decideMembership(deps, dora, payee.memberId, "suspend", "Racing a payment");
      }
      return read;
    };
    const racing: Deps = { ...deps, ledger };
    await expect(
      makePayment(
        racing,
        { scope: "race", key: newKey(), fingerprint: "racing" },
        {
          from: { accountId: ids.chen ?? "", kind: "person" },
          to: { accountId: payee.memberId, kind: "person" },
          minutes: 10,
          createdBy: "test",
        },
      ),
    ).rejects.toMatchObject({ code: "ACCOUNT_FROZEN" });
    expect(raced).toBe(true);
    expect(await balance(payee.memberId)).toBe(5);
  });
});
