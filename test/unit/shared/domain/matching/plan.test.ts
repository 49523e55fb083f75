import { expect, it } from "vitest";
import { planNotices } from "#domain/matching/plan.ts";

const ranked = ["a", "b", "c", "d", "e", "f", "g"].map((memberId, i) => ({ memberId, score: 1 - i / 10 }));

it("tells only the top k, skipping people told before", () => {
  const plan = planNotices(ranked, {
    topK: 3,
    alreadyTold: new Set(["a"]),
    budgetLeft: () => 3,
    quiet: false,
  });
  expect(plan).toEqual({ now: ["b", "c", "d"], digest: [] });
});

it("keeps matches for the digest when a member's daily budget is spent (fatigue)", () => {
  const plan = planNotices(ranked, {
    topK: 3,
    alreadyTold: new Set(),
    budgetLeft: (m) => (m === "b" ? 0 : 1),
    quiet: false,
  });
  expect(plan).toEqual({ now: ["a", "c"], digest: ["b"] });
});

it("sends nothing now in quiet hours: the chosen wait for the digest", () => {
  const plan = planNotices(ranked, { topK: 2, alreadyTold: new Set(), budgetLeft: () => 3, quiet: true });
  expect(plan).toEqual({ now: [], digest: ["a", "b"] });
});
