import { afterAll, beforeAll, expect, it } from "vitest";
import { isoWeek, nudgeDormantMembers } from "#domain/matching/dormant.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";

let city: TestCity;
beforeAll(async () => {
  city = await startTestCity();
  await city.runtime.poller.drain();
});
afterAll(async () => {
  await city?.stop();
});

it("suggests one concrete nearby request to a member who never exchanged, at most weekly", async () => {
  const res = await city.call("POST", "/posts", {
    as: "ben",
    body: {
      kind: "request",
      title: "Repot three plants",
      category: "gardening",
      where: { type: "my-place" },
      estimatedMinutes: 30,
    },
  });
  expect(res.status).toBe(201);
  await city.runtime.poller.drain();

  const first = await nudgeDormantMembers(city.runtime.deps);
  expect(first.nudged).toBeGreaterThanOrEqual(1);
  const inbox = await city.call("GET", "/me/inbox", { as: "amira" });
  const suggestion = (inbox.body as { items: { kind: string; body: string }[] }).items.find(
    (n) => n.kind === "suggestion",
  );
  expect(suggestion?.body).toMatch(
    /^Someone [\d.]+ k?m away needs 30 minutes of gardening: “Repot three plants”\.$/,
  );

  const again = await nudgeDormantMembers(city.runtime.deps);
  expect(again.nudged).toBe(0);
});

it("names ISO weeks", () => {
  expect(isoWeek(new Date("2026-11-29T12:00:00Z"))).toBe("2026-W48");
  expect(isoWeek(new Date("2027-01-01T12:00:00Z"))).toBe("2026-W53");
});
