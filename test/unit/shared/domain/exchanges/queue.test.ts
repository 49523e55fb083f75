import { describe, expect, it } from "vitest";
import { disputeNotices } from "#domain/exchanges/queue.ts";
import { coordinatesExchange, exchangeAreas } from "#domain/exchanges/scope.ts";
import { newMember } from "#domain/membership/member.ts";
import { renderNotice } from "#domain/notices/render.ts";
import { exampleCity } from "../../../../support/city.ts";
import { sampleAt, sampleExchange } from "../../../../support/exchanges.ts";

const city = exampleCity();
const deps = { city, clock: { now: () => new Date(sampleAt) }, ids: { next: () => "N" } };

function staff(
  id: string,
  roles: ("coordinator" | "admin")[],
  areas: string[],
  status: "active" | "suspended" = "active",
) {
  return newMember({
    memberId: id,
    kind: "person",
    displayName: id,
    status,
    roles: ["resident", ...roles],
    coordinatorAreas: areas,
    area: "old-town",
    languages: ["en"],
    createdAt: sampleAt,
    updatedAt: sampleAt,
  });
}

/** Pia in Old Town gives Rob in Canal Side and Rae in North Park; the exchange is Canal Side's. */
const exchange = sampleExchange({
  status: "disputed",
  area: "canal-side",
  version: 4,
  dispute: { by: "r1", reason: "Only half an hour", at: sampleAt },
  parties: [
    { memberId: "p", role: "provider", kind: "person", displayName: "Pia", area: "old-town" },
    { memberId: "r1", role: "receiver", kind: "person", displayName: "Rob", area: "canal-side" },
    { memberId: "r2", role: "receiver", kind: "person", displayName: "Rae", area: "north-park" },
  ],
});

describe("who looks after an exchange", () => {
  it("its own area and every party's, each once", () => {
    expect(exchangeAreas(exchange)).toEqual(["canal-side", "old-town", "north-park"]);
    expect(coordinatesExchange(staff("n", ["coordinator"], ["north-park"]), exchange)).toBe(true);
    expect(coordinatesExchange(staff("h", ["coordinator"], ["hillcrest"]), exchange)).toBe(false);
    expect(coordinatesExchange(staff("a", ["admin"], []), exchange)).toBe(true);
  });

  it("a dispute tells the active coordinators in scope and the admins, never a party", () => {
    const coordinators = [
      staff("north", ["coordinator"], ["north-park"]),
      staff("hill", ["coordinator"], ["hillcrest"]),
      staff("city", ["coordinator"], []),
      staff("admin", ["admin"], []),
      staff("gone", ["coordinator"], [], "suspended"),
      staff("p", ["coordinator"], []),
    ];
    const notices = disputeNotices(deps, exchange, coordinators);
    expect(notices.map((n) => n.notification.memberId)).toEqual(["north", "city", "admin"]);
    expect(notices[0]).toMatchObject({
      dedupeKey: "dispute#E1#4",
      notification: {
        kind: "dispute-to-resolve",
        params: { exchangeId: "E1", disputedBy: "r1", reason: "Only half an hour" },
      },
    });
    // Notices are stored as kind and params; their words come when they are read.
    const first = notices[0]?.notification;
    if (!first) throw new Error("no notice");
    expect(renderNotice(first, "en", city)).toMatchObject({
      title: "A dispute needs a coordinator: Cooking and meals",
      body: expect.stringContaining(
        "Rob disputed the exchange between Pia, Rob, and Rae (Canal Side, Old Town, and North Park)",
      ),
    });
    expect(disputeNotices(deps, { ...exchange, status: "completed" }, coordinators)).toEqual([]);
  });
});
