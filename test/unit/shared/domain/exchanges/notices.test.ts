import { describe, expect, it } from "vitest";
import { exchangeNotices } from "#domain/exchanges/notices.ts";
import { exampleCity } from "../../../../support/city.ts";
import { sampleAt, sampleExchange } from "../../../../support/exchanges.ts";

const at = sampleAt;
let next = 0;
const deps = {
  city: exampleCity(),
  clock: { now: () => new Date(at) },
  ids: { next: () => `N${++next}` },
};

const exchange = sampleExchange;
const recipients = (notices: ReturnType<typeof exchangeNotices>) =>
  notices.map((n) => n.notification.memberId);

describe("exchange notices", () => {
  it("a proposal tells the counterparts, keyed by the exchange and its version", () => {
    const notices = exchangeNotices(deps, exchange(), "proposed", { party: "p" });
    expect(recipients(notices)).toEqual(["r1", "r2"]);
    expect(notices.map((n) => n.dedupeKey)).toEqual(["exchange#E1#1", "exchange#E1#1"]);
    expect(notices[0]?.notification).toMatchObject({
      kind: "exchange-proposed",
      link: "/exchanges/E1",
      createdAt: at,
      title: "Pia proposes an exchange: Cooking and meals",
    });
  });

  it("one member's answer tells the other side; a step that moves the exchange, everyone but the actor", () => {
    const partly = exchange({ acceptedBy: ["r1"], version: 2 });
    expect(recipients(exchangeNotices(deps, partly, "accepted", { party: "r1" }))).toEqual(["p"]);
    const accepted = exchange({ status: "accepted", acceptedBy: ["r1", "r2"], version: 3 });
    expect(recipients(exchangeNotices(deps, accepted, "accepted", { party: "r2" }))).toEqual(["p", "r1"]);
    const resolved = exchange({ status: "cancelled", version: 4 });
    expect(recipients(exchangeNotices(deps, resolved, "resolved", { coordinatorName: "Dora" }))).toEqual([
      "p",
      "r1",
      "r2",
    ]);
    expect(recipients(exchangeNotices(deps, resolved, "settled", "system"))).toEqual(["p", "r1", "r2"]);
  });

  it("keeps titles and bodies within the inbox's limits", () => {
    const long = exchange({
      description: "x".repeat(500),
      statusReason: "y".repeat(500),
      status: "declined",
    });
    for (const { notification } of exchangeNotices(deps, long, "declined", { party: "r1" })) {
      expect(notification.title.length).toBeLessThanOrEqual(200);
      expect(notification.body.length).toBeLessThanOrEqual(2000);
    }
  });

  it("says 1 minute, not 1 minutes, in every notice", () => {
    const one = exchange({
      legs: [{ providerId: "p", receiverId: "r1", agreedMinutes: 1 }],
      parties: exchange().parties.slice(0, 2),
      resolution: { decision: "adjust", reason: "short", by: "d", at: sampleAt },
    });
    const events = ["proposed", "completed", "settled", "resolved"] as const;
    for (const event of events) {
      for (const by of [{ party: "p" }, "system"] as const) {
        for (const { notification } of exchangeNotices(deps, one, event, by)) {
          const text = `${notification.title} ${notification.body}`;
          expect(text, event).not.toMatch(/\b1 minutes\b/);
        }
      }
    }
    const proposal = exchangeNotices(deps, one, "proposed", { party: "p" })[0]?.notification;
    expect(proposal?.body).toContain("1 minute of");
  });
});
