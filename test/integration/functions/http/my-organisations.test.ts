import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCity, type TestCity } from "../../../support/city.ts";

/** A resident finds the organisations (charities, venues, ...) they act for without knowing their address. */
let city: TestCity;
let ids: Record<string, string>;
const id = (handle: string) => ids[handle] ?? handle;

beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
});
afterAll(async () => {
  await city?.stop();
});

type Mine = { items: { memberId: string; displayName: string; organisationType?: string; status: string }[] };

async function mine(as: string): Promise<Mine["items"]> {
  const res = await city.call("GET", "/me/organisations", { as });
  expect(res.status, res.text).toBe(200);
  return (res.body as Mine).items;
}

describe("the organisations I administer", () => {
  it("lists the organisations a resident acts for, and follows changes to their admins", async () => {
    expect(await mine("amira")).toEqual([
      expect.objectContaining({ memberId: id("kitchen"), organisationType: "charity", status: "active" }),
    ]);
    expect(await mine("chen")).toEqual([]);

    const venue = await city.call("POST", "/organisations", {
      as: "dora",
      body: {
        displayName: "Canal Side Library",
        area: "canal-side",
        organisationType: "venue",
        languages: ["en"],
        admins: [id("chen")],
      },
    });
    expect(venue.status, venue.text).toBe(201);
    const venueId = (venue.body as { memberId: string }).memberId;
    expect(await mine("chen")).toEqual([
      expect.objectContaining({
        memberId: venueId,
        displayName: "Canal Side Library",
        organisationType: "venue",
      }),
    ]);

    // Chen hands the library to Ben: it leaves Chen's list and joins Ben's.
    const handed = await city.call("PUT", `/organisations/${venueId}/admins`, {
      as: "chen",
      body: { admins: [id("ben")] },
    });
    expect(handed.status, handed.text).toBe(200);
    expect(await mine("chen")).toEqual([]);
    expect((await mine("ben")).map((o) => o.memberId)).toEqual([venueId]);
  });

  it("is the caller's own: no acting for someone else, and members only", async () => {
    const acting = await city.call("GET", "/me/organisations", {
      as: "dora",
      headers: { "x-act-for": id("amira") },
    });
    expect(acting.status).toBe(400);
    expect((await city.call("GET", "/me/organisations")).status).toBe(401);
  });
});
