import { afterAll, beforeAll, expect, it } from "vitest";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import type { AccountView } from "#domain/ledger/accounts.ts";
import { DEMO_POT_CREDIT_LIMIT_MINUTES, DEMO_WELCOME_MINUTES } from "../../../infra/local/demo-ledger.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";
import { expectLedgerSound } from "./support.ts";

let city: TestCity;
beforeAll(async () => {
  // A new table: the runtime loads the demo city, members and ledger, as a first `npm start` does.
  city = await startTestCity();
});
afterAll(async () => {
  await city?.stop();
});

it("loads the demo ledger: welcome credits from the pot, one settled exchange, amira acting for the kitchen", async () => {
  const ids = city.runtime.demoIds ?? {};
  const balance = async (as: string) =>
    ((await city.call("GET", "/me/account", { as })).body as AccountView).balanceMinutes;

  const welcome = DEMO_WELCOME_MINUTES;
  expect(await balance("amira")).toBe(welcome);
  expect(await balance("ben")).toBe(welcome - 60);
  expect(await balance("chen")).toBe(welcome + 60);
  const pot = (await city.call("GET", "/pot", { as: "ben" })).body as AccountView;
  expect(pot).toMatchObject({
    creditLimitMinutes: DEMO_POT_CREDIT_LIMIT_MINUTES,
    balanceMinutes: -5 * welcome,
  });
  const bens = (await city.call("GET", "/me/exchanges", { as: "ben" })).body as { items: Exchange[] };
  expect(bens.items[0]).toMatchObject({ status: "settled", category: "digital-help", settledMinutes: 60 });
  const kitchen = await city.runtime.deps.members.get(ids.kitchen ?? "");
  expect(kitchen?.admins).toContain(ids.amira);
  await expectLedgerSound(city.runtime.deps);
});
