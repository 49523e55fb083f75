import { describe, expect, it } from "vitest";
import * as z from "#shared/zod.ts";
import {
  blockedBetween,
  conversationIdSchema,
  dailyMessageLimit,
  decisionNeedsNote,
  linksAllowed,
  noticeExcerpt,
  retainUntil,
  sendMessageSchema,
} from "../../../../../shared/domain/conversations/conversation.ts";

const settings = { retentionDays: 365, dailyMessages: { newMember: 20, perSettledExchange: 10, max: 200 } };

describe("the daily message limit", () => {
  it("starts low for a new member and grows with each settled exchange, up to the ceiling", () => {
    expect(dailyMessageLimit(settings, 0)).toBe(20);
    expect(dailyMessageLimit(settings, 1)).toBe(30);
    expect(dailyMessageLimit(settings, 5)).toBe(70);
    expect(dailyMessageLimit(settings, 1000)).toBe(200);
  });
});

describe("links", () => {
  it("are links only from members who settled an exchange", () => {
    expect(linksAllowed(0)).toBe(false);
    expect(linksAllowed(1)).toBe(true);
  });
});

describe("retention", () => {
  it("keeps a conversation the city's days after its last activity", () => {
    expect(retainUntil({ ...settings, retentionDays: 30 }, new Date("2026-01-01T10:00:00.000Z"))).toBe(
      "2026-01-31T10:00:00.000Z",
    );
  });
});

describe("blocks", () => {
  it("count either way", () => {
    const a = { memberId: "a", blocked: ["b"] };
    const b = { memberId: "b", blocked: [] };
    const c = { memberId: "c", blocked: [] };
    expect(blockedBetween(a, b)).toBe(true);
    expect(blockedBetween(b, a)).toBe(true);
    expect(blockedBetween(b, c)).toBe(false);
  });
});

describe("notices of a message", () => {
  it("carry no message text in a sensitive category", () => {
    expect(noticeExcerpt({ sensitive: true }, "Door code 4412")).toBeUndefined();
  });
  it("carry a short, flat excerpt otherwise", () => {
    expect(noticeExcerpt({ sensitive: false }, "See you\n\non Friday")).toBe("See you on Friday");
    const long = noticeExcerpt({ sensitive: false }, "x".repeat(500)) ?? "";
    expect(long.length).toBe(140);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("moderation", () => {
  it("needs a reason to warn or suspend, not to dismiss", () => {
    expect(decisionNeedsNote("warn")).toBe(true);
    expect(decisionNeedsNote("suspend")).toBe(true);
    expect(decisionNeedsNote("dismiss")).toBe(false);
  });
});

describe("what a send takes", () => {
  it("refuses empty, overlong and malformed messages, naming the field", () => {
    const ok = { clientMessageId: "client-0001", text: "Hello" };
    expect(z.safeParse(sendMessageSchema, ok).success).toBe(true);
    for (const [body, field] of [
      [{ ...ok, text: "   " }, "text"],
      [{ ...ok, text: "x".repeat(2001) }, "text"],
      [{ ...ok, clientMessageId: "short" }, "clientMessageId"],
      [{ ...ok, extra: 1 }, ""],
    ] as const) {
      const result = z.safeParse(sendMessageSchema, body);
      expect(result.success).toBe(false);
      if (field) expect(result.error?.issues[0]?.path).toEqual([field]);
    }
  });
  it("takes match ids and exchange ids as conversation ids, nothing else", () => {
    expect(z.safeParse(conversationIdSchema, "01JB8Z3K5Q_01JB8Z3K5R").success).toBe(true);
    expect(z.safeParse(conversationIdSchema, "01JB8Z3K5Q").success).toBe(true);
    expect(z.safeParse(conversationIdSchema, "a_b_c").success).toBe(false);
    expect(z.safeParse(conversationIdSchema, "{conversationId}").success).toBe(false);
  });
});
