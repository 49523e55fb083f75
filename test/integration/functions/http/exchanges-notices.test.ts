import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoConfirmExchanges } from "#domain/exchanges/auto-confirm.ts";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { MAX_LEGS } from "#domain/ledger/books.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";
import { createMember, expectLedgerSound, newKey } from "../../ledger/support.ts";

let city: TestCity;
let ids: Record<string, string>;
beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
});
afterAll(async () => {
  try {
    await expectLedgerSound(city.runtime.deps);
  } finally {
    await city?.stop();
  }
});

type Call = Awaited<ReturnType<TestCity["call"]>>;
const exchangeOf = (res: Call) => res.body as Exchange;
const id = (handle: string) => ids[handle] ?? handle;

async function propose(as: string, body: Record<string, unknown>): Promise<string> {
  const res = await city.call("POST", "/exchanges", { as, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return exchangeOf(res).exchangeId;
}
async function act(as: string, exchangeId: string, body: Record<string, unknown>, key?: string) {
  const headers: Record<string, string> = key ? { "idempotency-key": key } : {};
  return city.call("POST", `/exchanges/${exchangeId}/transitions`, { as, body, headers });
}

/** The notices about one exchange in a member's inbox, oldest first. */
async function noticesAbout(memberId: string, exchangeId: string): Promise<Notification[]> {
  const page = await city.runtime.deps.inbox.list(memberId, { limit: 200 });
  return page.items.filter((n) => n.link === `/exchanges/${exchangeId}`).reverse();
}
const kinds = async (memberId: string, exchangeId: string) =>
  (await noticesAbout(memberId, exchangeId)).map((n) => n.kind);

const direct = () => ({
  providerIds: [id("ben")],
  receiverIds: [id("amira")],
  minutes: 60,
  category: "diy-repairs",
  description: "Fix the back wheel",
});

describe("exchange notices in the inbox", () => {
  it("tells the other party at every step, once; of a settlement, every party, the one who confirmed included", async () => {
    const exchange = await propose("amira", direct());
    expect(await kinds(id("ben"), exchange)).toEqual(["exchange-proposed"]);
    expect(await kinds(id("amira"), exchange)).toEqual([]);
    const [proposal] = await noticesAbout(id("ben"), exchange);
    expect(proposal).toMatchObject({
      memberId: id("ben"),
      title: expect.stringContaining("Amira Haddad"),
      body: expect.stringContaining("60 minutes"),
    });
    // The inbox route shows it to Ben as well.
    const inbox = await city.call("GET", "/me/inbox", { as: "ben" });
    expect((inbox.body as { items: Notification[] }).items).toContainEqual(proposal);

    await act("ben", exchange, { action: "accept" });
    await act("ben", exchange, { action: "complete", minutes: 45 });
    expect(await kinds(id("amira"), exchange)).toEqual(["exchange-accepted", "exchange-completed"]);
    const key = newKey("confirm");
    const confirmed = await act("amira", exchange, { action: "confirm" }, key);
    expect(exchangeOf(confirmed).status).toBe("settled");
    // A retried confirmation gets the stored answer and notifies nobody again.
    expect((await act("amira", exchange, { action: "confirm" }, key)).body).toEqual(confirmed.body);
    expect(await kinds(id("ben"), exchange)).toEqual(["exchange-proposed", "exchange-settled"]);
    // Amira's balance moved too: her notice is the receipt of what she confirmed.
    expect(await kinds(id("amira"), exchange)).toEqual([
      "exchange-accepted",
      "exchange-completed",
      "exchange-settled",
    ]);
    const settled = (await noticesAbout(id("ben"), exchange))[1];
    expect(settled?.body).toContain("45 minutes");
    expect((await noticesAbout(id("amira"), exchange))[2]).toMatchObject({
      title: expect.stringContaining("settled"),
      body: expect.stringContaining("45 minutes"),
    });
  });

  it("tells a resident a coordinator confirmed for that their exchange settled", async () => {
    const jan = await createMember(city.runtime.deps, { id: "notice-jan", area: "old-town" });
    const exchange = await propose("ben", { ...direct(), receiverIds: [jan.memberId] });
    const forJan = { "x-act-for": jan.memberId };
    const accepted = await city.call("POST", `/exchanges/${exchange}/transitions`, {
      as: "dora",
      body: { action: "accept" },
      headers: forJan,
    });
    expect(accepted.status, accepted.text).toBe(200);
    await act("ben", exchange, { action: "complete", minutes: 60 });
    const confirmed = await city.call("POST", `/exchanges/${exchange}/transitions`, {
      as: "dora",
      body: { action: "confirm" },
      headers: { ...forJan, "idempotency-key": newKey("jan") },
    });
    expect(exchangeOf(confirmed).status).toBe("settled");
    expect((await kinds(jan.memberId, exchange)).at(-1)).toBe("exchange-settled");
    expect((await kinds(id("ben"), exchange)).at(-1)).toBe("exchange-settled");
  });

  it("tells the proposer of a decline with the reason, and the counterpart of a cancellation", async () => {
    const declined = await propose("amira", direct());
    await act("ben", declined, { action: "decline", reason: "Away that week" });
    expect(await kinds(id("amira"), declined)).toEqual(["exchange-declined"]);
    expect((await noticesAbout(id("amira"), declined))[0]?.body).toContain("Away that week");

    const cancelled = await propose("amira", direct());
    await act("ben", cancelled, { action: "accept" });
    await act("amira", cancelled, { action: "cancel", reason: "Found a bike shop" });
    expect(await kinds(id("ben"), cancelled)).toEqual(["exchange-proposed", "exchange-cancelled"]);
    expect(await kinds(id("amira"), cancelled)).toEqual(["exchange-accepted"]);
  });

  it("tells the other party of a dispute, and both parties of a coordinator's resolution", async () => {
    const exchange = await propose("amira", direct());
    await act("ben", exchange, { action: "accept" });
    await act("ben", exchange, { action: "complete", minutes: 120 });
    await act("amira", exchange, { action: "dispute", reason: "It took an hour, not two" });
    expect(await kinds(id("ben"), exchange)).toEqual(["exchange-proposed", "exchange-disputed"]);
    const resolved = await city.call("POST", `/exchanges/${exchange}/resolution`, {
      as: "dora",
      body: { decision: "adjust", minutes: 60, reason: "Both agreed on an hour" },
      headers: { "idempotency-key": newKey("resolve") },
    });
    expect(exchangeOf(resolved).status).toBe("settled");
    for (const party of ["amira", "ben"]) {
      const notices = await noticesAbout(id(party), exchange);
      expect(notices.at(-1)).toMatchObject({
        kind: "exchange-resolved",
        title: expect.stringContaining("Dora Peeters"),
        body: expect.stringContaining("60 minutes"),
      });
    }

    const cancelled = await propose("amira", direct());
    await act("ben", cancelled, { action: "accept" });
    await act("amira", cancelled, { action: "dispute", reason: "He never came" });
    await city.call("POST", `/exchanges/${cancelled}/resolution`, {
      as: "dora",
      body: { decision: "cancel", reason: "No-show confirmed" },
      headers: { "idempotency-key": newKey("resolve") },
    });
    expect(await kinds(id("amira"), cancelled)).toEqual(["exchange-accepted", "exchange-resolved"]);
    expect((await noticesAbout(id("ben"), cancelled)).at(-1)?.body).toContain("nothing moves");
  });

  it("tells both parties when the schedule settles an unconfirmed exchange", async () => {
    const exchange = await propose("amira", direct());
    await act("ben", exchange, { action: "accept" });
    await act("ben", exchange, { action: "complete", minutes: 20 });
    const later = { ...city.runtime.deps, clock: { now: () => new Date(Date.now() + 15 * 86_400_000) } };
    expect((await autoConfirmExchanges(later)).settled).toContain(exchange);
    // A second run finds nothing to do and tells nobody again.
    await autoConfirmExchanges(later);
    expect(await kinds(id("amira"), exchange)).toEqual([
      "exchange-accepted",
      "exchange-completed",
      "exchange-settled",
    ]);
    expect(await kinds(id("ben"), exchange)).toEqual(["exchange-proposed", "exchange-settled"]);
  });

  it("a refused settlement tells nobody: the notice lands with the change or not at all", async () => {
    const poor = await createMember(city.runtime.deps, { id: "notice-poor", login: "notice-poor" });
    await city.call("PUT", `/accounts/${poor.memberId}/limits`, {
      as: "dora",
      body: { creditLimitMinutes: 30, maxBalanceMinutes: 3000 },
    });
    const exchange = await propose("notice-poor", { ...direct(), receiverIds: [poor.memberId], minutes: 90 });
    await act("ben", exchange, { action: "accept" });
    await act("ben", exchange, { action: "complete", minutes: 90 });
    const refused = await act("notice-poor", exchange, { action: "confirm" }, newKey());
    expect(refused.status).toBe(422);
    expect(await kinds(id("ben"), exchange)).toEqual(["exchange-proposed"]);
  });

  it("in a group, one member's answer tells the other side; the step that moves the exchange tells everyone else (a settlement, everyone)", async () => {
    const greta = await createMember(city.runtime.deps, { id: "notice-greta", login: "notice-greta" });
    const receivers = [id("amira"), id("ben"), greta.memberId];
    const exchange = await propose("chen", {
      providerIds: [id("chen")],
      receiverIds: receivers,
      minutes: 60,
      category: "digital-help",
    });
    for (const receiver of receivers) expect(await kinds(receiver, exchange)).toEqual(["exchange-proposed"]);
    await act("amira", exchange, { action: "accept" });
    expect(await kinds(id("chen"), exchange)).toEqual(["exchange-accepted"]);
    expect(await kinds(id("ben"), exchange)).toEqual(["exchange-proposed"]);
    await act("ben", exchange, { action: "accept" });
    await act("notice-greta", exchange, { action: "accept" });
    expect(await kinds(id("chen"), exchange)).toEqual(Array(3).fill("exchange-accepted"));
    // Greta's acceptance moved it along: the other receivers hear of it too.
    expect(await kinds(id("amira"), exchange)).toEqual(["exchange-proposed", "exchange-accepted"]);
    await act("chen", exchange, { action: "complete", minutes: 60 });
    await act("amira", exchange, { action: "confirm" }, newKey());
    expect(await kinds(id("ben"), exchange)).toEqual([
      "exchange-proposed",
      "exchange-accepted",
      "exchange-completed",
    ]);
    await act("ben", exchange, { action: "confirm" }, newKey());
    await act("notice-greta", exchange, { action: "confirm" }, newKey());
    expect(await kinds(id("chen"), exchange)).toEqual([
      ...Array(3).fill("exchange-accepted"),
      "exchange-confirmed",
      "exchange-confirmed",
      "exchange-settled",
    ]);
    expect((await kinds(id("amira"), exchange)).at(-1)).toBe("exchange-settled");
    expect(await kinds(greta.memberId, exchange)).toEqual([
      "exchange-proposed",
      "exchange-completed",
      "exchange-settled",
    ]);
  });

  it(`a workshop of ${MAX_LEGS} receivers: every party hears of the settlement once, though not all notices fit its transaction`, async () => {
    const receivers = await Promise.all(
      Array.from({ length: MAX_LEGS }, (_, i) =>
        createMember(city.runtime.deps, { id: `notice-ws-${i}`, login: `notice-ws-${i}` }),
      ),
    );
    const exchange = await propose("chen", {
      providerIds: [id("chen")],
      receiverIds: receivers.map((r) => r.memberId),
      minutes: 30,
      category: "digital-help",
    });
    // Each receiver's login is their id.
    for (const r of receivers) await act(r.memberId, exchange, { action: "accept" });
    await act("chen", exchange, { action: "complete", minutes: 30 });
    for (const r of receivers) {
      const res = await act(r.memberId, exchange, { action: "confirm" }, newKey());
      expect(res.status).toBe(200);
    }
    expect(exchangeOf(await city.call("GET", `/exchanges/${exchange}`, { as: "chen" })).status).toBe(
      "settled",
    );
    expect((await kinds(id("chen"), exchange)).filter((k) => k === "exchange-settled")).toHaveLength(1);
    // Every receiver's balance moved, the last to confirm's included.
    for (const r of receivers) {
      expect(
        (await kinds(r.memberId, exchange)).filter((k) => k === "exchange-settled"),
        r.memberId,
      ).toHaveLength(1);
    }
  });
});
