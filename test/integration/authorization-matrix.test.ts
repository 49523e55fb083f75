import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../../infra/manifest.ts";
import { startTestCity, type TestCity } from "../support/city.ts";
import { conversationScenarios } from "./authorization/conversations.scenarios.ts";
import { ledgerScenarios } from "./authorization/ledger.scenarios.ts";
import { matchingScenarios } from "./authorization/matching.scenarios.ts";
import { freshOwner, type Owner, type Persona, personas, type Scenario } from "./authorization/matrix.ts";
import { memberScenarios } from "./authorization/members.scenarios.ts";

/**
 * Every route x every kind of caller -> the expected status. A new route without a row fails the
 * suite, so nobody ships an endpoint whose access rules were never written down. Rows live next
 * to this file, one module per part of the API.
 */
const scenarios: Record<string, Scenario> = {
  ...memberScenarios,
  ...matchingScenarios,
  // -- posts and search --
  ...(await import("./authorization/posts.scenarios.ts")).postScenarios,
  // -- exchanges and ledger --
  ...ledgerScenarios,
  // -- conversations --
  ...conversationScenarios,
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
