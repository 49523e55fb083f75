import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCity, type TestCity } from "../../support/city.ts";
import { createMember } from "../ledger/support.ts";

/** Coordinators see who has never exchanged in their areas, and send one of them a first task. */
let city: TestCity;
beforeAll(async () => {
  city = await startTestCity();
  await city.runtime.poller.drain();
});
afterAll(async () => {
  await city?.stop();
});

type Quiet = { items: { memberId: string; displayName: string; area: string; hasHome: boolean }[] };

describe("members who have never exchanged", () => {
  it("lists the active residents in scope who never settled an exchange, not those who did", async () => {
    const ids = city.runtime.demoIds ?? {};
    const all = await city.call("GET", "/members/quiet?limit=50", { as: "dora" });
    expect(all.status).toBe(200);
    const names = (all.body as Quiet).items.map((m) => m.displayName);
    // Amira never exchanged; Chen helped Ben in the demo ledger, so neither is quiet.
    expect(names).toContain("Amira Haddad");
    expect(names).not.toContain("Chen Wei");
    expect(names).not.toContain("Ben Jacobs");
    // Organisations, the coordinator herself and other staff are not on it.
    expect(names).not.toContain("Riverside Community Kitchen");
    expect(names).not.toContain("Dora Peeters");
    expect(names).not.toContain("Emil Laurent");
    expect(names).not.toContain("Sam Okafor");
    expect(ids.amira).toBeDefined();
  });

  it("lists, beside them, those who exchanged but settled nothing for the city's quiet period", async () => {
    // Two residents who settled an exchange: one long ago, one last week (as the stream records it).
    const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    const longAgo = days(200);
    for (const [id, at] of [
      ["quiet-long-ago", longAgo],
      ["quiet-last-week", days(7)],
    ] as const) {
      await createMember(city.runtime.deps, { id });
      await city.runtime.deps.signals.apply(`settled-${id}`, id, {
        type: "exchange",
        outcome: "settled",
        partnerIds: ["someone"],
        givenMinutes: 60,
        at,
      });
    }
    const res = await city.call("GET", "/members/quiet?area=old-town&limit=50", { as: "dora" });
    expect(res.status, res.text).toBe(200);
    const items = (res.body as { items: { memberId: string; quiet: string; lastSettledAt?: string }[] })
      .items;
    const ids = city.runtime.demoIds ?? {};
    expect(items.find((m) => m.memberId === "quiet-long-ago")).toMatchObject({
      quiet: "gone-quiet",
      lastSettledAt: longAgo,
    });
    expect(items.find((m) => m.memberId === "quiet-last-week")).toBeUndefined();
    expect(items.find((m) => m.memberId === ids.amira)).toMatchObject({ quiet: "never" });
  });

  it("keeps an area coordinator to their area: another area is refused", async () => {
    const own = await city.call("GET", "/members/quiet?area=hillcrest", { as: "emil" });
    expect(own.status).toBe(200);
    const other = await city.call("GET", "/members/quiet?area=old-town", { as: "emil" });
    expect(other.status).toBe(403);
    expect((other.body as { error: { code: string } }).error.code).toBe("FORBIDDEN");
  });
});

describe("a first task", () => {
  it("sends the nearest open request in the member's skills to their inbox, once", async () => {
    const ids = city.runtime.demoIds ?? {};
    const post = await city.call("POST", "/posts", {
      as: "ben",
      body: {
        kind: "request",
        title: "Weed a small front garden",
        category: "gardening",
        where: { type: "my-place" },
        estimatedMinutes: 45,
      },
    });
    expect(post.status).toBe(201);
    await city.runtime.poller.drain();

    const first = await city.call("POST", `/members/${ids.amira}/first-task`, { as: "dora" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      suggested: true,
      title: "Weed a small front garden",
      delivered: true,
    });
    const inbox = await city.call("GET", "/me/inbox", { as: "amira" });
    const notice = (inbox.body as { items: { kind: string; title: string; link?: string }[] }).items.find(
      (n) => n.title === "A first task, suggested by Dora Peeters",
    );
    expect(notice?.link).toBe(`/posts/${(post.body as { postId: string }).postId}`);

    const again = await city.call("POST", `/members/${ids.amira}/first-task`, { as: "dora" });
    expect(again.body).toMatchObject({ suggested: true, delivered: false });
  });

  it("answers suggested: false when nothing nearby fits, and changes nothing", async () => {
    const ids = city.runtime.demoIds ?? {};
    // Chen's skills (digital help, forms) have no open request nearby.
    const res = await city.call("POST", `/members/${ids.chen}/first-task`, { as: "dora" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ suggested: false, delivered: false });
  });

  it("is not found for a member outside the coordinator's area", async () => {
    const ids = city.runtime.demoIds ?? {};
    const res = await city.call("POST", `/members/${ids.amira}/first-task`, { as: "emil" });
    expect(res.status).toBe(404);
  });
});
