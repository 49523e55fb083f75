import type { TestCity } from "../../support/city.ts";
import { actFor, type Owner, type Scenario, selfOrHelpers } from "./matrix.ts";

async function postOf(city: TestCity, owner: Owner): Promise<string> {
  const res = await city.call("POST", "/posts", {
    as: owner.login,
    body: {
      kind: "request",
      title: "Matrix help",
      category: "cooking",
      where: { type: "online" },
      estimatedMinutes: 30,
    },
  });
  return (res.body as { postId: string }).postId;
}

/** Matches: only the two sides (or those who act for them) see or answer a match. */
export const matchingScenarios: Record<string, Scenario> = {
  "GET /me/matches": {
    setup: async (_city, owner) => ({ path: "/me/matches", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /posts/{postId}/matches": {
    setup: async (city, owner) => ({
      path: `/posts/${await postOf(city, owner)}/matches`,
      missingPath: "/posts/01MISSINGPOST000000000000/matches",
      ...actFor(owner),
    }),
    expect: selfOrHelpers,
  },
  "POST /matches/{matchId}/answer": {
    setup: async (city, owner) => {
      const now = new Date().toISOString();
      const matchId = `01MATRIXPOST_${owner.id}`;
      await city.runtime.deps.matches.createMissing([
        {
          matchId,
          postId: "01MATRIXPOST",
          postOwnerId: "someone-else",
          postKind: "request",
          postTitle: "Matrix",
          category: "cooking",
          candidateId: owner.id,
          score: 0.5,
          parts: {
            skill: 1,
            distance: 0,
            availability: 0,
            language: 0,
            reciprocity: 0,
            trust: 0,
            responsiveness: 0,
            freshness: 0,
          },
          why: [],
          status: "notified",
          createdAt: now,
          updatedAt: now,
        },
      ]);
      return {
        path: `/matches/${matchId}/answer`,
        body: { answer: "decline" },
        missingPath: `/matches/01MISSINGPOST_${owner.id}/answer`,
        ...actFor(owner),
      };
    },
    expect: selfOrHelpers,
  },
};
