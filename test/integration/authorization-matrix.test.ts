import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSubject } from "../../infra/local/demo.ts";
import { manifest } from "../../infra/manifest.ts";
import { newMember } from "../../shared/domain/member.ts";
import { notify } from "../../shared/domain/notify.ts";
import { startTestCity, type TestCity } from "../support/city.ts";

/**
 * Every route x every kind of caller -> the expected status. A new route without a row here fails
 * the suite, so nobody ships an endpoint whose access rules were never written down.
 */
const personas = [
  "anonymous",
  "owner",
  "otherResident",
  "coordinatorInScope",
  "coordinatorOutOfScope",
  "admin",
  "suspended",
] as const;
type Persona = (typeof personas)[number];
type Expected = Record<Persona, number>;

interface Prepared {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The same request about an item that does not exist, to prove 404s do not leak existence. */
  missingPath?: string;
  missingHeaders?: Record<string, string>;
}

interface Owner {
  id: string;
  login: string;
}

interface Scenario {
  setup(city: TestCity, owner: Owner): Promise<Prepared>;
  expect: Expected;
}

const MISSING = "01MISSINGMEMBER0000000000";
let counter = 0;

/** A fresh active resident in Old Town (Dora's scope, not Emil's) who owns the item under test. */
async function freshOwner(city: TestCity): Promise<Owner> {
  counter += 1;
  const now = new Date().toISOString();
  const id = `owner-${counter}`;
  const login = `owner${counter}`;
  await city.runtime.deps.members.create(
    newMember({
      memberId: id,
      kind: "person",
      displayName: `Owner ${counter}`,
      status: "active",
      roles: ["resident"],
      coordinatorAreas: [],
      area: "old-town",
      languages: ["en"],
      createdAt: now,
      updatedAt: now,
    }),
    demoSubject(login),
  );
  return { id, login };
}

const selfOrHelpers: Expected = {
  anonymous: 401,
  owner: 200,
  otherResident: 404,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 404,
  admin: 200,
  suspended: 403,
};
const coordinatorsOnly: Expected = {
  anonymous: 401,
  owner: 403,
  otherResident: 403,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 200,
  admin: 200,
  suspended: 403,
};
const coordinatorInScopeDecides: Expected = {
  anonymous: 401,
  owner: 403,
  otherResident: 403,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 404,
  admin: 200,
  suspended: 403,
};
const actFor = (owner: Owner) => ({
  headers: { "x-act-for": owner.id },
  missingHeaders: { "x-act-for": MISSING },
});

const scenarios: Record<string, Scenario> = {
  "GET /health": {
    setup: async () => ({ path: "/health" }),
    expect: {
      anonymous: 200,
      owner: 200,
      otherResident: 200,
      coordinatorInScope: 200,
      coordinatorOutOfScope: 200,
      admin: 200,
      suspended: 200,
    },
  },
  "GET /me": {
    setup: async () => ({ path: "/me" }),
    expect: {
      anonymous: 401,
      owner: 200,
      otherResident: 200,
      coordinatorInScope: 200,
      coordinatorOutOfScope: 200,
      admin: 200,
      suspended: 200,
    },
  },
  "POST /members/join": {
    setup: async () => ({
      path: "/members/join",
      body: { displayName: "Again", area: "old-town", languages: ["en"], consent: true },
    }),
    // Everyone in the matrix has joined already; a new login gets 201 (see membership tests).
    expect: {
      anonymous: 401,
      owner: 409,
      otherResident: 409,
      coordinatorInScope: 409,
      coordinatorOutOfScope: 409,
      admin: 409,
      suspended: 409,
    },
  },
  "GET /members": { setup: async () => ({ path: "/members" }), expect: coordinatorsOnly },
  "POST /members": {
    setup: async () => ({
      path: "/members",
      body: { displayName: "Offline Olga", area: "old-town", languages: ["nl"] },
    }),
    expect: {
      anonymous: 401,
      owner: 403,
      otherResident: 403,
      coordinatorInScope: 201,
      coordinatorOutOfScope: 403,
      admin: 201,
      suspended: 403,
    },
  },
  "GET /members/{memberId}": {
    setup: async (_city, owner) => ({ path: `/members/${owner.id}`, missingPath: `/members/${MISSING}` }),
    expect: {
      anonymous: 401,
      owner: 200,
      otherResident: 200,
      coordinatorInScope: 200,
      coordinatorOutOfScope: 200,
      admin: 200,
      suspended: 403,
    },
  },
  "POST /members/{memberId}/status": {
    setup: async (_city, owner) => ({
      path: `/members/${owner.id}/status`,
      body: { decision: "suspend", reason: "Matrix test" },
      missingPath: `/members/${MISSING}/status`,
    }),
    expect: coordinatorInScopeDecides,
  },
  "PUT /members/{memberId}/verified": {
    setup: async (_city, owner) => ({
      path: `/members/${owner.id}/verified`,
      body: { verified: true },
      missingPath: `/members/${MISSING}/verified`,
    }),
    expect: coordinatorInScopeDecides,
  },
  "PUT /members/{memberId}/roles": {
    setup: async (_city, owner) => ({
      path: `/members/${owner.id}/roles`,
      body: { roles: ["resident", "coordinator"], coordinatorAreas: ["old-town"] },
      missingPath: `/members/${MISSING}/roles`,
    }),
    expect: {
      anonymous: 401,
      owner: 403,
      otherResident: 403,
      coordinatorInScope: 403,
      coordinatorOutOfScope: 403,
      admin: 200,
      suspended: 403,
    },
  },
  "GET /members/{memberId}/audit": {
    setup: async (_city, owner) => ({
      path: `/members/${owner.id}/audit`,
      missingPath: `/members/${MISSING}/audit`,
    }),
    expect: selfOrHelpers,
  },
  "POST /organisations": {
    setup: async (_city, owner) => ({
      path: "/organisations",
      body: {
        displayName: "Matrix Hall",
        area: "old-town",
        organisationType: "venue",
        languages: ["en"],
        admins: [owner.id],
      },
    }),
    expect: {
      anonymous: 401,
      owner: 403,
      otherResident: 403,
      coordinatorInScope: 201,
      coordinatorOutOfScope: 403,
      admin: 201,
      suspended: 403,
    },
  },
  "PUT /organisations/{memberId}/admins": {
    setup: async (city, owner) => {
      const dora = await city.call("POST", "/organisations", {
        as: "dora",
        body: {
          displayName: "Owner's Club",
          area: "old-town",
          organisationType: "community-group",
          languages: ["en"],
          admins: [owner.id],
        },
      });
      const orgId = (dora.body as { memberId: string }).memberId;
      return {
        path: `/organisations/${orgId}/admins`,
        body: { admins: [owner.id] },
        missingPath: `/organisations/${MISSING}/admins`,
      };
    },
    expect: selfOrHelpers,
  },
  "PATCH /me/profile": {
    setup: async (_city, owner) => ({ path: "/me/profile", body: { bio: "Hello" }, ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /me/export": {
    setup: async (_city, owner) => ({ path: "/me/export", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "POST /me/close": {
    setup: async (_city, owner) => ({ path: "/me/close", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /me/inbox": {
    setup: async (_city, owner) => ({ path: "/me/inbox", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "POST /me/inbox/{notificationId}/read": {
    setup: async (city, owner) => {
      const deps = city.runtime.deps;
      const fixedId = `note-${owner.id}`;
      await notify(
        { ...deps, ids: { next: () => fixedId } },
        {
          memberId: owner.id,
          kind: "digest",
          title: "Matrix",
          body: "x",
          dedupeKey: fixedId,
        },
      );
      return { path: `/me/inbox/${fixedId}/read`, ...actFor(owner) };
    },
    expect: selfOrHelpers,
  },
  "GET /exports/members.csv": {
    setup: async () => ({ path: "/exports/members.csv" }),
    expect: coordinatorsOnly,
  },
};

let city: TestCity;
let suspendedLogin = "";
beforeAll(async () => {
  city = await startTestCity();
  const hugo = await freshOwner(city);
  await city.call("POST", `/members/${hugo.id}/status`, {
    as: "dora",
    body: { decision: "suspend", reason: "Matrix" },
  });
  suspendedLogin = hugo.login;
});
afterAll(async () => {
  await city?.stop();
});

function loginFor(persona: Persona, owner: Owner): string | undefined {
  return {
    anonymous: undefined,
    owner: owner.login,
    otherResident: "ben",
    coordinatorInScope: "dora",
    coordinatorOutOfScope: "emil",
    admin: "sam",
    suspended: suspendedLogin,
  }[persona];
}

describe("authorization matrix", () => {
  it("has a row for every route in the manifest, and none for routes that do not exist", () => {
    const routes = manifest.routes.map((r) => `${r.method} ${r.path}`).sort();
    expect(Object.keys(scenarios).sort()).toEqual(routes);
  });

  const cells = Object.entries(scenarios).flatMap(([route, scenario]) =>
    personas.map((persona) => [route, persona, scenario.expect[persona], scenario] as const),
  );

  it.each(cells)("%s as %s -> %i", async (route, persona, expected, scenario) => {
    const method = route.split(" ")[0] ?? "GET";
    const owner = await freshOwner(city);
    const prepared = await scenario.setup(city, owner);
    const as = loginFor(persona, owner);
    const options = {
      ...(as ? { as } : {}),
      ...(prepared.body !== undefined ? { body: prepared.body } : {}),
    };
    const res = await city.call(method, prepared.path, { ...options, headers: prepared.headers ?? {} });
    expect(res.status, res.text).toBe(expected);
    if (expected >= 400)
      expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    if (expected === 404 && (prepared.missingPath || prepared.missingHeaders)) {
      // The answer about someone else's item is the answer about an item that does not exist.
      const missing = await city.call(method, prepared.missingPath ?? prepared.path, {
        ...options,
        headers: prepared.missingHeaders ?? prepared.headers ?? {},
      });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(res.body);
    }
  });
});
