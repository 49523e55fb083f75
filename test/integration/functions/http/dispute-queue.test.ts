import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { followExchangeForCoordinators } from "#domain/exchanges/queue.ts";
import { newMember } from "#domain/membership/member.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import { demoSubject } from "../../../../infra/local/demo.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";
import { errorOf, expectLedgerSound, newKey } from "../../ledger/support.ts";

/** Disputes reach the coordinators in scope, and coordinators list exchanges by status and area. */
let city: TestCity;
let ids: Record<string, string>;
const id = (handle: string) => ids[handle] ?? handle;

async function coordinator(handle: string, areas: string[]): Promise<void> {
  const now = new Date().toISOString();
  await city.runtime.deps.members.create(
    newMember({
      memberId: `coord-${handle}`,
      kind: "person",
      displayName: `Coordinator ${handle}`,
      status: "active",
      roles: ["resident", "coordinator"],
      coordinatorAreas: areas,
      area: areas[0] ?? "old-town",
      languages: ["en"],
      createdAt: now,
      updatedAt: now,
    }),
    demoSubject(handle),
  );
}

beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
  await coordinator("canal", ["canal-side"]);
  await coordinator("north", ["north-park"]);
  await city.runtime.poller.drain();
});
afterAll(async () => {
  try {
    await expectLedgerSound(city.runtime.deps);
  } finally {
    await city?.stop();
  }
});

type Call = Awaited<ReturnType<TestCity["call"]>>;
type Page = { items: Exchange[]; nextCursor?: string };
const pageOf = (res: Call) => res.body as Page;

/** Amira (Old Town) gives Ben (Canal Side) an hour; Ben disputes what she logged. */
async function disputed(reason = "It took an hour, not two"): Promise<string> {
  const proposed = await city.call("POST", "/exchanges", {
    as: "amira",
    body: {
      providerIds: [id("amira")],
      receiverIds: [id("ben")],
      minutes: 60,
      category: "gardening",
      area: "old-town",
      description: "Weeding",
    },
  });
  expect(proposed.status, proposed.text).toBe(201);
  const exchangeId = (proposed.body as Exchange).exchangeId;
  const step = async (as: string, body: Record<string, unknown>) => {
    const res = await city.call("POST", `/exchanges/${exchangeId}/transitions`, { as, body });
    expect(res.status, res.text).toBe(200);
  };
  await step("ben", { action: "accept" });
  await step("amira", { action: "complete", minutes: 120 });
  await step("ben", { action: "dispute", reason });
  await city.runtime.poller.drain();
  return exchangeId;
}

async function disputeNotices(memberId: string, exchangeId: string): Promise<Notification[]> {
  const page = await city.runtime.deps.inbox.list(memberId, { limit: 50 });
  return page.items.filter((n) => n.kind === "dispute-to-resolve" && n.link === `/exchanges/${exchangeId}`);
}

async function queue(as: string, query: string): Promise<Call> {
  return city.call("GET", `/exchanges?${query}`, { as });
}

describe("a dispute reaches the coordinators in scope", () => {
  it("tells the coordinators of every party's area and the admins, once, with the reason", async () => {
    const exchangeId = await disputed();
    // Dora coordinates the whole city, Sam is an admin, "canal" has Ben's area.
    for (const memberId of [id("dora"), id("sam"), "coord-canal"]) {
      const notices = await disputeNotices(memberId, exchangeId);
      expect(notices, memberId).toHaveLength(1);
      expect(notices[0]).toMatchObject({
        title: expect.stringContaining("Weeding"),
        body: expect.stringContaining("It took an hour, not two"),
        params: { exchangeId, disputedBy: id("ben") },
      });
    }
    // Emil coordinates Hillcrest only, "north" North Park: neither party is theirs.
    expect(await disputeNotices(id("emil"), exchangeId)).toEqual([]);
    expect(await disputeNotices("coord-north", exchangeId)).toEqual([]);
    // The parties are not told as coordinators.
    expect(await disputeNotices(id("ben"), exchangeId)).toEqual([]);
    // A redelivered stream record tells nobody twice.
    const exchange = await city.runtime.deps.exchanges.get(exchangeId);
    if (!exchange) throw new Error("the exchange is missing");
    const before = { ...exchange, status: "completed" as const, version: exchange.version - 1 };
    const again = await followExchangeForCoordinators(city.runtime.deps, before, exchange);
    expect(again).toEqual({ queued: true, told: 0 });
    expect(await disputeNotices(id("dora"), exchangeId)).toHaveLength(1);
    // The coordinator of Ben's area may see it.
    expect((await city.call("GET", `/exchanges/${exchangeId}`, { as: "canal" })).status).toBe(200);
    expect((await city.call("GET", `/exchanges/${exchangeId}`, { as: "north" })).status).toBe(404);
    // Resolving it is for a coordinator of the exchange's own area (Old Town here).
    const resolve = await city.call("POST", `/exchanges/${exchangeId}/resolution`, {
      as: "canal",
      body: { decision: "cancel", reason: "Not mine to decide" },
      headers: { "idempotency-key": newKey("canal") },
    });
    expect(resolve.status, resolve.text).toBe(403);
    expect(errorOf(resolve.body).message).toContain("old-town");
  });
});

describe("the dispute queue: exchanges by status and area", () => {
  it("lists the disputed exchanges of an area, oldest first, to its coordinators, page by page", async () => {
    const first = await disputed("First dispute");
    const second = await disputed("Second dispute");
    const third = await disputed("Third dispute");
    // Ben's area: the canal-side coordinator sees all three, in the order they were disputed.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await queue(
        "canal",
        `status=disputed&area=canal-side&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.status, res.text).toBe(200);
      expect(pageOf(res).items.length).toBeLessThanOrEqual(2);
      for (const exchange of pageOf(res).items) expect(exchange.status).toBe("disputed");
      seen.push(...pageOf(res).items.map((e) => e.exchangeId));
      cursor = pageOf(res).nextCursor;
    } while (cursor);
    expect(seen.filter((e) => [first, second, third].includes(e))).toEqual([first, second, third]);
    // Amira's area (the exchange's own) lists them too; an area neither party lives in does not.
    const oldTown = pageOf(await queue("dora", "status=disputed&area=old-town&limit=50"));
    expect(oldTown.items.map((e) => e.exchangeId)).toEqual(expect.arrayContaining([first, second, third]));
    const hillcrest = pageOf(await queue("emil", "status=disputed&area=hillcrest"));
    expect(hillcrest.items.map((e) => e.exchangeId)).not.toContain(first);
    // Disputed is the default status; a city-wide coordinator may leave the area out.
    const cityWide = pageOf(await queue("dora", "limit=50"));
    expect(cityWide.items.map((e) => e.exchangeId)).toEqual(expect.arrayContaining([first, second, third]));
  });

  it("moves a resolved exchange out of the disputed queue and into its new status", async () => {
    const exchangeId = await disputed();
    const resolved = await city.call("POST", `/exchanges/${exchangeId}/resolution`, {
      as: "dora",
      body: { decision: "adjust", minutes: 60, reason: "Both agreed on an hour" },
      headers: { "idempotency-key": newKey("resolve") },
    });
    expect(resolved.status, resolved.text).toBe(200);
    await city.runtime.poller.drain();
    const disputedNow = pageOf(await queue("canal", "status=disputed&area=canal-side&limit=50"));
    expect(disputedNow.items.map((e) => e.exchangeId)).not.toContain(exchangeId);
    const settled = pageOf(await queue("canal", "status=settled&area=canal-side&limit=50"));
    expect(settled.items.map((e) => e.exchangeId)).toContain(exchangeId);
  });

  it.each([
    ["ben", "status=disputed&area=canal-side", 403, "FORBIDDEN"],
    ["emil", "status=disputed&area=canal-side", 403, "FORBIDDEN"],
    ["emil", "status=disputed", 400, "VALIDATION_FAILED"],
    ["dora", "status=lost", 400, "VALIDATION_FAILED"],
    ["dora", "area=atlantis", 400, "VALIDATION_FAILED"],
    ["dora", "area=old-town&cursor=bm90LWEtY3Vyc29y", 400, "VALIDATION_FAILED"],
  ])("GET /exchanges as %s with %s -> %i %s", async (as, query, status, code) => {
    const res = await queue(as, query);
    expect(res.status, res.text).toBe(status);
    expect(errorOf(res.body).code).toBe(code);
  });
});
