import { describe, expect, it } from "vitest";
import type { Match } from "#domain/matching/match.ts";
import { signalEventsOf } from "#domain/matching/signal-events.ts";
import { sampleAt, sampleExchange } from "../../../../support/exchanges.ts";

const at = "2026-01-01T00:00:00.000Z";
const match: Match = {
  matchId: "p1_c",
  postId: "p1",
  postOwnerId: "o",
  postKind: "request",
  postTitle: "Weeding",
  category: "gardening",
  candidateId: "c",
  score: 0.7,
  parts: {
    skill: 1,
    distance: 1,
    availability: 0.5,
    language: 1,
    reciprocity: 0.5,
    trust: 0.3,
    responsiveness: 0.5,
    freshness: 1,
  },
  why: [],
  status: "notified",
  createdAt: at,
  updatedAt: at,
};

describe("what a change means for matching's signals", () => {
  it("a settled exchange counts once per party, with every other party as a partner", () => {
    const before = { entity: "Exchange", ...sampleExchange({ status: "completed" }) };
    const after = { entity: "Exchange", ...sampleExchange({ status: "settled" }) };
    expect(signalEventsOf(before, after, "E")).toEqual([
      {
        eventKey: "E#p",
        memberId: "p",
        change: {
          type: "exchange",
          outcome: "settled",
          partnerIds: ["r1", "r2"],
          givenMinutes: 120,
          at: sampleAt,
        },
      },
      {
        eventKey: "E#r1",
        memberId: "r1",
        change: {
          type: "exchange",
          outcome: "settled",
          partnerIds: ["p", "r2"],
          givenMinutes: 0,
          at: sampleAt,
        },
      },
      {
        eventKey: "E#r2",
        memberId: "r2",
        change: {
          type: "exchange",
          outcome: "settled",
          partnerIds: ["p", "r1"],
          givenMinutes: 0,
          at: sampleAt,
        },
      },
    ]);
    // The same status again (another field changed) means nothing.
    expect(signalEventsOf(after, after, "E")).toEqual([]);
  });

  it("counts as given only the minutes a provider settled in exchanges, as logged", () => {
    const legs = [
      { providerId: "p", receiverId: "r1", agreedMinutes: 60, actualMinutes: 45 },
      { providerId: "p", receiverId: "r2", agreedMinutes: 60, actualMinutes: 30 },
    ];
    const before = { entity: "Exchange", ...sampleExchange({ status: "completed", legs }) };
    const after = { entity: "Exchange", ...sampleExchange({ status: "settled", legs }) };
    const given = signalEventsOf(before, after, "E").map((e) =>
      e.change.type === "exchange" ? [e.memberId, e.change.givenMinutes] : [],
    );
    expect(given).toEqual([
      ["p", 75],
      ["r1", 0],
      ["r2", 0],
    ]);
    // A cancelled exchange gave nothing.
    const cancelled = { ...after, status: "cancelled" };
    for (const event of signalEventsOf(before, cancelled, "C")) {
      expect(event.change).toMatchObject({ givenMinutes: 0 });
    }
  });

  it("a ledger book tells the balance only: welcome grants and awards are not hours given", () => {
    const book = {
      entity: "AccountBook",
      accountId: "c",
      shard: 0,
      balance: 180,
      nextSeq: 3,
      creditLimit: 600,
      maxBalance: 6000,
      lastHash: "0".repeat(64),
      totalIn: 180,
      totalOut: 0,
      updatedAt: at,
    };
    expect(signalEventsOf(undefined, book, "L")).toEqual([
      { eventKey: "", memberId: "c", change: { type: "ledger", shard: 0, balance: 180 } },
    ]);
  });

  it("a match told, and a match answered by its candidate (not one the owner reached out on)", () => {
    const told = { entity: "Match", ...match };
    expect(signalEventsOf(undefined, told, "M")).toEqual([
      { eventKey: "M", memberId: "c", change: { type: "told" } },
    ]);
    const answered = { ...told, status: "declined", respondedBy: "c" };
    expect(signalEventsOf(told, answered, "A")).toEqual([
      { eventKey: "A", memberId: "c", change: { type: "answered" } },
    ]);
    const byOwner = { ...told, status: "accepted", respondedBy: "o" };
    expect(signalEventsOf(told, byOwner, "B")).toEqual([]);
  });
});
