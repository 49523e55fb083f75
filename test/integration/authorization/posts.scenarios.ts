import type { TestCity } from "../../support/city.ts";
import {
  actFor,
  coordinatorsOnly,
  type Expected,
  type Owner,
  type Scenario,
  selfOrHelpers,
} from "./matrix.ts";

const MISSING_POST = "01MISSINGPOST0000000000000";

const offer = {
  kind: "offer",
  title: "Matrix offer",
  category: "gardening",
  where: { type: "point", point: { lat: 50.85, lon: 4.35 } },
  estimatedMinutes: 30,
};

/** A post the owner made themselves. */
async function ownersPost(city: TestCity, owner: Owner): Promise<string> {
  const res = await city.call("POST", "/posts", { as: owner.login, body: offer });
  if (res.status !== 201) throw new Error(`could not create the matrix post: ${res.text}`);
  return (res.body as { postId: string }).postId;
}

/** Any active member may; anonymous callers and suspended members may not. */
const members: Expected = {
  anonymous: 401,
  owner: 200,
  otherResident: 200,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 200,
  admin: 200,
  suspended: 403,
};

/** The owner and coordinators for the post's area (admins everywhere); others may see but not change. */
const ownerOrCoordinatorInScope: Expected = {
  anonymous: 401,
  owner: 200,
  otherResident: 403,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 403,
  admin: 200,
  suspended: 403,
};

/** Posts, search and the posts export. */
export const postScenarios: Record<string, Scenario> = {
  "POST /posts": {
    // Everyone posts for the owner: themselves, or as a coordinator in scope (x-act-for).
    setup: async (_city, owner) => ({ path: "/posts", body: offer, ...actFor(owner) }),
    expect: { ...selfOrHelpers, owner: 201, coordinatorInScope: 201, admin: 201 },
  },
  "GET /posts": {
    setup: async () => ({ path: "/posts?category=gardening" }),
    expect: members,
  },
  "GET /posts/{postId}": {
    setup: async (city, owner) => ({
      path: `/posts/${await ownersPost(city, owner)}`,
      missingPath: `/posts/${MISSING_POST}`,
    }),
    expect: members,
  },
  "PATCH /posts/{postId}": {
    setup: async (city, owner) => ({
      path: `/posts/${await ownersPost(city, owner)}`,
      body: { title: "Matrix edit" },
      missingPath: `/posts/${MISSING_POST}`,
    }),
    expect: ownerOrCoordinatorInScope,
  },
  "POST /posts/{postId}/status": {
    setup: async (city, owner) => ({
      path: `/posts/${await ownersPost(city, owner)}/status`,
      body: { status: "paused" },
      missingPath: `/posts/${MISSING_POST}/status`,
    }),
    expect: ownerOrCoordinatorInScope,
  },
  "GET /me/posts": {
    setup: async (_city, owner) => ({ path: "/me/posts", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /exports/posts.csv": {
    setup: async () => ({ path: "/exports/posts.csv" }),
    expect: coordinatorsOnly,
  },
};
