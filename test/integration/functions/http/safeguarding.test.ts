import { describe, expect, it } from "vitest";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { type Match, matchIdOf } from "#domain/matching/match.ts";
import { followUpMatches } from "#domain/matching/run.ts";
import { scoreParts } from "#domain/matching/score.ts";
import { useTestCity } from "../../../support/city.ts";
import { createMember, errorOf } from "../../ledger/support.ts";

/** Sensitive categories are for verified members only; a block stops everything between two people. */
const city = useTestCity();
const ids = city.ids;

const homeVisit = {
  kind: "offer",
  title: "Company for an afternoon",
  category: "home-visits",
  where: { type: "your-place" },
  estimatedMinutes: 60,
};

const parts = Object.fromEntries(scoreParts.map((p) => [p, 0.5])) as Match["parts"];

async function inboxOf(as: string): Promise<{ kind: string; title: string }[]> {
  const res = await city.call("GET", "/me/inbox?limit=50", { as });
  expect(res.status).toBe(200);
  return (res.body as { items: { kind: string; title: string }[] }).items;
}
async function exchangesOf(as: string): Promise<Exchange[]> {
  return ((await city.call("GET", "/me/exchanges?limit=50", { as })).body as { items: Exchange[] }).items;
}
async function postsOf(as: string): Promise<unknown[]> {
  return ((await city.call("GET", "/me/posts", { as })).body as { items: unknown[] }).items;
}

describe("sensitive categories are for verified members only", () => {
  it("an unverified member cannot post in a sensitive category, nor move a post into one; nothing is stored", async () => {
    await createMember(city.runtime.deps, { id: "unverified-poster", login: "unverified-poster" });
    const refused = await city.call("POST", "/posts", { as: "unverified-poster", body: homeVisit });
    expect(refused.status).toBe(403);
    expect(errorOf(refused.body).code).toBe("VERIFICATION_REQUIRED");
    expect(errorOf(refused.body).details?.map((d) => d.path)).toEqual(["category"]);
    expect(await postsOf("unverified-poster")).toEqual([]);

    const garden = await city.call("POST", "/posts", {
      as: "unverified-poster",
      body: { ...homeVisit, category: "gardening", title: "Weeding together" },
    });
    expect(garden.status).toBe(201);
    const postId = (garden.body as { postId: string }).postId;
    const moved = await city.call("PATCH", `/posts/${postId}`, {
      as: "unverified-poster",
      body: { category: "childcare" },
    });
    expect(moved.status).toBe(403);
    expect(errorOf(moved.body).code).toBe("VERIFICATION_REQUIRED");
    const stored = await city.call("GET", `/posts/${postId}`, { as: "unverified-poster" });
    expect(stored.body).toMatchObject({ category: "gardening", sensitive: false });

    // A coordinator acting for the unverified member is refused alike: the rule is about the member.
    const forThem = await city.call("POST", "/posts", {
      as: "dora",
      body: homeVisit,
      headers: { "x-act-for": "unverified-poster" },
    });
    expect(forThem.status).toBe(403);
    expect(errorOf(forThem.body).code).toBe("VERIFICATION_REQUIRED");
    expect(await postsOf("unverified-poster")).toHaveLength(1);

    // Verified members post there as before.
    expect((await city.call("POST", "/posts", { as: "amira", body: homeVisit })).status).toBe(201);
  });

  it("an unverified member cannot propose sensitive work, nor be proposed it; nobody is told", async () => {
    const stranger = await createMember(city.runtime.deps, { id: "unverified-1", login: "unverified-1" });
    const benInbox = await inboxOf("ben");
    const fromUnverified = await city.call("POST", "/exchanges", {
      as: "unverified-1",
      body: {
        providerIds: [stranger.memberId],
        receiverIds: [ids.ben],
        minutes: 60,
        category: "home-visits",
      },
    });
    expect(fromUnverified.status).toBe(403);
    expect(errorOf(fromUnverified.body)).toMatchObject({
      code: "VERIFICATION_REQUIRED",
      details: [{ path: "providerIds.0" }],
    });
    const toUnverified = await city.call("POST", "/exchanges", {
      as: "ben",
      body: { providerIds: [stranger.memberId], receiverIds: [ids.ben], minutes: 60, category: "childcare" },
    });
    expect(toUnverified.status).toBe(403);
    expect(errorOf(toUnverified.body)).toMatchObject({
      code: "VERIFICATION_REQUIRED",
      details: [{ path: "providerIds.0" }],
    });
    expect(await inboxOf("ben")).toEqual(benInbox);
    expect(await exchangesOf("unverified-1")).toEqual([]);
  });

  it("an exchange about a sensitive post is sensitive, whatever category it names", async () => {
    const post = await city.call("POST", "/posts", { as: "amira", body: homeVisit });
    const postId = (post.body as { postId: string }).postId;
    const stranger = await createMember(city.runtime.deps, { id: "unverified-2", login: "unverified-2" });
    const res = await city.call("POST", "/exchanges", {
      as: "unverified-2",
      body: {
        providerIds: [ids.amira],
        receiverIds: [stranger.memberId],
        minutes: 60,
        category: "gardening",
        postId,
      },
    });
    expect(res.status).toBe(403);
    expect(errorOf(res.body).code).toBe("VERIFICATION_REQUIRED");
    expect(await exchangesOf("unverified-2")).toEqual([]);
  });

  it("a member who is no longer verified cannot accept sensitive work", async () => {
    const helper = await createMember(city.runtime.deps, { id: "was-verified", login: "was-verified" });
    expect(
      (
        await city.call("PUT", `/members/${helper.memberId}/verified`, {
          as: "dora",
          body: { verified: true },
        })
      ).status,
    ).toBe(200);
    const proposed = await city.call("POST", "/exchanges", {
      as: "amira",
      body: {
        providerIds: [helper.memberId],
        receiverIds: [ids.amira],
        minutes: 60,
        category: "home-visits",
      },
    });
    expect(proposed.status).toBe(201);
    const id = (proposed.body as Exchange).exchangeId;
    await city.call("PUT", `/members/${helper.memberId}/verified`, { as: "dora", body: { verified: false } });
    const accept = await city.call("POST", `/exchanges/${id}/transitions`, {
      as: "was-verified",
      body: { action: "accept" },
    });
    expect(accept.status).toBe(403);
    expect(errorOf(accept.body).code).toBe("VERIFICATION_REQUIRED");
    const stored = await city.call("GET", `/exchanges/${id}`, { as: "amira" });
    expect(stored.body).toMatchObject({ status: "proposed", acceptedBy: [] });
  });
});

describe("a block stops proposals, matches and notices both ways, silently", () => {
  it("refuses proposals between a member and someone they blocked, as if the member could not be found", async () => {
    const [blocker, blocked] = await Promise.all([
      createMember(city.runtime.deps, { id: "blocker-1", login: "blocker-1" }),
      createMember(city.runtime.deps, { id: "blocked-1", login: "blocked-1" }),
    ]);
    const blocking = await city.call("PATCH", "/me/profile", {
      as: "blocker-1",
      body: { blocked: [blocked.memberId] },
    });
    expect(blocking.status).toBe(200);
    const body = (providerId: string, receiverId: string) => ({
      providerIds: [providerId],
      receiverIds: [receiverId],
      minutes: 30,
      category: "gardening",
    });
    const before = await inboxOf("blocker-1");

    // The blocked side hears exactly what it would hear about a member that does not exist.
    const toBlocker = await city.call("POST", "/exchanges", {
      as: "blocked-1",
      body: body(blocker.memberId, blocked.memberId),
    });
    const toNobody = await city.call("POST", "/exchanges", {
      as: "blocked-1",
      body: body("01NOSUCHMEMBER0000000000", blocked.memberId),
    });
    expect(toBlocker.status).toBe(400);
    expect(toBlocker.body).toEqual(toNobody.body);

    // Both ways: the blocker cannot propose to them either, nor can a coordinator for them.
    const fromBlocker = await city.call("POST", "/exchanges", {
      as: "blocker-1",
      body: body(blocked.memberId, blocker.memberId),
    });
    expect(fromBlocker.status).toBe(400);
    const forBlocked = await city.call("POST", "/exchanges", {
      as: "dora",
      body: body(blocker.memberId, blocked.memberId),
      headers: { "x-act-for": blocked.memberId },
    });
    expect(forBlocked.status).toBe(400);
    expect(forBlocked.body).toEqual(toNobody.body);

    // In a group, a block between a provider and a receiver refuses it; nobody is told.
    const group = await city.call("POST", "/exchanges", {
      as: "chen",
      body: {
        providerIds: [ids.chen],
        receiverIds: [ids.ben, blocked.memberId, blocker.memberId],
        minutes: 30,
        category: "digital-help",
      },
    });
    expect(group.status).toBe(201);
    const reversedGroup = await city.call("POST", "/exchanges", {
      as: "blocked-1",
      body: {
        providerIds: [ids.chen, blocker.memberId],
        receiverIds: [blocked.memberId],
        minutes: 30,
        category: "digital-help",
      },
    });
    expect(reversedGroup.status).toBe(400);
    expect(errorOf(reversedGroup.body).details?.map((d) => d.path)).toEqual(["providerIds.1"]);

    expect(await inboxOf("blocker-1")).toHaveLength(before.length + 1);
    expect((await exchangesOf("blocked-1")).map((e) => e.proposedBy)).toEqual([ids.chen]);
  });

  it("hides matches across a block from both sides; answering one is answered as for a missing match", async () => {
    const deps = city.runtime.deps;
    const [owner, candidate] = await Promise.all([
      createMember(deps, { id: "match-owner", login: "match-owner" }),
      createMember(deps, { id: "match-candidate", login: "match-candidate" }),
    ]);
    const post = await city.call("POST", "/posts", {
      as: "match-owner",
      body: { ...homeVisit, category: "gardening", kind: "request", where: { type: "online" } },
    });
    const postId = (post.body as { postId: string }).postId;
    const at = new Date().toISOString();
    const match: Match = {
      matchId: matchIdOf(postId, candidate.memberId),
      postId,
      postOwnerId: owner.memberId,
      postKind: "request",
      postTitle: "Company for an afternoon",
      category: "gardening",
      candidateId: candidate.memberId,
      score: 0.8,
      parts,
      why: ["offers gardening"],
      status: "notified",
      notifiedAt: at,
      createdAt: at,
      updatedAt: at,
    };
    await deps.matches.createMissing([match]);
    const listed = await city.call("GET", "/me/matches", { as: "match-candidate" });
    expect((listed.body as { items: Match[] }).items.map((m) => m.matchId)).toEqual([match.matchId]);

    await city.call("PATCH", "/me/profile", { as: "match-owner", body: { blocked: [candidate.memberId] } });
    const mine = await city.call("GET", "/me/matches", { as: "match-candidate" });
    expect((mine.body as { items: Match[] }).items).toEqual([]);
    const theirs = await city.call("GET", `/posts/${postId}/matches`, { as: "match-owner" });
    expect((theirs.body as { items: Match[] }).items).toEqual([]);
    const ownerInbox = await inboxOf("match-owner");
    const answer = await city.call("POST", `/matches/${match.matchId}/answer`, {
      as: "match-candidate",
      body: { answer: "accept" },
    });
    const missing = await city.call("POST", `/matches/${postId}_01NOSUCHMEMBER/answer`, {
      as: "match-candidate",
      body: { answer: "accept" },
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual(missing.body);
    expect(await inboxOf("match-owner")).toEqual(ownerInbox);
    expect((await deps.matches.get(match.matchId))?.status).toBe("notified");
  });

  it("a follow-up round does not tell someone blocked since the shortlist was drawn", async () => {
    const deps = city.runtime.deps;
    const [owner, candidate] = await Promise.all([
      createMember(deps, { id: "round-owner", login: "round-owner" }),
      createMember(deps, { id: "round-candidate", login: "round-candidate" }),
    ]);
    const post = await city.call("POST", "/posts", {
      as: "round-owner",
      body: { ...homeVisit, category: "gardening", kind: "request", where: { type: "online" } },
    });
    const postId = (post.body as { postId: string }).postId;
    const at = new Date().toISOString();
    await deps.matches.saveShortlist(postId, [
      {
        matchId: matchIdOf(postId, candidate.memberId),
        postId,
        postOwnerId: owner.memberId,
        postKind: "request",
        postTitle: "Company for an afternoon",
        category: "gardening",
        candidateId: candidate.memberId,
        score: 0.8,
        parts,
        why: ["offers gardening"],
        status: "candidate",
        createdAt: at,
        updatedAt: at,
      },
    ]);
    await city.call("PATCH", "/me/profile", { as: "round-candidate", body: { blocked: [owner.memberId] } });
    await deps.matches.scheduleFollowUp(postId, at);
    const quiet = { ...deps.city.notifications, quietHours: { start: "00:00", end: "00:00" } };
    await followUpMatches({ ...deps, city: { ...deps.city, notifications: quiet } });
    expect(await deps.matches.get(matchIdOf(postId, candidate.memberId))).toBeUndefined();
    expect((await inboxOf("round-candidate")).filter((n) => n.kind === "match")).toEqual([]);
  });
});
