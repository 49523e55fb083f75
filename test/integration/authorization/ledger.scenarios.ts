import type { TestCity } from "../../support/city.ts";
import {
  actFor,
  coordinatorInScopeDecides,
  coordinatorsOnly,
  type Expected,
  MISSING,
  type Owner,
  type Scenario,
  selfOrHelpers,
} from "./matrix.ts";

/** Exchanges, accounts and statements, the community pot, reversals, awards, venues and reports. */

let keyCounter = 0;
const key = () => `matrix-key-${process.pid}-${++keyCounter}`;
/** Acting for the owner on a route that moves credit: the Idempotency-Key travels with it. */
const actForWithKey = (owner: Owner) => ({
  headers: { "x-act-for": owner.id, "idempotency-key": key() },
  missingHeaders: { "x-act-for": MISSING, "idempotency-key": key() },
});

const created = (expected: Expected): Expected =>
  Object.fromEntries(Object.entries(expected).map(([p, s]) => [p, s === 200 ? 201 : s])) as Expected;
const anyMember: Expected = {
  anonymous: 401,
  owner: 200,
  otherResident: 200,
  coordinatorInScope: 200,
  coordinatorOutOfScope: 200,
  admin: 200,
  suspended: 403,
};

function idOf(body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== "string") throw new Error(`setup failed: no ${field} in ${JSON.stringify(body)}`);
  return value;
}

async function demoId(city: TestCity, handle: string): Promise<string> {
  const id = city.runtime.demoIds?.[handle];
  if (!id) throw new Error(`demo member ${handle} missing`);
  return id;
}

/** A redemption the kitchen (Amira, its admin) recorded for the owner, waiting for their answer. */
async function recordedForOwner(city: TestCity, owner: Owner): Promise<string> {
  const kitchen = await demoId(city, "kitchen");
  const activity = await city.call("POST", `/organisations/${kitchen}/activities`, {
    as: "amira",
    body: { title: "Matrix lunch", minutes: 10 },
  });
  const res = await city.call("POST", `/organisations/${kitchen}/redemption-requests`, {
    as: "amira",
    body: { memberId: owner.id, activityId: idOf(activity.body, "activityId") },
    headers: { "idempotency-key": key() },
  });
  return idOf(res.body, "requestId");
}

/** The owner (receiver) proposes an exchange with Chen (provider); Ben takes no part. */
async function ownersExchange(city: TestCity, owner: Owner): Promise<string> {
  const res = await city.call("POST", "/exchanges", {
    as: owner.login,
    body: {
      providerIds: [await demoId(city, "chen")],
      receiverIds: [owner.id],
      minutes: 30,
      category: "cooking",
    },
  });
  return idOf(res.body, "exchangeId");
}

/** An organisation in Old Town whose admin is `adminId`, with an issuance quota set by Sam. */
async function organisation(city: TestCity, adminId: string): Promise<string> {
  const res = await city.call("POST", "/organisations", {
    as: "dora",
    body: {
      displayName: "Matrix Venue",
      area: "old-town",
      organisationType: "venue",
      languages: ["en"],
      admins: [adminId],
    },
  });
  const orgId = idOf(res.body, "memberId");
  await city.call("PUT", `/accounts/${orgId}/limits`, {
    as: "sam",
    body: { creditLimitMinutes: 6000, maxBalanceMinutes: 6000 },
  });
  return orgId;
}

async function ownersDonation(city: TestCity, owner: Owner): Promise<string> {
  const res = await city.call("POST", "/pot/donations", {
    as: owner.login,
    body: { minutes: 5 },
    headers: { "idempotency-key": key() },
  });
  return idOf(res.body, "transferId");
}

export const ledgerScenarios: Record<string, Scenario> = {
  "POST /exchanges": {
    setup: async (city, owner) => ({
      path: "/exchanges",
      body: {
        providerIds: [await demoId(city, "chen")],
        receiverIds: [owner.id],
        minutes: 30,
        category: "cooking",
      },
      ...actFor(owner),
    }),
    expect: created(selfOrHelpers),
  },
  "GET /exchanges": {
    // The dispute queue of the owner's area (Old Town).
    setup: async () => ({ path: "/exchanges?status=disputed&area=old-town" }),
    expect: {
      anonymous: 401,
      owner: 403,
      otherResident: 403,
      coordinatorInScope: 200,
      coordinatorOutOfScope: 403,
      admin: 200,
      suspended: 403,
    },
  },
  "GET /exchanges/{exchangeId}": {
    setup: async (city, owner) => ({
      path: `/exchanges/${await ownersExchange(city, owner)}`,
      missingPath: `/exchanges/${MISSING}`,
    }),
    expect: {
      anonymous: 401,
      owner: 200,
      otherResident: 404,
      coordinatorInScope: 200,
      coordinatorOutOfScope: 404,
      admin: 200,
      suspended: 403,
    },
  },
  "POST /exchanges/{exchangeId}/transitions": {
    setup: async (city, owner) => ({
      path: `/exchanges/${await ownersExchange(city, owner)}/transitions`,
      body: { action: "cancel", reason: "Matrix" },
      ...actFor(owner),
    }),
    expect: selfOrHelpers,
  },
  "POST /exchanges/{exchangeId}/resolution": {
    setup: async (city, owner) => {
      const id = await ownersExchange(city, owner);
      await city.call("POST", `/exchanges/${id}/transitions`, { as: "chen", body: { action: "accept" } });
      await city.call("POST", `/exchanges/${id}/transitions`, {
        as: owner.login,
        body: { action: "dispute", reason: "Matrix dispute" },
      });
      return {
        path: `/exchanges/${id}/resolution`,
        body: { decision: "cancel", reason: "Matrix" },
        headers: { "idempotency-key": key() },
        missingPath: `/exchanges/${MISSING}/resolution`,
      };
    },
    expect: coordinatorInScopeDecides,
  },
  "POST /exchanges/{exchangeId}/statements": {
    // A party (or a helper acting for them) gives their account of the dispute the owner opened.
    setup: async (city, owner) => {
      const id = await ownersExchange(city, owner);
      await city.call("POST", `/exchanges/${id}/transitions`, { as: "chen", body: { action: "accept" } });
      await city.call("POST", `/exchanges/${id}/transitions`, {
        as: owner.login,
        body: { action: "dispute", reason: "Matrix dispute" },
      });
      return {
        path: `/exchanges/${id}/statements`,
        body: { text: "My account of it" },
        ...actFor(owner),
        missingPath: `/exchanges/${MISSING}/statements`,
      };
    },
    expect: selfOrHelpers,
  },
  "GET /me/exchanges": {
    setup: async (_city, owner) => ({ path: "/me/exchanges", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /me/account": {
    setup: async (_city, owner) => ({ path: "/me/account", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /me/statement": {
    setup: async (_city, owner) => ({ path: "/me/statement", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /me/statement.csv": {
    setup: async (_city, owner) => ({ path: "/me/statement.csv", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "PUT /accounts/{accountId}/limits": {
    setup: async (_city, owner) => ({
      path: `/accounts/${owner.id}/limits`,
      body: { creditLimitMinutes: 700, maxBalanceMinutes: 3000 },
      missingPath: `/accounts/${MISSING}/limits`,
    }),
    expect: coordinatorInScopeDecides,
  },
  "GET /pot": {
    setup: async () => ({ path: "/pot" }),
    expect: anyMember,
  },
  "POST /pot/donations": {
    setup: async (_city, owner) => ({
      path: "/pot/donations",
      body: { minutes: 5 },
      ...actForWithKey(owner),
    }),
    expect: created(selfOrHelpers),
  },
  "POST /pot/grants": {
    setup: async (city, owner) => {
      // The pot gives only what it holds (no credit limit by default): fill it first.
      await ownersDonation(city, owner);
      return {
        path: "/pot/grants",
        body: { memberId: owner.id, minutes: 5, reason: "Welcome credit" },
        headers: { "idempotency-key": key() },
      };
    },
    expect: created(coordinatorInScopeDecides),
  },
  "POST /transfers/{transferId}/reversal": {
    setup: async (city, owner) => ({
      path: `/transfers/${await ownersDonation(city, owner)}/reversal`,
      body: { reason: "Matrix reversal" },
      headers: { "idempotency-key": key() },
      missingPath: "/transfers/K-MISSINGTRANSFER/reversal",
    }),
    expect: created(coordinatorInScopeDecides),
  },
  "POST /organisations/{memberId}/awards": {
    setup: async (city, owner) => {
      const orgId = await organisation(city, owner.id);
      return {
        path: `/organisations/${orgId}/awards`,
        body: { volunteers: [{ memberId: await demoId(city, "chen"), minutes: 10 }] },
        headers: { "idempotency-key": key() },
        missingPath: `/organisations/${MISSING}/awards`,
      };
    },
    expect: created(selfOrHelpers),
  },
  "POST /organisations/{memberId}/activities": {
    setup: async (city, owner) => ({
      path: `/organisations/${await organisation(city, owner.id)}/activities`,
      body: { title: "Matrix workshop", minutes: 30 },
      missingPath: `/organisations/${MISSING}/activities`,
    }),
    expect: created(selfOrHelpers),
  },
  "GET /activities": {
    setup: async () => ({ path: "/activities" }),
    expect: anyMember,
  },
  "POST /activities/{activityId}/redemptions": {
    setup: async (city, owner) => {
      const chen = await demoId(city, "chen");
      const venue = await organisation(city, chen);
      const activity = await city.call("POST", `/organisations/${venue}/activities`, {
        as: "chen",
        body: { title: "Matrix swim", minutes: 10 },
      });
      return {
        path: `/activities/${idOf(activity.body, "activityId")}/redemptions`,
        body: {},
        ...actForWithKey(owner),
      };
    },
    expect: created(selfOrHelpers),
  },
  "POST /organisations/{memberId}/redemption-requests": {
    setup: async (city, owner) => {
      const orgId = await organisation(city, owner.id);
      const activity = await city.call("POST", `/organisations/${orgId}/activities`, {
        as: owner.login,
        body: { title: "Matrix cinema", minutes: 10 },
      });
      return {
        path: `/organisations/${orgId}/redemption-requests`,
        body: { memberId: await demoId(city, "chen"), activityId: idOf(activity.body, "activityId") },
        headers: { "idempotency-key": key() },
        missingPath: `/organisations/${MISSING}/redemption-requests`,
      };
    },
    expect: created(selfOrHelpers),
  },
  "GET /organisations/{memberId}/redemption-requests": {
    setup: async (city, owner) => ({
      path: `/organisations/${await organisation(city, owner.id)}/redemption-requests`,
      missingPath: `/organisations/${MISSING}/redemption-requests`,
    }),
    expect: selfOrHelpers,
  },
  "GET /me/redemption-requests": {
    setup: async (_city, owner) => ({ path: "/me/redemption-requests", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "POST /redemption-requests/{requestId}/approval": {
    setup: async (city, owner) => ({
      path: `/redemption-requests/${await recordedForOwner(city, owner)}/approval`,
      missingPath: `/redemption-requests/${MISSING}/approval`,
      ...actForWithKey(owner),
    }),
    expect: created(selfOrHelpers),
  },
  "POST /redemption-requests/{requestId}/decline": {
    setup: async (city, owner) => ({
      path: `/redemption-requests/${await recordedForOwner(city, owner)}/decline`,
      missingPath: `/redemption-requests/${MISSING}/decline`,
      ...actFor(owner),
    }),
    expect: selfOrHelpers,
  },
  "GET /reports/ledger": {
    setup: async () => ({ path: "/reports/ledger" }),
    expect: coordinatorsOnly,
  },
  "GET /reports/ledger.csv": {
    setup: async () => ({ path: "/reports/ledger.csv" }),
    expect: coordinatorsOnly,
  },
};
