import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followUpMatches } from "#domain/matching/run.ts";
import { newMember } from "#domain/membership/member.ts";
import { demoSubject } from "../../../infra/local/demo.ts";
import { runSchedule } from "../../../infra/local/scheduler.ts";
import { manifest } from "../../../infra/manifest.ts";
import { exampleCity, startTestCity, type TestCity } from "../../support/city.ts";

let city: TestCity;

beforeAll(async () => {
  const base = exampleCity();
  city = await startTestCity({
    city: {
      ...base,
      notifications: { ...base.notifications, quietHours: { start: "00:00", end: "00:00" } },
      // One notice a day and one person per round make fatigue and follow-up visible.
      matching: { ...base.matching, notifyTopK: 2, dailyMatchNotifications: 1 },
    },
  });
  const now = new Date().toISOString();
  // Two more gardeners: Gus near Ben, Hana a few kilometres away.
  for (const [id, name, home] of [
    ["gus", "Gus Gardener", { lat: 50.8655, lon: 4.3302 }],
    ["hana", "Hana Far", { lat: 50.83, lon: 4.39 }],
  ] as const) {
    await city.runtime.deps.members.create(
      newMember({
        memberId: id,
        kind: "person",
        displayName: name,
        status: "active",
        roles: ["resident"],
        coordinatorAreas: [],
        area: "canal-side",
        languages: ["en"],
        skills: { categories: ["gardening"], tags: [] },
        home,
        createdAt: now,
        updatedAt: now,
      }),
      demoSubject(id),
    );
  }
  await city.runtime.poller.drain();
});
afterAll(async () => {
  await city?.stop();
});

async function request(title: string): Promise<string> {
  const res = await city.call("POST", "/posts", {
    as: "ben",
    body: {
      kind: "request",
      title,
      category: "gardening",
      tags: ["vegetables"],
      where: { type: "my-place" },
      estimatedMinutes: 60,
    },
  });
  expect(res.status, res.text).toBe(201);
  await city.runtime.poller.drain();
  return (res.body as { postId: string }).postId;
}

async function inboxOf(handle: string): Promise<{ kind: string; title: string; body: string }[]> {
  const res = await city.call("GET", "/me/inbox?limit=50", { as: handle });
  return (res.body as { items: { kind: string; title: string; body: string }[] }).items;
}

describe("match notices respect people's attention", () => {
  it("keeps matches past a member's daily budget for the digest (fatigue)", async () => {
    await request("Weeding the front garden");
    await request("Harvesting beans");
    // Both gardeners are in the top 2 of both posts, but one notice a day is their budget.
    for (const handle of ["amira", "gus"]) {
      const notices = (await inboxOf(handle)).filter((n) => n.kind === "match");
      expect(notices.map((n) => n.title)).toEqual(["Could you help? Weeding the front garden"]);
    }
    // Hana is further away and not in the top 2: she has heard nothing.
    expect((await inboxOf("hana")).filter((n) => n.kind === "match")).toHaveLength(0);
  });

  it("tells the owner of the best candidates too, within the same daily budget", async () => {
    // Ben's first request: he hears who could help, by name and why.
    const owner = (await inboxOf("ben")).filter((n) => n.kind === "post-matches");
    expect(owner.map((n) => n.title)).toEqual([
      "2 people could help with your request: Weeding the front garden",
    ]);
    expect(owner[0]?.body).toContain("Amira Haddad");
    expect(owner[0]?.body).toContain("Gus Gardener");
    expect(owner[0]?.body).toContain("Gardening");
    // His second request came after his one notice of the day: it waits for his digest.
    expect(owner.some((n) => n.title.includes("Harvesting beans"))).toBe(false);
  });

  it("a redelivered post tells nobody beyond its top k, however many candidates wait", async () => {
    const post = await request("Clearing the shed");
    const shown = async () =>
      (
        (await city.call("GET", `/posts/${post}/matches`, { as: "ben" })).body as {
          items: { candidateId: string; status: string }[];
        }
      ).items;
    const before = await shown();
    const ownerNotices = async () => (await inboxOf("ben")).filter((n) => n.kind === "post-matches").length;
    const toldOwner = await ownerNotices();
    // More candidates than the top 2: the rest wait on the shortlist, untold.
    expect(before.filter((m) => m.status === "candidate").length).toBeGreaterThan(0);
    city.runtime.poller.rewind();
    await city.runtime.poller.drain();
    // The same matches, told and untold, down to their times: nothing new, nothing rewritten.
    expect(await shown()).toEqual(before);
    expect(await ownerNotices()).toBe(toldOwner);
    expect((await inboxOf("hana")).filter((n) => n.title.includes("Clearing the shed"))).toHaveLength(0);
  });

  it("sends one daily digest with what waited, once", async () => {
    const schedule = manifest.schedules.find((s) => s.name === "match-follow-up");
    if (!schedule) throw new Error("match-follow-up schedule missing");
    await runSchedule(schedule);
    for (const handle of ["amira", "gus"]) {
      const digests = (await inboxOf(handle)).filter((n) => n.kind === "digest");
      expect(digests).toHaveLength(1);
      expect(digests[0]?.body).toContain("Harvesting beans");
    }
    // The owner's digest: who could answer his request that came past his budget.
    const owners = (await inboxOf("ben")).filter((n) => n.kind === "digest");
    expect(owners).toHaveLength(1);
    expect(owners[0]?.body).toContain("Harvesting beans");
    await runSchedule(schedule);
    expect((await inboxOf("amira")).filter((n) => n.kind === "digest")).toHaveLength(1);
    expect((await inboxOf("ben")).filter((n) => n.kind === "digest")).toHaveLength(1);
  });

  it("tells the next candidates when nobody answered within the window", async () => {
    const mulching = await request("Mulching the beds");
    const statusOfHana = async () => {
      const res = await city.call("GET", `/posts/${mulching}/matches`, { as: "ben" });
      return (res.body as { items: { candidateId: string; status: string }[] }).items.find(
        (m) => m.candidateId === "hana",
      )?.status;
    };
    expect(await statusOfHana()).toBe("candidate");
    const later = new Date(
      Date.now() + (city.runtime.deps.city.matching.responseWindowHours + 1) * 3_600_000,
    );
    const result = await followUpMatches({ ...city.runtime.deps, clock: { now: () => later } });
    // Nobody answered any of Ben's four posts: each gets a second round, and Hana is next in each.
    expect(result).toEqual({ due: 4, rounds: 4 });
    expect(["notified", "digest"]).toContain(await statusOfHana());
    // Still within her budget: one notice now, the rest wait for her digest.
    expect((await inboxOf("hana")).filter((n) => n.kind === "match")).toHaveLength(1);
    // A second pass finds nothing due: rounds are scheduled a window apart.
    expect(await followUpMatches({ ...city.runtime.deps, clock: { now: () => later } })).toEqual({
      due: 0,
      rounds: 0,
    });
  });

  it("the owner may reach out first to someone on the shortlist who was not told yet", async () => {
    const post = await request("Raking leaves");
    const list = await city.call("GET", `/posts/${post}/matches`, { as: "ben" });
    const untold = (
      list.body as { items: { matchId: string; candidateId: string; status: string }[] }
    ).items.find((m) => m.candidateId === "hana");
    expect(untold?.status).toBe("candidate");
    // Nobody but the owner can answer a match that was never made.
    const stranger = await city.call("POST", `/matches/${untold?.matchId}/answer`, {
      as: "hana",
      body: { answer: "accept" },
    });
    expect(stranger.status).toBe(404);
    const accepted = await city.call("POST", `/matches/${untold?.matchId}/answer`, {
      as: "ben",
      body: { answer: "accept" },
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body).toMatchObject({ status: "accepted", candidateId: "hana" });
    expect(
      (await inboxOf("hana")).some((n) => n.title.includes("would like to go ahead: Raking leaves")),
    ).toBe(true);
    const mine = await city.call("GET", "/me/matches", { as: "hana" });
    expect(JSON.stringify(mine.body)).toContain("Raking leaves");
  });
});
