import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { summarise } from "#domain/ledger/books.ts";
import { manifest } from "../../infra/manifest.ts";
import { contractOf } from "../../infra/openapi.ts";
import { startTestCity, type TestCity } from "../support/city.ts";
import { createMember, errorOf, expectLedgerSound, newKey } from "./ledger/support.ts";

/**
 * The self-dealing rows of the authorization matrix: for every route that moves credit or uses a
 * coordinator's power over a member, the ways someone could use it for themselves (or an
 * organisation they run). Each is refused with 403 SELF_DEALING and moves nothing; the one credit
 * route with no way to deal with oneself (a donation: the pot is nobody's) is allowed.
 */
let city: TestCity;
let ids: Record<string, string>;
const jan = "jan-self-dealing";
let doraClub = "";
let samClub = "";
let doraVenueActivity = "";

const key = () => ({ "idempotency-key": newKey("self") });

async function post(as: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await city.call("POST", path, { as, body, headers });
  if (res.status >= 300) throw new Error(`setup ${path} failed: ${res.text}`);
  return res.body as Record<string, unknown> & Exchange;
}

async function organisation(name: string, admin: string): Promise<string> {
  const org = await post("dora", "/organisations", {
    displayName: name,
    area: "old-town",
    organisationType: "venue",
    languages: ["en"],
    admins: [admin],
  });
  const quota = await city.call("PUT", `/accounts/${org.memberId}/limits`, {
    as: "sam",
    body: { creditLimitMinutes: 3000, maxBalanceMinutes: 3000 },
  });
  if (quota.status !== 200 && !String(org.admins).includes(ids.sam ?? "-")) {
    throw new Error(`setup quota failed: ${quota.text}`);
  }
  return String(org.memberId);
}

beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
  await createMember(city.runtime.deps, { id: jan });
  doraClub = await organisation("Dora's Club", ids.dora ?? "");
  samClub = await organisation("Sam's Club", ids.sam ?? "");
  const activity = await post("dora", `/organisations/${doraClub}/activities`, {
    title: "Quiz",
    minutes: 20,
  });
  doraVenueActivity = String(activity.activityId);
  await city.call("PUT", `/accounts/${ids.kitchen}/limits`, {
    as: "sam",
    body: { creditLimitMinutes: 3000, maxBalanceMinutes: 3000 },
  });
});
afterAll(async () => {
  await city?.stop();
});

interface Attempt {
  as: string;
  path: string;
  body: unknown;
  headers?: Record<string, string>;
  method?: "POST" | "PUT";
  /** Accounts whose balances must not move, and members whose records must not change. */
  watch: string[];
}
interface Row {
  why: string;
  setup: () => Promise<Attempt>;
  expect: 403 | 201;
}

/** Dora (coordinator) gives Jan (offline) an hour; Sam accepted it for Jan; Dora logged it. */
async function doraHelpedJan(): Promise<string> {
  const exchange = await post("dora", "/exchanges", {
    providerIds: [ids.dora],
    receiverIds: [jan],
    minutes: 60,
    category: "transport",
  });
  await post(
    "sam",
    `/exchanges/${exchange.exchangeId}/transitions`,
    { action: "accept" },
    { "x-act-for": jan },
  );
  await post("dora", `/exchanges/${exchange.exchangeId}/transitions`, { action: "complete", minutes: 60 });
  return exchange.exchangeId;
}

const rows: Record<string, Row[]> = {
  "POST /organisations/{memberId}/awards": [
    {
      why: "an organisation's admin awards its credits to himself",
      setup: async () => ({
        as: "amira",
        path: `/organisations/${ids.kitchen}/awards`,
        body: {
          volunteers: [
            { memberId: ids.ben, minutes: 30 },
            { memberId: ids.amira, minutes: 30 },
          ],
        },
        headers: key(),
        watch: [ids.kitchen ?? "", ids.ben ?? "", ids.amira ?? ""],
      }),
      expect: 403,
    },
    {
      why: "a coordinator who is not its admin awards an organisation's credits to herself",
      setup: async () => ({
        as: "dora",
        path: `/organisations/${ids.kitchen}/awards`,
        body: { volunteers: [{ memberId: ids.dora, minutes: 30 }] },
        headers: key(),
        watch: [ids.kitchen ?? "", ids.dora ?? ""],
      }),
      expect: 403,
    },
  ],
  "POST /pot/grants": [
    {
      why: "a coordinator grants herself credits from the pot",
      setup: async () => ({
        as: "dora",
        path: "/pot/grants",
        body: { memberId: ids.dora, minutes: 30, reason: "Thank you to me" },
        headers: key(),
        watch: ["city-pot", ids.dora ?? ""],
      }),
      expect: 403,
    },
    {
      why: "a coordinator grants pot credits to an organisation she runs",
      setup: async () => ({
        as: "dora",
        path: "/pot/grants",
        body: { memberId: doraClub, minutes: 30, reason: "For the club" },
        headers: key(),
        watch: ["city-pot", doraClub],
      }),
      expect: 403,
    },
  ],
  "POST /pot/donations": [
    {
      why: "a coordinator donates for a member she helps: the pot is nobody's own, so it is allowed",
      setup: async () => ({
        as: "dora",
        path: "/pot/donations",
        body: { minutes: 5 },
        headers: { ...key(), "x-act-for": jan },
        watch: [],
      }),
      expect: 201,
    },
  ],
  "PUT /accounts/{accountId}/limits": [
    {
      why: "a coordinator raises her own credit limit",
      setup: async () => ({
        as: "dora",
        method: "PUT",
        path: `/accounts/${ids.dora}/limits`,
        body: { creditLimitMinutes: 6000, maxBalanceMinutes: 6000 },
        watch: [ids.dora ?? ""],
      }),
      expect: 403,
    },
    {
      why: "an admin raises his own credit limit",
      setup: async () => ({
        as: "sam",
        method: "PUT",
        path: `/accounts/${ids.sam}/limits`,
        body: { creditLimitMinutes: 6000, maxBalanceMinutes: 6000 },
        watch: [ids.sam ?? ""],
      }),
      expect: 403,
    },
    {
      why: "an admin sets the issuance quota of an organisation he runs",
      setup: async () => ({
        as: "sam",
        method: "PUT",
        path: `/accounts/${samClub}/limits`,
        body: { creditLimitMinutes: 6000, maxBalanceMinutes: 6000 },
        watch: [samClub],
      }),
      expect: 403,
    },
  ],
  "POST /transfers/{transferId}/reversal": [
    {
      why: "a coordinator reverses a transfer that paid out of her own account",
      setup: async () => {
        const donation = await post("dora", "/pot/donations", { minutes: 15 }, key());
        return {
          as: "dora",
          path: `/transfers/${donation.transferId}/reversal`,
          body: { reason: "I want it back" },
          headers: key(),
          watch: ["city-pot", ids.dora ?? ""],
        };
      },
      expect: 403,
    },
  ],
  "POST /exchanges/{exchangeId}/resolution": [
    {
      why: "a coordinator resolves an exchange she takes part in",
      setup: async () => {
        const id = await doraHelpedJan();
        await post(
          "sam",
          `/exchanges/${id}/transitions`,
          { action: "dispute", reason: "Check it" },
          {
            "x-act-for": jan,
          },
        );
        return {
          as: "dora",
          path: `/exchanges/${id}/resolution`,
          body: { decision: "settle", reason: "All good" },
          headers: key(),
          watch: [ids.dora ?? "", jan],
        };
      },
      expect: 403,
    },
  ],
  "POST /exchanges/{exchangeId}/transitions": [
    {
      why: "a coordinator confirms, for the member she helps, the minutes she gave him herself",
      setup: async () => ({
        as: "dora",
        path: `/exchanges/${await doraHelpedJan()}/transitions`,
        body: { action: "confirm" },
        headers: { ...key(), "x-act-for": jan },
        watch: [ids.dora ?? "", jan],
      }),
      expect: 403,
    },
    {
      why: "a coordinator accepts, for the member she helps, her own proposal to him",
      setup: async () => {
        const exchange = await post("dora", "/exchanges", {
          providerIds: [ids.dora],
          receiverIds: [jan],
          minutes: 60,
          category: "transport",
        });
        return {
          as: "dora",
          path: `/exchanges/${exchange.exchangeId}/transitions`,
          body: { action: "accept" },
          headers: { "x-act-for": jan },
          watch: [ids.dora ?? "", jan],
        };
      },
      expect: 403,
    },
  ],
  "POST /exchanges": [
    {
      why: "a coordinator proposes, for the member she helps, an exchange with herself",
      setup: async () => ({
        as: "dora",
        path: "/exchanges",
        body: { providerIds: [ids.dora], receiverIds: [jan], minutes: 60, category: "transport" },
        headers: { "x-act-for": jan },
        watch: [ids.dora ?? "", jan],
      }),
      expect: 403,
    },
  ],
  "POST /activities/{activityId}/redemptions": [
    {
      why: "a coordinator spends the credits of a member she helps at a venue she runs",
      setup: async () => ({
        as: "dora",
        path: `/activities/${doraVenueActivity}/redemptions`,
        body: {},
        headers: { ...key(), "x-act-for": jan },
        watch: [doraClub, jan],
      }),
      expect: 403,
    },
  ],
  "POST /organisations/{memberId}/redemption-requests": [
    {
      why: "a venue's admin records a spend from her own account at her venue",
      setup: async () => ({
        as: "dora",
        path: `/organisations/${doraClub}/redemption-requests`,
        body: { memberId: ids.dora, activityId: doraVenueActivity },
        headers: key(),
        watch: [doraClub, ids.dora ?? ""],
      }),
      expect: 403,
    },
  ],
  "POST /redemption-requests/{requestId}/approval": [
    {
      why: "a coordinator approves, for a member she helps, a spend recorded at a venue she runs",
      setup: async () => {
        const recorded = await post(
          "dora",
          `/organisations/${doraClub}/redemption-requests`,
          { memberId: jan, activityId: doraVenueActivity },
          key(),
        );
        return {
          as: "dora",
          path: `/redemption-requests/${String(recorded.requestId)}/approval`,
          body: undefined,
          headers: { ...key(), "x-act-for": jan },
          watch: [doraClub, jan],
        };
      },
      expect: 403,
    },
  ],
  "PUT /members/{memberId}/verified": [
    {
      why: "a coordinator verifies herself",
      setup: async () => ({
        as: "dora",
        method: "PUT",
        path: `/members/${ids.dora}/verified`,
        body: { verified: true },
        watch: [ids.dora ?? ""],
      }),
      expect: 403,
    },
  ],
  "POST /members/{memberId}/status": [
    {
      why: "a coordinator decides about her own membership",
      setup: async () => ({
        as: "dora",
        path: `/members/${ids.dora}/status`,
        body: { decision: "suspend", reason: "Taking a break" },
        watch: [ids.dora ?? ""],
      }),
      expect: 403,
    },
  ],
};

/** Every route that moves credit says so (its Idempotency-Key), plus the powers over members. */
async function powerRoutes(): Promise<string[]> {
  const routes: string[] = [];
  for (const route of manifest.routes) {
    const contract = await contractOf(route);
    if (contract.summary.includes("Idempotency-Key")) routes.push(`${route.method} ${route.path}`);
  }
  return [
    ...routes,
    "POST /exchanges",
    "PUT /accounts/{accountId}/limits",
    "PUT /members/{memberId}/verified",
    "POST /members/{memberId}/status",
  ].sort();
}

async function snapshot(watch: readonly string[]) {
  const deps = city.runtime.deps;
  return Promise.all(
    watch.map(async (id) => ({
      id,
      balance: summarise((await deps.ledger.readAccount(id))?.books ?? []).balance,
      member: await deps.members.get(id),
    })),
  );
}

describe("authorization matrix: self-dealing", () => {
  it("has rows for every route that moves credit or uses power over a member", async () => {
    expect(Object.keys(rows).sort()).toEqual(await powerRoutes());
  });

  const cases = Object.entries(rows).flatMap(([route, list]) =>
    list.map((row) => [route, row.why, row.expect, row] as const),
  );
  it.each(cases)("%s: %s -> %i", async (route, _why, expected, row) => {
    const attempt = await row.setup();
    const before = await snapshot(attempt.watch);
    const res = await city.call(attempt.method ?? route.split(" ")[0] ?? "POST", attempt.path, {
      as: attempt.as,
      body: attempt.body,
      headers: attempt.headers ?? {},
    });
    expect(res.status, res.text).toBe(expected);
    if (expected === 403) {
      expect(errorOf(res.body).code).toBe("SELF_DEALING");
      expect(await snapshot(attempt.watch)).toEqual(before);
    }
    await expectLedgerSound(city.runtime.deps);
  });
});
