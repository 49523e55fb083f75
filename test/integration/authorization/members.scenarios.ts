import { noticeContent } from "#domain/notices/kinds.ts";
import { unsubscribeToken } from "#domain/notices/mail.ts";
import { notify } from "#domain/notices/notify.ts";
import {
  actFor,
  coordinatorInScopeDecides,
  coordinatorsOnly,
  MISSING,
  type Scenario,
  selfOrHelpers,
} from "./matrix.ts";

const anyoneWithTheLink = {
  anonymous: 200,
  owner: 200,
  otherResident: 200,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 200,
  admin: 200,
  suspended: 200,
} as const;

/** Health, identity, membership, organisations, profiles, inbox and member exports. */
export const memberScenarios: Record<string, Scenario> = {
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
  "GET /members/quiet": { setup: async () => ({ path: "/members/quiet" }), expect: coordinatorsOnly },
  "POST /members/{memberId}/first-task": {
    setup: async (_city, owner) => ({
      path: `/members/${owner.id}/first-task`,
      missingPath: `/members/${MISSING}/first-task`,
    }),
    expect: coordinatorInScopeDecides,
  },
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
  "GET /me/organisations": {
    // Everyone's own list (empty for most); suspended members are refused like every route.
    setup: async () => ({ path: "/me/organisations" }),
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
  "PATCH /me/profile": {
    setup: async (_city, owner) => ({ path: "/me/profile", body: { bio: "Hello" }, ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /me/export": {
    setup: async (_city, owner) => ({ path: "/me/export", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /me/export.zip": {
    setup: async (_city, owner) => ({ path: "/me/export.zip", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "POST /me/exports": {
    setup: async (_city, owner) => ({ path: "/me/exports", ...actFor(owner) }),
    // A new job for each owner: 202 (a second start would answer the running one, 200).
    expect: { ...selfOrHelpers, owner: 202, coordinatorInScope: 202, admin: 202 },
  },
  "GET /me/exports/{jobId}": {
    setup: async (city, owner) => {
      const started = await city.call("POST", "/me/exports", { as: owner.login });
      const { jobId } = started.body as { jobId: string };
      return { path: `/me/exports/${jobId}`, ...actFor(owner), missingPath: `/me/exports/${MISSING}` };
    },
    expect: selfOrHelpers,
  },
  "POST /me/consents": {
    setup: async (_city, owner) => ({ path: "/me/consents", body: { version: "2027-01" }, ...actFor(owner) }),
    // The example city versions no terms, so whoever may consent for the owner hears 409
    // TERMS_CHANGED (test/integration/privacy/consent.test.ts covers a city that does).
    expect: { ...selfOrHelpers, owner: 409, coordinatorInScope: 409, admin: 409 },
  },
  "GET /me/access-log": {
    setup: async (_city, owner) => ({ path: "/me/access-log", ...actFor(owner) }),
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
          ...noticeContent("digest", { count: 1, titles: "Matrix" }),
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
  // The signed token in an unsubscribe link is the credential: whoever holds the owner's link (the
  // owner's mailbox) may use it, signed in or not, whatever their role; without it nothing happens.
  "GET /unsubscribe": {
    setup: async (city, owner) => ({
      path: `/unsubscribe?token=${await unsubscribeToken(city.runtime.deps, owner.id, "digest")}`,
    }),
    expect: anyoneWithTheLink,
  },
  "POST /unsubscribe": {
    setup: async (city, owner) => ({
      path: `/unsubscribe?token=${await unsubscribeToken(city.runtime.deps, owner.id, "suggestion")}`,
      body: { "List-Unsubscribe": "One-Click" },
    }),
    expect: anyoneWithTheLink,
  },
};
