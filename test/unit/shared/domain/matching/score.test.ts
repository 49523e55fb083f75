import { describe, expect, it } from "vitest";
import { type MatchSignals, scoreMatch, weeklyOverlapMinutes } from "#domain/matching/score.ts";
import { exampleCity } from "../../../../support/city.ts";

const { weights, maxRadiusKm } = exampleCity().matching;

const neutral: MatchSignals = {
  skill: { category: undefined, sharedTags: [] },
  distanceMetres: undefined,
  online: false,
  availabilityOverlapMinutes: undefined,
  sharedLanguages: [],
  candidateGives: true,
  balance: undefined,
  givenMinutes: undefined,
  trust: { pastExchanges: 0, twoHopConnections: 0, completionRate: undefined },
  responseRate: undefined,
  postAgeHours: 0,
};

const score = (changes: Partial<MatchSignals>) =>
  scoreMatch({ ...neutral, ...changes }, weights, maxRadiusKm);

describe("match score parts", () => {
  it("skill fit: the category counts most, shared tags add to it", () => {
    expect(score({}).parts.skill).toBe(0);
    expect(score({ skill: { category: "gardening", sharedTags: [] } }).parts.skill).toBeCloseTo(0.6);
    expect(
      score({ skill: { category: "gardening", sharedTags: ["roses", "compost", "pruning"] } }).parts.skill,
    ).toBe(1);
    expect(score({ skill: { category: "gardening", sharedTags: ["roses"] } }).why[0]).toBe(
      "offers gardening (roses)",
    );
  });

  it("skill fit: a candidate who asks is described as asking, not offering", () => {
    const asking = score({ candidateGives: false, skill: { category: "Gardening", sharedTags: ["roses"] } });
    expect(asking.why[0]).toBe("asks for Gardening (roses)");
    expect(asking.why.join("; ")).not.toContain("offers");
  });

  it("distance: nearer is better, nothing past the city's radius, online is city-wide", () => {
    expect(score({ distanceMetres: 0 }).parts.distance).toBe(1);
    expect(score({ distanceMetres: 5000 }).parts.distance).toBeCloseTo(0.5);
    expect(score({ distanceMetres: 50_000 }).parts.distance).toBe(0);
    expect(score({ online: true }).parts.distance).toBe(0.75);
    expect(score({ distanceMetres: 420 }).why).toContain("400 m away");
  });

  it("availability: two shared hours a week is a full fit; unknown is neutral", () => {
    expect(score({ availabilityOverlapMinutes: 0 }).parts.availability).toBe(0);
    expect(score({ availabilityOverlapMinutes: 180 }).parts.availability).toBe(1);
    expect(score({}).parts.availability).toBe(0.5);
  });

  it("language: a shared language or none", () => {
    expect(score({ sharedLanguages: ["nl"] }).parts.language).toBe(1);
    expect(score({ sharedLanguages: ["nl"] }).why).toContain("speaks nl");
  });

  it("reciprocity: favours givers in debt and receivers who have given much", () => {
    expect(score({ candidateGives: true, balance: -600 }).parts.reciprocity).toBe(1);
    expect(score({ candidateGives: true, balance: 600 }).parts.reciprocity).toBe(0);
    expect(score({ candidateGives: false, givenMinutes: 600 }).parts.reciprocity).toBe(1);
    expect(score({ candidateGives: false, givenMinutes: 0 }).parts.reciprocity).toBe(0);
  });

  it("trust: past exchanges beat friends of friends beat strangers; completion rate scales it", () => {
    const past = score({ trust: { pastExchanges: 2, twoHopConnections: 0, completionRate: 1 } }).parts.trust;
    const twoHop = score({ trust: { pastExchanges: 0, twoHopConnections: 3, completionRate: undefined } })
      .parts.trust;
    const stranger = score({}).parts.trust;
    expect(past).toBeGreaterThan(twoHop);
    expect(twoHop).toBeGreaterThan(stranger);
    expect(score({ trust: { pastExchanges: 2, twoHopConnections: 0, completionRate: 0 } }).parts.trust).toBe(
      0.5,
    );
  });

  it("responsiveness and freshness", () => {
    expect(score({ responseRate: 0.9 }).parts.responsiveness).toBe(0.9);
    expect(score({ postAgeHours: 0 }).parts.freshness).toBe(1);
    expect(score({ postAgeHours: 72 }).parts.freshness).toBeCloseTo(0.5);
  });

  it("the score is the weighted mean of the parts", () => {
    const result = score({
      skill: { category: "x", sharedTags: [] },
      distanceMetres: 1000,
      sharedLanguages: ["en"],
    });
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    const expected =
      Object.entries(result.parts).reduce(
        (sum, [part, value]) => sum + weights[part as keyof typeof weights] * value,
        0,
      ) / total;
    expect(result.score).toBeCloseTo(expected, 3);
  });
});

it("counts weekly overlap minutes across matching days only", () => {
  expect(
    weeklyOverlapMinutes(
      [{ day: 5, from: "09:00", to: "12:00" }],
      [
        { day: 5, from: "11:00", to: "13:00" },
        { day: 4, from: "09:00", to: "12:00" },
      ],
    ),
  ).toBe(60);
});
