import { describe, expect, it } from "vitest";
import { auditEntryFor } from "#domain/notices/audit-trail.ts";

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

  it("records removals", () => {
    expect(auditEntryFor("e5", "t", base, undefined)).toMatchObject({ change: "removed", subjectId: "m1" });
  });
});
