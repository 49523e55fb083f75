import { describe, expect, it } from "vitest";
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
});
