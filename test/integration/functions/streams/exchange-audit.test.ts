import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import type { AuditEntry } from "#domain/notices/audit-trail.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";
import { expectLedgerSound, newKey } from "../../ledger/support.ts";

/** Each step of an exchange is in every party's audit trail: who took it, for whom, and what it became. */
let city: TestCity;
let ids: Record<string, string>;
const id = (handle: string) => ids[handle] ?? handle;

beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
});
afterAll(async () => {
  try {
    await expectLedgerSound(city.runtime.deps);
  } finally {
    await city?.stop();
  }
});

async function trail(memberId: string, exchangeId: string): Promise<AuditEntry[]> {
  const res = await city.call("GET", `/members/${memberId}/audit`, { as: "dora" });
  expect(res.status, res.text).toBe(200);
  return (res.body as { items: AuditEntry[] }).items
    .filter((e) => e.target === "Exchange" && e.targetId === exchangeId)
    .reverse();
}

describe("exchanges in the audit trail", () => {
  it("shows each party who proposed, accepted, completed and confirmed, and on whose behalf", async () => {
    const proposed = await city.call("POST", "/exchanges", {
      as: "amira",
      body: {
        providerIds: [id("amira")],
        receiverIds: [id("ben")],
        minutes: 45,
        category: "gardening",
        area: "old-town",
      },
    });
    expect(proposed.status, proposed.text).toBe(201);
    const exchangeId = (proposed.body as Exchange).exchangeId;
    const step = async (as: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const res = await city.call("POST", `/exchanges/${exchangeId}/transitions`, { as, body, headers });
      expect(res.status, res.text).toBe(200);
    };
    // Dora accepts for Ben, Amira logs the time, Ben confirms himself.
    await step("dora", { action: "accept" }, { "x-act-for": id("ben") });
    await step("amira", { action: "complete", minutes: 45 });
    await step("ben", { action: "confirm" }, { "idempotency-key": newKey("audit") });
    await city.runtime.poller.drain();

    for (const party of [id("amira"), id("ben")]) {
      const steps = (await trail(party, exchangeId)).map((e) => [
        e.actorId,
        e.onBehalfOf,
        e.change,
        e.status,
      ]);
      expect(steps, party).toEqual([
        [id("amira"), undefined, "created", "proposed"],
        [id("dora"), id("ben"), "updated", "accepted"],
        [id("amira"), undefined, "updated", "completed"],
        [id("ben"), undefined, "updated", "settled"],
      ]);
    }
  });
});
