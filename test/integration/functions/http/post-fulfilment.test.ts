import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import { fulfilPostsOfExchange } from "#domain/posts/fulfilment.ts";
import { exampleCity, startTestCity, type TestCity } from "../../../support/city.ts";
import { expectLedgerSound, newKey } from "../../ledger/support.ts";

/** A post whose exchange settled is closed: a request at once, an offer when its places are taken. */
let city: TestCity;
let ids: Record<string, string>;
const id = (handle: string) => ids[handle] ?? handle;

beforeAll(async () => {
  const base = exampleCity();
  city = await startTestCity({
    city: { ...base, notifications: { ...base.notifications, quietHours: { start: "00:00", end: "00:00" } } },
  });
  ids = city.runtime.demoIds ?? {};
  await city.runtime.poller.drain();
});
afterAll(async () => {
  try {
    await expectLedgerSound(city.runtime.deps);
  } finally {
    await city?.stop();
  }
});

async function post(as: string, body: Record<string, unknown>): Promise<string> {
  const res = await city.call("POST", "/posts", {
    as,
    body: {
      category: "gardening",
      where: { type: "point", point: { lat: 50.85, lon: 4.35 } },
      estimatedMinutes: 60,
      ...body,
    },
  });
  expect(res.status, res.text).toBe(201);
  return (res.body as { postId: string }).postId;
}

/** Proposes, accepts (every receiver), completes and confirms (every receiver): settled. */
async function settle(
  provider: string,
  receivers: string[],
  extra: Record<string, unknown>,
): Promise<Exchange> {
  const proposed = await city.call("POST", "/exchanges", {
    as: provider,
    body: {
      providerIds: [id(provider)],
      receiverIds: receivers.map(id),
      minutes: 30,
      category: "gardening",
      ...extra,
    },
  });
  expect(proposed.status, proposed.text).toBe(201);
  const exchangeId = (proposed.body as Exchange).exchangeId;
  const step = async (as: string, body: Record<string, unknown>, key?: string) => {
    const headers: Record<string, string> = key ? { "idempotency-key": key } : {};
    const res = await city.call("POST", `/exchanges/${exchangeId}/transitions`, { as, body, headers });
    expect(res.status, res.text).toBe(200);
    return res.body as Exchange;
  };
  for (const r of receivers) await step(r, { action: "accept" });
  await step(provider, { action: "complete", minutes: 30 });
  let last: Exchange | undefined;
  for (const r of receivers) last = await step(r, { action: "confirm" }, newKey("confirm"));
  expect(last?.status).toBe("settled");
  await city.runtime.poller.drain();
  return last as Exchange;
}

const statusOf = async (postId: string) => (await city.runtime.deps.posts.get(postId))?.status;
async function searchIds(query: string): Promise<string[]> {
  const res = await city.call("GET", `/posts?${query}&limit=50`, { as: "dora" });
  expect(res.status, res.text).toBe(200);
  return (res.body as { items: { postId: string }[] }).items.map((i) => i.postId);
}
async function fulfilledNotices(memberId: string, postId: string): Promise<Notification[]> {
  const page = await city.runtime.deps.inbox.list(memberId, { limit: 50 });
  return page.items.filter((n) => n.kind === "post-fulfilled" && n.link === `/posts/${postId}`);
}

describe("a settled exchange closes its post", () => {
  it("a request is fulfilled when its exchange settles: out of search and matching, the owner told", async () => {
    const request = await post("ben", { kind: "request", title: "Prune the apple tree" });
    expect(await searchIds("category=gardening&kind=request")).toContain(request);
    await settle("amira", ["ben"], { postId: request });
    expect(await statusOf(request)).toBe("fulfilled");
    expect(await searchIds("category=gardening&kind=request")).not.toContain(request);
    const [notice] = await fulfilledNotices(id("ben"), request);
    expect(notice).toMatchObject({
      title: expect.stringContaining("Prune the apple tree"),
      params: { postId: request },
    });
    // Its matches are closed: nobody sees it among their matches any more.
    const matches = await city.runtime.deps.matches.listForPost(request, 50);
    expect(matches.filter((m) => m.status !== "closed" && m.status !== "accepted")).toEqual([]);
  });

  it("an offer stays open until its places are taken, each settled exchange taking one per receiver", async () => {
    const offer = await post("chen", { kind: "offer", title: "Seedling class", capacity: 3 });
    const first = await settle("chen", ["ben"], { postId: offer });
    expect(await statusOf(offer)).toBe("open");
    expect(await searchIds("category=gardening&kind=offer")).toContain(offer);
    // A redelivered settlement takes no second place.
    await fulfilPostsOfExchange(city.runtime.deps, first);
    expect((await city.runtime.deps.posts.get(offer))?.fulfilment?.placesTaken).toBe(1);
    // A workshop for two more: all three places are taken.
    await settle("chen", ["amira", "dora"], { postId: offer });
    expect(await statusOf(offer)).toBe("fulfilled");
    expect(await searchIds("category=gardening&kind=offer")).not.toContain(offer);
    expect(await fulfilledNotices(id("chen"), offer)).toHaveLength(1);
  });

  it("an exchange from a match closes the match's post", async () => {
    const request = await post("ben", {
      kind: "request",
      title: "Help planting tomatoes",
      tags: ["vegetables"],
    });
    await city.runtime.poller.drain();
    const matchId = `${request}_${id("amira")}`;
    const accepted = await city.call("POST", `/matches/${matchId}/answer`, {
      as: "amira",
      body: { answer: "accept" },
    });
    expect(accepted.status, accepted.text).toBe(200);
    await settle("amira", ["ben"], { matchId });
    expect(await statusOf(request)).toBe("fulfilled");
  });

  it("leaves alone a post its owner did not take part in, or took part in on the wrong side", async () => {
    const amiras = await post("amira", { kind: "request", title: "Someone else's request" });
    await settle("chen", ["ben"], { postId: amiras });
    expect(await statusOf(amiras)).toBe("open");
    // Ben's request, but Ben gave the time in this exchange: it does not answer his request.
    const bens = await post("ben", { kind: "request", title: "Mow the lawn" });
    await settle("ben", ["chen"], { postId: bens });
    expect(await statusOf(bens)).toBe("open");
  });
});
