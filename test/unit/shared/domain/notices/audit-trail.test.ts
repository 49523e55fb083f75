import { describe, expect, it } from "vitest";
import { auditEntriesFor, auditEntryFor } from "#domain/notices/audit-trail.ts";

const base = {
  pk: "MEMBER#m1",
  sk: "PROFILE",
  entity: "Member",
  memberId: "m1",
  displayName: "A",
  status: "pending",
};

describe("audit entries from stream images", () => {
  it("records a creation with the system as actor when no one is named", () => {
    expect(auditEntryFor("e1", "2026-01-01T00:00:00.000Z", undefined, base)).toMatchObject({
      subjectId: "m1",
      actorId: "system",
      target: "Member",
      change: "created",
    });
  });

  it("lists the changed fields and the acting member, ignoring bookkeeping fields", () => {
    const entry = auditEntryFor("e2", "t", base, {
      ...base,
      status: "active",
      updatedBy: "coordinator-1",
      updatedAt: "later",
    });
    expect(entry).toMatchObject({ change: "updated", fields: ["status"], actorId: "coordinator-1" });
  });

  it("skips updates that change only bookkeeping", () => {
    expect(auditEntryFor("e3", "t", base, { ...base, updatedAt: "later" })).toBeUndefined();
  });

  it("skips entities that are not audited", () => {
    expect(auditEntryFor("e4", "t", undefined, { pk: "X", sk: "Y", entity: "IdentityLink" })).toBeUndefined();
  });

  it("records removals, by the system (only the retention rule removes an audited item)", () => {
    const lastChangedBy = { ...base, updatedBy: "coordinator-1" };
    expect(auditEntryFor("e5", "t", lastChangedBy, undefined)).toMatchObject({
      change: "removed",
      subjectId: "m1",
      actorId: "system",
    });
  });

  it("lists only a post's own fields, never the index attributes or the stored card", () => {
    const post = {
      pk: "POST#p1",
      sk: "POST",
      entity: "Post",
      postId: "p1",
      ownerId: "m1",
      title: "Bike repair",
      category: "repairs",
      status: "open",
      catPk: "CAT#repairs#offer",
      catSk: "2026-01-01#p1",
      catCellPk: "CATCELL#repairs#offer#u1",
      recentSk: "2026-01-01#p1",
      card: { title: "Bike repair" },
      updatedBy: "m1",
    };
    const entry = auditEntryFor("e6", "t", post, {
      ...post,
      title: "Bicycle repair",
      status: "paused",
      catPk: undefined,
      catSk: undefined,
      catCellPk: undefined,
      recentSk: undefined,
      card: { title: "Bicycle repair" },
    });
    expect(entry).toMatchObject({ target: "Post", change: "updated", fields: ["status", "title"] });
  });

  it("lists only a member's own fields, never the index attributes", () => {
    const entry = auditEntryFor("e7", "t", base, {
      ...base,
      status: "active",
      statusPk: undefined,
      coordinatorPk: "COORDINATORS",
      someFutureIndexPk: "X",
    });
    expect(entry).toMatchObject({ fields: ["status"] });
  });

  it("lists a created post's own fields only", () => {
    const entry = auditEntryFor("e8", "t", undefined, {
      pk: "POST#p1",
      sk: "POST",
      entity: "Post",
      postId: "p1",
      ownerId: "m1",
      title: "Bike repair",
      recentPk: "RECENT#offer",
      recentSk: "2026-01-01#p1",
    });
    expect(entry?.fields).toEqual(["ownerId", "postId", "title"]);
  });
});

describe("an exchange in its parties' trails", () => {
  const exchange = {
    pk: "EXCHANGE#x1",
    sk: "EXCHANGE",
    entity: "Exchange",
    exchangeId: "x1",
    status: "proposed",
    parties: [
      { memberId: "amira", role: "provider", kind: "person", displayName: "Amira", area: "old-town" },
      { memberId: "ben", role: "receiver", kind: "person", displayName: "Ben", area: "canal-side" },
    ],
    acceptedBy: [],
    updatedBy: "amira",
    version: 1,
    statusAt: "t0",
  };

  it("puts each step in every party's trail, with who did it, for whom, and the new status", () => {
    const accepted = {
      ...exchange,
      status: "accepted",
      acceptedBy: ["ben"],
      updatedBy: "dora",
      updatedFor: "ben",
      version: 2,
      statusAt: "t1",
    };
    const entries = auditEntriesFor("e9", "t", exchange, accepted);
    expect(entries.map((e) => e.subjectId)).toEqual(["amira", "ben"]);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        actorId: "dora",
        onBehalfOf: "ben",
        target: "Exchange",
        targetId: "x1",
        change: "updated",
        status: "accepted",
        fields: ["acceptedBy", "status"],
        eventId: "e9",
      });
    }
    expect(auditEntriesFor("e10", "t", undefined, exchange)).toEqual([
      expect.objectContaining({
        subjectId: "amira",
        change: "created",
        actorId: "amira",
        status: "proposed",
      }),
      expect.objectContaining({ subjectId: "ben", change: "created", actorId: "amira", status: "proposed" }),
    ]);
    // A party acting for themselves names nobody else.
    expect(auditEntriesFor("e11", "t", undefined, exchange)[0]?.onBehalfOf).toBeUndefined();
  });

  it("leaves out a change that is only bookkeeping or a renamed party (erasure)", () => {
    const renamed = {
      ...exchange,
      parties: exchange.parties.map((p) =>
        p.memberId === "ben" ? { ...p, displayName: "Former member" } : p,
      ),
    };
    expect(auditEntriesFor("e12", "t", exchange, renamed)).toEqual([]);
    expect(auditEntriesFor("e13", "t", exchange, { ...exchange, version: 2, updatedAt: "x" })).toEqual([]);
  });

  it("keeps one entry for other audited items", () => {
    expect(auditEntriesFor("e14", "t", undefined, base)).toEqual([
      auditEntryFor("e14", "t", undefined, base),
    ]);
  });
});
