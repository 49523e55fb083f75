import { describe, expect, it } from "vitest";
import { retentionOf } from "../../../../../shared/domain/privacy/retention.ts";

const retention = {
  inboxDays: 10,
  matchDays: 20,
  auditDays: 30,
  accessLogDays: 40,
  deliveryDays: 5,
  postDays: 50,
};
const at = "2026-01-01T00:00:00.000Z";
const base = Date.parse(at) / 1000;

describe("retention by rule", () => {
  it("dates notices, matches and audit entries from when they were made", () => {
    expect(retentionOf({ entity: "Notification", createdAt: at }, false, retention)).toBe(base + 10 * 86_400);
    expect(retentionOf({ entity: "Match", createdAt: at }, false, retention)).toBe(base + 20 * 86_400);
    expect(retentionOf({ entity: "AuditEntry", at }, false, retention)).toBe(base + 30 * 86_400);
  });

  it.each(["fulfilled", "expired", "withdrawn"])("dates a %s post from when it ended", (status) => {
    expect(retentionOf({ entity: "Post", updatedAt: at, status }, false, retention)).toBe(base + 50 * 86_400);
  });

  it("keeps a live post, whatever its age", () => {
    for (const status of ["open", "paused"])
      expect(retentionOf({ entity: "Post", updatedAt: at, status }, false, retention)).toBeUndefined();
    expect(
      retentionOf({ entity: "Post", updatedAt: at, status: "mislaid" }, false, retention),
    ).toBeUndefined();
  });

  it("leaves an item that has its date, and other entities, alone", () => {
    expect(retentionOf({ entity: "Match", createdAt: at }, true, retention)).toBeUndefined();
    expect(
      retentionOf({ entity: "Post", updatedAt: at, status: "expired" }, true, retention),
    ).toBeUndefined();
    expect(retentionOf({ entity: "JournalLine", postedAt: at }, false, retention)).toBeUndefined();
    expect(retentionOf(undefined, false, retention)).toBeUndefined();
  });
});
