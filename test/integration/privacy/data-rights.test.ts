import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { createDocumentClient } from "../../../shared/data/client.ts";
import { keys } from "../../../shared/data/keys.ts";
import type { MemberExport } from "../../../shared/domain/privacy/export.ts";
import { useTestCity } from "../../support/city.ts";
import { snapshotTable } from "../../support/table.ts";
import { createMember } from "../ledger/support.ts";

/** Subject access (the export), who looked at what (the access log) and retention by rule. */
const city = useTestCity();
const ids = city.ids;

interface AccessView {
  actorId: string;
  actorName: string;
  actorRole: string;
  action: string;
  route: string;
}
async function accessLogOf(as: string): Promise<AccessView[]> {
  const res = await city.call("GET", "/me/access-log?limit=50", { as });
  expect(res.status, res.text).toBe(200);
  return (res.body as { items: AccessView[] }).items;
}

describe("the access log", () => {
  it("records a coordinator reading a member's details, and shows it to the member", async () => {
    const before = await accessLogOf("amira");
    expect((await city.call("GET", `/members/${ids.amira}`, { as: "dora" })).status).toBe(200);
    const after = await accessLogOf("amira");
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({
      actorId: ids.dora,
      actorName: "Dora Peeters",
      actorRole: "coordinator",
      action: "read",
      route: "GET /members/{memberId}",
    });
  });

  it("records acting for a member (reads and changes), but not residents, themselves or refusals", async () => {
    const before = await accessLogOf("ben");
    await city.call("GET", `/members/${ids.ben}`, { as: "chen" }); // a resident: public profile only
    await city.call("GET", `/members/${ids.ben}`, { as: "ben" });
    await city.call("GET", "/me/inbox", { as: "ben" });
    const refused = await city.call("PATCH", "/me/profile", {
      as: "dora",
      headers: { "x-act-for": ids.ben ?? "" },
      body: { home: { lat: 200, lon: 4 } },
    });
    expect(refused.status).toBe(400);
    expect(await accessLogOf("ben")).toHaveLength(before.length);

    await city.call("GET", "/me/inbox", { as: "dora", headers: { "x-act-for": ids.ben ?? "" } });
    const changed = await city.call("PATCH", "/me/profile", {
      as: "dora",
      headers: { "x-act-for": ids.ben ?? "" },
      body: { bio: "Fixes phones" },
    });
    expect(changed.status, changed.text).toBe(200);
    const after = await accessLogOf("ben");
    expect(after.slice(0, 2).map((r) => [r.action, r.route])).toEqual([
      ["act", "PATCH /me/profile"],
      ["read", "GET /me/inbox"],
    ]);
  });
});

describe("the export", () => {
  it("holds every section of what Mutua keeps about the member", async () => {
    const res = await city.call("GET", "/me/export", { as: "ben" });
    expect(res.status, res.text).toBe(200);
    const data = res.body as MemberExport;
    expect(data.member.memberId).toBe(ids.ben);
    // The demo city: Chen helped Ben with his phone (settled), and Ben got an hour of welcome credit.
    expect(data.exchanges.length).toBeGreaterThanOrEqual(1);
    expect(data.statement.map((l) => l.kind)).toEqual(expect.arrayContaining(["exchange", "grant"]));
    expect(data.account.balanceMinutes).toBe(data.statement.at(-1)?.balanceAfterMinutes);
    expect(data.inbox.length).toBeGreaterThan(0);
    expect(data.consents).toEqual([]); // demo members were made, not joined
    for (const section of ["posts", "matches", "auditTrail", "accessLog"] as const) {
      expect(Array.isArray(data[section]), section).toBe(true);
    }
    expect(data.accessLog.length).toBeGreaterThan(0);
  });

  it("is recorded when a coordinator exports for a member, and works after closing", async () => {
    const leaver = await createMember(city.runtime.deps, { id: "leaver-export", login: "leaver-export" });
    await city.call("POST", "/posts", {
      as: "leaver-export",
      body: {
        kind: "offer",
        title: "Soup",
        category: "cooking",
        where: { type: "online" },
        estimatedMinutes: 30,
      },
    });
    expect((await city.call("POST", "/me/close", { as: "leaver-export" })).status).toBe(200);
    await city.runtime.poller.drain();
    const res = await city.call("GET", "/me/export", {
      as: "dora",
      headers: { "x-act-for": leaver.memberId },
    });
    expect(res.status, res.text).toBe(200);
    const data = res.body as MemberExport;
    expect(data.member).toMatchObject({
      status: "closed",
      displayName: expect.stringMatching(/^Former member/),
    });
    expect(data.posts).toEqual([
      expect.objectContaining({ status: "withdrawn", title: "A post since erased" }),
    ]);
    expect(data.inbox).toEqual([]);
    // The export is recorded once it is made: the next one lists it.
    const again = await city.call("GET", "/me/export", {
      as: "dora",
      headers: { "x-act-for": leaver.memberId },
    });
    expect((again.body as MemberExport).accessLog[0]).toMatchObject({
      actorId: ids.dora,
      action: "export",
      route: "GET /me/export",
    });
  });
});

describe("retention by rule", () => {
  it("gives notices, matches, audit entries, access records and deliveries their removal date", async () => {
    await city.runtime.poller.drain();
    await city.runtime.poller.drain();
    const retention = city.runtime.deps.city.retention;
    const due = (from: string, days: number) => Math.floor(Date.parse(from) / 1000) + days * 86_400;
    const seen = new Map<string, number>();
    for (const text of (await snapshotTable(city)).values()) {
      const item = JSON.parse(text);
      const expected =
        item.entity === "Notification"
          ? due(item.createdAt, retention.inboxDays)
          : item.entity === "AuditEntry"
            ? due(item.at, retention.auditDays)
            : item.entity === "AccessRecord"
              ? due(item.at, retention.accessLogDays)
              : item.entity === "Match"
                ? due(item.createdAt, retention.matchDays)
                : undefined;
      if (expected === undefined) continue;
      expect(item.ttl, `${item.entity} ${item.pk}|${item.sk}`).toBe(expected);
      seen.set(item.entity, (seen.get(item.entity) ?? 0) + 1);
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(["AccessRecord", "AuditEntry", "Notification"]));
  });

  it("removes an ended post after the city's period, and its matches, digest copies and shortlist with it", async () => {
    const db = createDocumentClient(city.runtime.store.endpoint);
    const drain = async () => {
      for (let round = 0; round < 4; round++) await city.runtime.poller.drain();
    };
    // Ben asks for help with his phone: Chen (digital help, close by) is matched.
    const created = await city.call("POST", "/posts", {
      as: "ben",
      body: {
        kind: "request",
        title: "Set up video calls on my tablet",
        category: "digital-help",
        where: { type: "my-place" },
        estimatedMinutes: 60,
      },
    });
    expect(created.status, created.text).toBe(201);
    const { postId } = created.body as { postId: string };
    await drain();
    const holding = async () => {
      const found = new Map<string, string[]>();
      for (const [key, text] of await snapshotTable(city)) {
        if (!text.includes(postId)) continue;
        const entity = JSON.parse(text).entity as string;
        found.set(entity, [...(found.get(entity) ?? []), key]);
      }
      return found;
    };
    const before = await holding();
    expect([...before.keys()]).toEqual(expect.arrayContaining(["Post", "Match", "MatchShortlist"]));

    // Withdrawn, it is dated: the city's period after it ended.
    const withdrawn = await city.call("POST", `/posts/${postId}/status`, {
      as: "ben",
      body: { status: "withdrawn" },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    await drain();
    const { Item } = await db.send(new GetCommand({ TableName: "mutua-test", Key: keys.post(postId) }));
    const { updatedAt, ttl } = Item as { updatedAt: string; ttl: number };
    expect(ttl).toBe(
      Math.floor(Date.parse(updatedAt) / 1000) + city.runtime.deps.city.retention.postDays * 86_400,
    );

    // The store's TTL removes it (as AWS does, with a REMOVE on the stream): what hung on it goes.
    await db.send(new DeleteCommand({ TableName: "mutua-test", Key: keys.post(postId) }));
    await drain();
    const after = await holding();
    // Notices quoting it stay for the inbox's own period; the owner's trail records the removal; a
    // follow-up round due for it (a post id and an hour, nothing personal) finds no post and ends.
    const kept = new Set(["Notification", "AuditEntry", "MatchFollowUp"]);
    expect([...after.keys()].filter((e) => !kept.has(e))).toEqual([]);
    const trail = await city.call("GET", `/members/${ids.ben}/audit`, { as: "ben" });
    expect(trail.status, trail.text).toBe(200);
    expect((trail.body as { items: Record<string, unknown>[] }).items).toContainEqual(
      expect.objectContaining({ actorId: "system", target: "Post", change: "removed" }),
    );
  });
});
