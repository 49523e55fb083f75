import { afterEach, describe, expect, it } from "vitest";
import { autoConfirmExchanges } from "#domain/exchanges/auto-confirm.ts";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { type Match, matchIdOf } from "#domain/matching/match.ts";
import { type TestCity, useTestCity } from "../../../support/city.ts";
import { createMember, errorOf, expectLedgerSound, newKey } from "../../ledger/support.ts";

const city = useTestCity();
const ids = city.ids;
afterEach(async () => {
  await expectLedgerSound(city.runtime.deps);
});

type Call = Awaited<ReturnType<TestCity["call"]>>;
const exchangeOf = (res: Call) => res.body as Exchange;

async function propose(as: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return city.call("POST", "/exchanges", { as, body, headers });
}
async function act(
  as: string,
  exchangeId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return city.call("POST", `/exchanges/${exchangeId}/transitions`, { as, body, headers });
}
async function balanceOf(as: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await city.call("GET", "/me/account", { as, headers });
  expect(res.status).toBe(200);
  return (res.body as { balanceMinutes: number }).balanceMinutes;
}

const direct = () => ({
  providerIds: [ids.ben ?? ""],
  receiverIds: [ids.amira ?? ""],
  minutes: 90,
  category: "diy-repairs",
  description: "Fix the back wheel",
});

type Hours = { balanceMinutes: number; givenMinutes: number; receivedMinutes: number };
async function hoursOf(as: string): Promise<Hours> {
  const { balanceMinutes, givenMinutes, receivedMinutes } = (await city.call("GET", "/me/account", { as }))
    .body as Hours;
  return { balanceMinutes, givenMinutes, receivedMinutes };
}

describe("hours given and hours received, in the words of time banks", () => {
  it("the provider's hours given and the receiver's hours received rise with a settlement; a reversal takes them back", async () => {
    const ben = await hoursOf("ben");
    const amira = await hoursOf("amira");
    const id = exchangeOf(await propose("amira", direct())).exchangeId;
    await act("ben", id, { action: "accept" });
    await act("ben", id, { action: "complete", minutes: 40 });
    await act("amira", id, { action: "confirm" }, { "idempotency-key": newKey("confirm") });

    // Ben (the provider) gave 40 minutes; Amira (the receiver) received them.
    expect(await hoursOf("ben")).toEqual({
      balanceMinutes: ben.balanceMinutes + 40,
      givenMinutes: ben.givenMinutes + 40,
      receivedMinutes: ben.receivedMinutes,
    });
    expect(await hoursOf("amira")).toEqual({
      balanceMinutes: amira.balanceMinutes - 40,
      givenMinutes: amira.givenMinutes,
      receivedMinutes: amira.receivedMinutes + 40,
    });
    const csv = await city.call("GET", "/me/statement.csv", { as: "ben" });
    const [header, ...rows] = csv.text.trim().split("\r\n");
    expect(header).toBe(
      "posted_at,transfer_id,kind,counterparty_id,counterparty,given_minutes,received_minutes,amount_minutes,balance_after_minutes,memo",
    );
    expect(rows.find((r) => r.includes(`X-${id}`))).toMatch(/,exchange,.*,Amira Haddad,40,,40,/);
    // The welcome credit is neither given nor received time.
    expect(rows.find((r) => r.includes(",grant,"))).toMatch(/,Community pot,,,60,/);

    // A coordinator reverses the settlement: the hours were not given after all.
    const reversed = await city.call("POST", `/transfers/X-${id}/reversal`, {
      as: "dora",
      body: { reason: "Logged against the wrong exchange" },
      headers: { "idempotency-key": newKey("reverse") },
    });
    expect(reversed.status).toBe(201);
    expect(await hoursOf("ben")).toEqual(ben);
    expect(await hoursOf("amira")).toEqual(amira);
    const after = (await city.call("GET", "/me/statement.csv", { as: "amira" })).text.split("\r\n");
    expect(after.find((r) => r.includes(",reversal,"))).toMatch(/,Ben Jacobs,,-40,40,/);
  });
});

describe("the exchange lifecycle, direct proposal to settlement", () => {
  it("proposes, accepts, completes and confirms; both accounts and statements show it", async () => {
    const [amiraBefore, benBefore] = [await balanceOf("amira"), await balanceOf("ben")];
    const proposed = await propose("amira", direct());
    expect(proposed.status).toBe(201);
    const id = exchangeOf(proposed).exchangeId;
    expect(exchangeOf(proposed)).toMatchObject({
      status: "proposed",
      area: "old-town",
      category: "diy-repairs",
    });

    // The proposer's side does not accept its own proposal.
    expect((await act("amira", id, { action: "accept" })).status).toBe(403);
    expect(exchangeOf(await act("ben", id, { action: "accept" })).status).toBe("accepted");
    // Only the provider logs minutes; only the receiver confirms.
    expect((await act("amira", id, { action: "complete", minutes: 90 })).status).toBe(403);
    expect(exchangeOf(await act("ben", id, { action: "complete", minutes: 75 })).status).toBe("completed");

    const key = newKey("confirm");
    const confirmed = await act("amira", id, { action: "confirm" }, { "idempotency-key": key });
    expect(confirmed.status).toBe(200);
    expect(exchangeOf(confirmed)).toMatchObject({
      status: "settled",
      settledMinutes: 75,
      transferId: `X-${id}`,
    });
    expect(await balanceOf("amira")).toBe(amiraBefore - 75);
    expect(await balanceOf("ben")).toBe(benBefore + 75);

    // A retry with the same key returns the original answer, and moves nothing.
    const retry = await act("amira", id, { action: "confirm" }, { "idempotency-key": key });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(confirmed.body);
    expect(await balanceOf("amira")).toBe(amiraBefore - 75);
    // A new key cannot settle it again: a settled exchange never changes.
    const again = await act("amira", id, { action: "confirm" }, { "idempotency-key": newKey() });
    expect(again.status).toBe(422);

    for (const [who, amount] of [
      ["amira", -75],
      ["ben", 75],
    ] as const) {
      const statement = await city.call("GET", "/me/statement", { as: who });
      const lines = (statement.body as { items: { transferId: string; amountMinutes: number }[] }).items;
      expect(lines).toContainEqual(expect.objectContaining({ transferId: `X-${id}`, amountMinutes: amount }));
      const csv = await city.call("GET", "/me/statement.csv", { as: who });
      expect(csv.text).toContain(`X-${id}`);
    }
    const mine = await city.call("GET", "/me/exchanges", { as: "ben" });
    expect((mine.body as { items: Exchange[] }).items[0]?.exchangeId).toBe(id);
  });

  it("needs a valid Idempotency-Key to confirm", async () => {
    const id = exchangeOf(await propose("amira", direct())).exchangeId;
    await act("ben", id, { action: "accept" });
    await act("ben", id, { action: "complete", minutes: 30 });
    const badKeys: Record<string, string>[] = [
      {},
      { "idempotency-key": "short" },
      { "idempotency-key": "has spaces in it" },
    ];
    for (const headers of badKeys) {
      const res = await act("amira", id, { action: "confirm" }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(errorOf(res.body).details?.map((d) => d.path)).toContain("headers.idempotency-key");
    }
    const key = newKey();
    expect((await act("amira", id, { action: "confirm" }, { "idempotency-key": key })).status).toBe(200);
    // The same key for a different request: 409, and nothing moves.
    const other = exchangeOf(await propose("amira", direct())).exchangeId;
    await act("ben", other, { action: "accept" });
    await act("ben", other, { action: "complete", minutes: 30 });
    const reused = await act("amira", other, { action: "confirm" }, { "idempotency-key": key });
    expect(reused.status).toBe(409);
    expect(errorOf(reused.body).code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(exchangeOf(await city.call("GET", `/exchanges/${other}`, { as: "amira" })).status).toBe(
      "completed",
    );
  });
});

let postCounter = 0;
/** A match stored as matching would store it: Ben's post, Amira the candidate, unless told otherwise. */
async function storedMatch(fields: Partial<Match> = {}): Promise<Match> {
  postCounter += 1;
  const postId = fields.postId ?? `01MATCHPOST${String(postCounter).padStart(15, "0")}`;
  const candidateId = fields.candidateId ?? ids.amira ?? "";
  const now = new Date().toISOString();
  const match: Match = {
    matchId: matchIdOf(postId, candidateId),
    postId,
    postOwnerId: ids.ben ?? "",
    postKind: "request",
    postTitle: "Fix the back wheel",
    category: "diy-repairs",
    candidateId,
    counterpartPostId: "01COUNTERPARTPOST000000000",
    score: 0.8,
    parts: {
      skill: 1,
      distance: 1,
      availability: 0,
      language: 1,
      reciprocity: 0,
      trust: 0,
      responsiveness: 0,
      freshness: 1,
    },
    why: [],
    status: "accepted",
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  await city.runtime.deps.matches.createMissing([match]);
  return match;
}

describe("proposing from a match", () => {
  it("records an accepted match between the two parties, either way round, with its post or the counterpart's", async () => {
    const match = await storedMatch();
    const res = await propose("amira", { ...direct(), matchId: match.matchId, postId: match.postId });
    expect(res.status).toBe(201);
    expect(exchangeOf(res)).toMatchObject({ matchId: match.matchId, postId: match.postId });
    // Either side proposes, either side gives.
    const reversed = await propose("ben", {
      ...direct(),
      providerIds: [ids.amira],
      receiverIds: [ids.ben],
      matchId: match.matchId,
      postId: match.counterpartPostId,
    });
    expect(reversed.status).toBe(201);
    expect(exchangeOf(reversed).matchId).toBe(match.matchId);
  });

  it("answers 404 for a missing match, or one the proposer is not a side of, and nothing is stored", async () => {
    const before = (await city.call("GET", "/me/exchanges", { as: "amira" })).body;
    const missing = await propose("amira", { ...direct(), matchId: "01NOSUCHPOST_01NOSUCHMEMBER" });
    expect(missing.status).toBe(404);
    expect(errorOf(missing.body)).toMatchObject({ code: "NOT_FOUND", details: [{ path: "matchId" }] });
    // Chen and Ben's match: Amira is no side of it, and learns no more than for a missing one.
    const theirs = await storedMatch({ candidateId: ids.chen ?? "" });
    const notHers = await propose("amira", { ...direct(), matchId: theirs.matchId });
    expect(notHers.status).toBe(404);
    expect(notHers.body).toEqual(missing.body);
    expect((await city.call("GET", "/me/exchanges", { as: "amira" })).body).toEqual(before);
  });

  it("refuses a match that is not accepted, between other people, or about another post: 422, nothing stored", async () => {
    const before = (await city.call("GET", "/me/exchanges", { as: "amira" })).body;
    const benBefore = (await city.call("GET", "/me/exchanges", { as: "ben" })).body;
    const accepted = await storedMatch();
    const cases: [string, Record<string, unknown>, string][] = [];
    for (const status of ["candidate", "notified", "digest", "declined", "closed"] as const) {
      const match = await storedMatch({ status });
      cases.push(["amira", { ...direct(), matchId: match.matchId }, "matchId"]);
    }
    cases.push(
      // Amira and Chen, though the match is Amira and Ben's.
      ["amira", { ...direct(), providerIds: [ids.chen], matchId: accepted.matchId }, "matchId"],
      // A workshop for Amira and Chen is not what the two sides of the match agreed.
      ["ben", { ...direct(), receiverIds: [ids.amira, ids.chen], matchId: accepted.matchId }, "matchId"],
      ["amira", { ...direct(), matchId: accepted.matchId, postId: "01SOMEOTHERPOST00000000000" }, "postId"],
    );
    for (const [as, body, field] of cases) {
      const res = await propose(as, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(errorOf(res.body).code, JSON.stringify(body)).toBe("RULE_VIOLATION");
      expect(
        errorOf(res.body).details?.map((d) => d.path),
        JSON.stringify(body),
      ).toEqual([field]);
    }
    expect((await city.call("GET", "/me/exchanges", { as: "ben" })).body).toEqual(benBefore);
    expect((await city.call("GET", "/me/exchanges", { as: "amira" })).body).toEqual(before);
  });

  it("a coordinator proposes from a resident's match with x-act-for", async () => {
    const match = await storedMatch();
    const res = await propose(
      "dora",
      { ...direct(), matchId: match.matchId },
      { "x-act-for": ids.amira ?? "" },
    );
    expect(res.status).toBe(201);
    expect(exchangeOf(res)).toMatchObject({
      matchId: match.matchId,
      proposedBy: ids.amira,
      updatedBy: ids.dora,
    });
  });
});

describe("bad input and wrong states change nothing", () => {
  it("refuses bad amounts, unknown members and payer = payee with the field named", async () => {
    const before = (await city.call("GET", "/me/exchanges", { as: "amira" })).body;
    const cases: [Record<string, unknown>, string][] = [
      [{ ...direct(), minutes: 0 }, "minutes"],
      [{ ...direct(), minutes: -30 }, "minutes"],
      [{ ...direct(), minutes: 1.5 }, "minutes"],
      [{ ...direct(), minutes: "60" }, "minutes"],
      [{ ...direct(), minutes: 10 ** 12 }, "minutes"],
      [{ ...direct(), minutes: 24 * 60 + 1 }, "minutes"],
      [{ ...direct(), providerIds: [ids.amira] }, "receiverIds.0"],
      [{ ...direct(), providerIds: ["01NOSUCHMEMBER"] }, "providerIds.0"],
      [{ ...direct(), providerIds: [ids.fatou] }, "providerIds.0"],
      [{ ...direct(), category: "alchemy" }, "category"],
      [{ ...direct(), area: "atlantis" }, "area"],
      [{ ...direct(), providerIds: [] }, "providerIds"],
      [{ ...direct(), colour: "blue" }, ""],
    ];
    for (const [body, field] of cases) {
      const res = await propose("amira", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(
        errorOf(res.body).details?.map((d) => d.path),
        JSON.stringify(body),
      ).toContain(field);
    }
    // Someone who takes no part cannot propose for others.
    const outsider = await propose("chen", direct());
    expect(outsider.status).toBe(422);
    expect((await city.call("GET", "/me/exchanges", { as: "amira" })).body).toEqual(before);
  });

  it("enforces the order of states, and terminal states never change", async () => {
    const amiraBefore = await balanceOf("amira");
    const id = exchangeOf(await propose("amira", direct())).exchangeId;
    expect((await act("amira", id, { action: "confirm" }, { "idempotency-key": newKey() })).status).toBe(422);
    expect((await act("ben", id, { action: "complete", minutes: 10 })).status).toBe(422);
    expect((await act("ben", id, { action: "bogus" })).status).toBe(400);
    const declined = await act("ben", id, { action: "decline", reason: "Busy that week" });
    expect(exchangeOf(declined)).toMatchObject({ status: "declined", statusReason: "Busy that week" });
    for (const body of [{ action: "accept" }, { action: "cancel" }, { action: "dispute", reason: "No!" }]) {
      expect((await act("ben", id, body)).status, JSON.stringify(body)).toBe(422);
    }
    const cancelled = exchangeOf(await propose("amira", direct())).exchangeId;
    await act("ben", cancelled, { action: "accept" });
    const again = await act("ben", cancelled, { action: "accept" });
    expect(again.status).toBe(422);
    expect(errorOf(again.body).message).toBe("An accepted exchange cannot be accepted");
    expect(exchangeOf(await act("amira", cancelled, { action: "cancel" })).status).toBe("cancelled");
    expect((await act("ben", cancelled, { action: "complete", minutes: 10 })).status).toBe(422);
    expect(await balanceOf("amira")).toBe(amiraBefore);
  });

  it("hides an exchange from people who take no part: 404 as for one that does not exist", async () => {
    const id = exchangeOf(await propose("amira", direct())).exchangeId;
    const hidden = await city.call("GET", `/exchanges/${id}`, { as: "chen" });
    const missing = await city.call("GET", "/exchanges/01NOSUCHEXCHANGE", { as: "chen" });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    expect((await act("chen", id, { action: "accept" })).status).toBe(404);
    expect((await city.call("GET", `/exchanges/${id}`, { as: "dora" })).status).toBe(200);
    expect((await city.call("GET", `/exchanges/${id}`, { as: "emil" })).status).toBe(404);
  });

  it("a receiver at the credit limit cannot confirm; the exchange stays completed", async () => {
    const poor = await createMember(city.runtime.deps, { id: "poor-receiver", login: "poor" });
    const set = await city.call("PUT", `/accounts/${poor.memberId}/limits`, {
      as: "dora",
      body: { creditLimitMinutes: 60, maxBalanceMinutes: 3000 },
    });
    expect(set.status).toBe(200);
    const id = exchangeOf(
      await propose("poor", { ...direct(), receiverIds: [poor.memberId], minutes: 120 }),
    ).exchangeId;
    await act("ben", id, { action: "accept" });
    await act("ben", id, { action: "complete", minutes: 120 });
    const refused = await act("poor", id, { action: "confirm" }, { "idempotency-key": newKey() });
    expect(refused.status).toBe(422);
    expect(errorOf(refused.body).code).toBe("LIMIT_EXCEEDED");
    expect(exchangeOf(await city.call("GET", `/exchanges/${id}`, { as: "poor" })).status).toBe("completed");
    expect(await balanceOf("poor")).toBe(0);
  });
});

describe("disputes, coordinators and groups", () => {
  it("a coordinator in scope resolves a dispute by adjusting the minutes", async () => {
    const id = exchangeOf(await propose("amira", direct())).exchangeId;
    await act("ben", id, { action: "accept" });
    await act("ben", id, { action: "complete", minutes: 120 });
    const disputed = await act("amira", id, { action: "dispute", reason: "It took an hour, not two" });
    expect(exchangeOf(disputed).status).toBe("disputed");
    const body = { decision: "adjust", minutes: 60, reason: "Both agreed on an hour" };
    const headers = { "idempotency-key": newKey("resolve") };
    expect(
      (await city.call("POST", `/exchanges/${id}/resolution`, { as: "ben", body, headers })).status,
    ).toBe(403);
    const emil = await city.call("POST", `/exchanges/${id}/resolution`, { as: "emil", body, headers });
    expect(emil.status).toBe(404);
    expect((await city.call("POST", `/exchanges/${id}/resolution`, { as: "dora", body })).status).toBe(400);
    const resolved = await city.call("POST", `/exchanges/${id}/resolution`, { as: "dora", body, headers });
    expect(resolved.status).toBe(200);
    expect(exchangeOf(resolved)).toMatchObject({
      status: "settled",
      settledMinutes: 60,
      resolution: { by: ids.dora, decision: "adjust" },
    });
  });

  it("a coordinator cancels a disputed exchange, and confirms a completed one for an offline receiver", async () => {
    const a = exchangeOf(await propose("amira", direct())).exchangeId;
    await act("ben", a, { action: "accept" });
    await act("amira", a, { action: "dispute", reason: "He never came" });
    const cancelled = await city.call("POST", `/exchanges/${a}/resolution`, {
      as: "dora",
      body: { decision: "cancel", reason: "No-show confirmed" },
      headers: { "idempotency-key": newKey() },
    });
    expect(exchangeOf(cancelled).status).toBe("cancelled");

    const b = exchangeOf(await propose("amira", direct())).exchangeId;
    await act("ben", b, { action: "accept" });
    await act("ben", b, { action: "complete", minutes: 45 });
    const settled = await city.call("POST", `/exchanges/${b}/resolution`, {
      as: "dora",
      body: { decision: "settle", reason: "Amira confirmed by phone" },
      headers: { "idempotency-key": newKey() },
    });
    expect(exchangeOf(settled)).toMatchObject({ status: "settled", settledMinutes: 45 });
  });

  it("a workshop: one provider, three receivers, per-receiver minutes, all legs settle at once", async () => {
    const greta = await createMember(city.runtime.deps, { id: "greta-ws", login: "greta-ws" });
    const receivers = [ids.amira ?? "", ids.ben ?? "", greta.memberId];
    const before = await Promise.all(["amira", "ben", "greta-ws", "chen"].map((who) => balanceOf(who)));
    const res = await propose("chen", {
      providerIds: [ids.chen],
      receiverIds: receivers,
      minutes: 60,
      category: "digital-help",
    });
    expect(res.status).toBe(201);
    const id = exchangeOf(res).exchangeId;
    // Only the single side proposes a group exchange.
    expect(
      (
        await propose("amira", {
          providerIds: [ids.chen],
          receiverIds: receivers,
          minutes: 60,
          category: "digital-help",
        })
      ).status,
    ).toBe(422);
    await act("amira", id, { action: "accept" });
    await act("ben", id, { action: "accept" });
    expect(exchangeOf(await city.call("GET", `/exchanges/${id}`, { as: "chen" })).status).toBe("proposed");
    expect(exchangeOf(await act("greta-ws", id, { action: "accept" })).status).toBe("accepted");
    const complete = await act("chen", id, {
      action: "complete",
      minutes: 60,
      legs: [{ memberId: greta.memberId, minutes: 30 }],
    });
    expect(exchangeOf(complete).legs.map((l) => l.actualMinutes)).toEqual([60, 60, 30]);
    await act("amira", id, { action: "confirm" }, { "idempotency-key": newKey() });
    await act("ben", id, { action: "confirm" }, { "idempotency-key": newKey() });
    // Nothing moves until the last receiver confirms; then every leg moves in one transaction.
    expect(await balanceOf("chen")).toBe(before[3]);
    const last = await act("greta-ws", id, { action: "confirm" }, { "idempotency-key": newKey() });
    expect(exchangeOf(last)).toMatchObject({ status: "settled", settledMinutes: 150 });
    const after = await Promise.all(["amira", "ben", "greta-ws", "chen"].map((who) => balanceOf(who)));
    expect(after).toEqual([
      (before[0] ?? 0) - 60,
      (before[1] ?? 0) - 60,
      (before[2] ?? 0) - 30,
      (before[3] ?? 0) + 150,
    ]);
  });

  it("many to one: each provider records their own minutes, and each is paid their own", async () => {
    const [amira, ben, chen] = [await balanceOf("amira"), await balanceOf("ben"), await balanceOf("chen")];
    const id = exchangeOf(
      await propose("amira", {
        providerIds: [ids.ben, ids.chen],
        receiverIds: [ids.amira],
        minutes: 45,
        category: "transport",
      }),
    ).exchangeId;
    await act("ben", id, { action: "accept" });
    await act("chen", id, { action: "accept" });
    // A provider records their own leg only; the exchange waits for the others.
    const other = await act("ben", id, { action: "complete", legs: [{ memberId: ids.chen, minutes: 10 }] });
    expect(other.status).toBe(403);
    const first = await act("ben", id, { action: "complete", minutes: 45 });
    expect(first.status).toBe(200);
    expect(exchangeOf(first)).toMatchObject({ status: "accepted" });
    expect(exchangeOf(first).legs.map((l) => l.actualMinutes)).toEqual([45, undefined]);
    const told = (await city.call("GET", "/me/inbox?limit=1", { as: "amira" })).body as {
      items: { kind: string; title: string }[];
    };
    expect(told.items[0]).toMatchObject({
      kind: "exchange-completed",
      title: expect.stringContaining("logged 45 min"),
    });
    expect((await act("ben", id, { action: "complete", minutes: 50 })).status).toBe(422);
    expect((await act("amira", id, { action: "confirm" }, { "idempotency-key": newKey() })).status).toBe(422);
    // Time has been given: the exchange can be disputed, no longer simply cancelled.
    expect((await act("amira", id, { action: "cancel" })).status).toBe(422);
    const second = await act("chen", id, { action: "complete", minutes: 30 });
    expect(exchangeOf(second)).toMatchObject({ status: "completed" });
    expect(exchangeOf(second).legs.map((l) => l.actualMinutes)).toEqual([45, 30]);
    const settled = await act("amira", id, { action: "confirm" }, { "idempotency-key": newKey() });
    expect(exchangeOf(settled)).toMatchObject({ status: "settled", settledMinutes: 75 });
    expect(await balanceOf("amira")).toBe(amira - 75);
    expect(await balanceOf("ben")).toBe(ben + 45);
    expect(await balanceOf("chen")).toBe(chen + 30);
  });

  it("a coordinator proposes and confirms for an offline resident with x-act-for", async () => {
    const jan = await createMember(city.runtime.deps, { id: "jan-offline" });
    const forJan = { "x-act-for": jan.memberId };
    const res = await propose("dora", { ...direct(), receiverIds: [jan.memberId], minutes: 30 }, forJan);
    expect(res.status).toBe(201);
    const id = exchangeOf(res).exchangeId;
    await act("ben", id, { action: "accept" });
    await act("ben", id, { action: "complete", minutes: 30 });
    const ok = await act("dora", id, { action: "confirm" }, { ...forJan, "idempotency-key": newKey() });
    expect(exchangeOf(ok)).toMatchObject({ status: "settled", updatedBy: ids.dora });
    expect(await balanceOf("dora", forJan)).toBe(-30);
  });

  it("auto-confirms exchanges completed more than 14 days ago", async () => {
    const id = exchangeOf(await propose("amira", direct())).exchangeId;
    await act("ben", id, { action: "accept" });
    await act("ben", id, { action: "complete", minutes: 20 });
    const deps = city.runtime.deps;
    const soon = await autoConfirmExchanges({
      ...deps,
      clock: { now: () => new Date(Date.now() + 13 * 86_400_000) },
    });
    expect(soon.settled).not.toContain(id);
    const later = await autoConfirmExchanges({
      ...deps,
      clock: { now: () => new Date(Date.now() + 15 * 86_400_000) },
    });
    expect(later.settled).toContain(id);
    expect(exchangeOf(await city.call("GET", `/exchanges/${id}`, { as: "amira" }))).toMatchObject({
      status: "settled",
      resolution: { by: "system", decision: "auto-confirm" },
    });
  });
});
