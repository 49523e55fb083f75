import { afterAll, beforeAll, expect, it } from "vitest";
import { isoWeek, nudgeDormantMembers, runDormantNudges } from "../../../shared/domain/matching/dormant.ts";
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

it("resumes the week's pass where a run stopped, and finishes it once", async () => {
  const deps = city.runtime.deps;
  let checks = 0;
  const progress: number[] = [];
  const first = await runDormantNudges(deps, {
    job: "dormant-resume",
    remainingMs: () => (checks++ < 1 ? 60_000 : 0),
    reserveMs: 1000,
    onStep: (state) => progress.push(state.area),
  });
  expect(first).toMatchObject({ done: false, steps: 1 });
  expect(first.state.area).toBe(1);
  const second = await runDormantNudges(deps, {
    job: "dormant-resume",
    remainingMs: () => 60_000,
    reserveMs: 1000,
    onStep: (state) => progress.push(state.area),
  });
  expect(second).toMatchObject({ done: true, resumed: true });
  // One step per area (each fits one page), the first area never done twice.
  expect(progress).toEqual(deps.city.areas.map((_, i) => i + 1));
  expect(second.state.week).toBe(isoWeek(deps.clock.now()));
  const third = await runDormantNudges(deps, {
    job: "dormant-resume",
    remainingMs: () => 60_000,
    reserveMs: 1000,
  });
  expect(third).toMatchObject({ alreadyDone: true, steps: 0 });
});

it("names ISO weeks", () => {
  expect(isoWeek(new Date("2026-11-29T12:00:00Z"))).toBe("2026-W48");
  expect(isoWeek(new Date("2027-01-01T12:00:00Z"))).toBe("2026-W53");
});
