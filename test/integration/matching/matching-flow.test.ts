import { describe, expect, it } from "vitest";
import { exampleCity, useTestCity } from "../../support/city.ts";

/** A request meets its helpers: every test has a demo city of its own, streams drained. */
const base = exampleCity();
const city = useTestCity({
  each: true,
  // An empty quiet window, so the test does not depend on the hour it runs.
  city: { ...base, notifications: { ...base.notifications, quietHours: { start: "00:00", end: "00:00" } } },
  ready: (city) => city.runtime.poller.drain(),
});

type Items<T> = { items: T[] };
type MatchView = {
  matchId: string;
  candidateId: string;
  postId: string;
  status: string;
  why: string[];
  score: number;
  other: { displayName: string };
};

/** Ben asks for help planting a vegetable patch on Friday mornings; matching has run. The post's id. */
async function benAsksForGardenHelp(): Promise<string> {
  const created = await city.call("POST", "/posts", {
    as: "ben",
    body: {
      kind: "request",
      title: "Help planting a vegetable patch",
      category: "gardening",
      tags: ["vegetables"],
      where: { type: "my-place" },
      estimatedMinutes: 90,
      availability: { type: "weekly", windows: [{ day: 5, from: "09:00", to: "12:00" }] },
    },
  });
  expect(created.status, created.text).toBe(201);
  await city.runtime.poller.drain();
  return (created.body as { postId: string }).postId;
}

describe("a request finds its helpers", () => {
  it("tells the best-fitting neighbour, in the inbox and by email, with the reasons", async () => {
    const postId = await benAsksForGardenHelp();

    const inbox = await city.call("GET", "/me/inbox", { as: "amira" });
    expect((inbox.body as Items<{ kind: string; title: string }>).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "match", title: expect.stringContaining("vegetable patch") }),
      ]),
    );
    expect(city.runtime.outbox()).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: "email", to: "amira@example.org" })]),
    );
    const mine = await city.call("GET", "/me/matches", { as: "amira" });
    const match = (mine.body as Items<MatchView>).items.find((m) => m.postId === postId);
    expect(match?.why).toEqual(
      expect.arrayContaining(["offers Gardening (vegetables)", "free at the same times (3 h a week)"]),
    );
    expect(match?.other.displayName).toBe("Ben Jacobs");
    // The owner sees the same match on the post; other residents see nothing of it.
    const forPost = await city.call("GET", `/posts/${postId}/matches`, { as: "ben" });
    expect((forPost.body as Items<MatchView>).items.map((m) => m.candidateId)).toContain(match?.candidateId);
    expect((await city.call("GET", `/posts/${postId}/matches`, { as: "chen" })).status).toBe(404);
  });

  it("a redelivered stream creates no second match, notice or email", async () => {
    const postId = await benAsksForGardenHelp();
    const inboxBefore = await city.call("GET", "/me/inbox", { as: "amira" });
    const outboxBefore = city.runtime.outbox().length;
    const matchesBefore = await city.call("GET", `/posts/${postId}/matches`, { as: "ben" });
    expect((matchesBefore.body as Items<MatchView>).items.length).toBeGreaterThan(0);
    city.runtime.poller.rewind();
    await city.runtime.poller.drain();
    expect((await city.call("GET", "/me/inbox", { as: "amira" })).body).toEqual(inboxBefore.body);
    expect(city.runtime.outbox()).toHaveLength(outboxBefore);
    expect((await city.call("GET", `/posts/${postId}/matches`, { as: "ben" })).body).toEqual(
      matchesBefore.body,
    );
  });

  it("accepting opens a conversation and tells the owner; declining hides the match", async () => {
    const postId = await benAsksForGardenHelp();
    const mine = await city.call("GET", "/me/matches", { as: "amira" });
    const match = (mine.body as Items<MatchView>).items.find((m) => m.postId === postId);
    const accepted = await city.call("POST", `/matches/${match?.matchId}/answer`, {
      as: "amira",
      body: { answer: "accept" },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: "accepted", conversationId: match?.matchId });
    const benInbox = await city.call("GET", "/me/inbox", { as: "ben" });
    expect(JSON.stringify(benInbox.body)).toContain("would like to go ahead");
    const again = await city.call("POST", `/matches/${match?.matchId}/answer`, {
      as: "amira",
      body: { answer: "decline" },
    });
    expect(again.status).toBe(422);
    const stranger = await city.call("POST", `/matches/${match?.matchId}/answer`, {
      as: "chen",
      body: { answer: "accept" },
    });
    expect(stranger.status).toBe(404);
  });

  it("a withdrawn post drops out of everyone's matches", async () => {
    const other = await city.call("POST", "/posts", {
      as: "chen",
      body: {
        kind: "request",
        title: "Prune my apple tree",
        category: "gardening",
        where: { type: "my-place" },
        estimatedMinutes: 60,
      },
    });
    const otherId = (other.body as { postId: string }).postId;
    await city.runtime.poller.drain();
    const before = await city.call("GET", "/me/matches", { as: "amira" });
    expect((before.body as Items<MatchView>).items.map((m) => m.postId)).toContain(otherId);
    await city.call("POST", `/posts/${otherId}/status`, { as: "chen", body: { status: "withdrawn" } });
    await city.runtime.poller.drain();
    const after = await city.call("GET", "/me/matches", { as: "amira" });
    expect((after.body as Items<MatchView>).items.map((m) => m.postId)).not.toContain(otherId);
  });
});

describe("what matching knows of each member", () => {
  it("counts as given only the hours settled as a provider, not welcome credits or awards", async () => {
    const ids = city.runtime.demoIds ?? {};
    const [chen, ben, amira] = [ids.chen ?? "", ids.ben ?? "", ids.amira ?? ""];
    const signals = await city.runtime.deps.signals.getMany([chen, ben, amira]);
    // The demo: everyone got an hour of welcome credit; Chen gave Ben an hour.
    expect(signals.get(chen)?.givenMinutes).toBe(60);
    expect(signals.get(ben)?.givenMinutes).toBe(0);
    expect(signals.get(amira)?.givenMinutes).toBe(0);
    expect(signals.get(chen)?.balance).toBe(120);
  });
});
