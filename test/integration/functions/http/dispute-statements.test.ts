import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";
import { inboxIn } from "../../../support/inbox.ts";
import { errorOf, expectLedgerSound } from "../../ledger/support.ts";

/**
 * Each party of a disputed exchange gives their own account of it, once: the coordinators who
 * decide read every side's in the dispute queue, and the other parties are told in their language.
 */
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

async function step(exchangeId: string, as: string, body: Record<string, unknown>): Promise<void> {
  const res = await city.call("POST", `/exchanges/${exchangeId}/transitions`, { as, body });
  expect(res.status, res.text).toBe(200);
}

/** `provider` gives `receiver` an hour in Old Town; the receiver disputes what was logged. */
async function disputed(provider = "amira", receiver = "ben", dispute = true): Promise<string> {
  const proposed = await city.call("POST", "/exchanges", {
    as: provider,
    body: {
      providerIds: [id(provider)],
      receiverIds: [id(receiver)],
      minutes: 60,
      category: "gardening",
      area: "old-town",
      description: "Weeding",
    },
  });
  expect(proposed.status, proposed.text).toBe(201);
  const exchangeId = (proposed.body as Exchange).exchangeId;
  await step(exchangeId, receiver, { action: "accept" });
  await step(exchangeId, provider, { action: "complete", minutes: 120 });
  if (dispute) await step(exchangeId, receiver, { action: "dispute", reason: "It took an hour, not two" });
  return exchangeId;
}

function statement(exchangeId: string, as: string, text: string, headers?: Record<string, string>) {
  return city.call("POST", `/exchanges/${exchangeId}/statements`, {
    as,
    body: { text },
    ...(headers ? { headers } : {}),
  });
}

async function stored(exchangeId: string): Promise<Exchange> {
  const exchange = await city.runtime.deps.exchanges.get(exchangeId);
  if (!exchange) throw new Error("the exchange is missing");
  return exchange;
}

describe("statements in a dispute", () => {
  it("lets each party give one account, which the coordinators in scope read in the queue", async () => {
    const exchangeId = await disputed();
    const amira = await statement(exchangeId, "amira", "Two raised beds took two hours, as agreed.");
    expect(amira.status, amira.text).toBe(200);
    expect((amira.body as Exchange).statements).toEqual([
      expect.objectContaining({
        memberId: id("amira"),
        by: id("amira"),
        text: "Two raised beds took two hours, as agreed.",
      }),
    ]);
    const ben = await statement(exchangeId, "ben", "She left after an hour; I finished alone.");
    expect(ben.status, ben.text).toBe(200);

    await city.runtime.poller.drain();
    const queue = await city.call("GET", "/exchanges?status=disputed&area=old-town", { as: "dora" });
    expect(queue.status, queue.text).toBe(200);
    const listed = (queue.body as { items: Exchange[] }).items.find((e) => e.exchangeId === exchangeId);
    expect(listed?.dispute?.reason).toBe("It took an hour, not two");
    expect(listed?.statements?.map((s) => [s.memberId, s.text])).toEqual([
      [id("amira"), "Two raised beds took two hours, as agreed."],
      [id("ben"), "She left after an hour; I finished alone."],
    ]);
  });

  it("answers the same statement again with the exchange as it is, and refuses a second one", async () => {
    const exchangeId = await disputed();
    const first = await statement(exchangeId, "amira", "I stayed the whole two hours.");
    expect(first.status, first.text).toBe(200);
    const version = (await stored(exchangeId)).version;

    const again = await statement(exchangeId, "amira", "I stayed the whole two hours.");
    expect(again.status, again.text).toBe(200);
    expect((again.body as Exchange).statements).toHaveLength(1);
    expect((await stored(exchangeId)).version).toBe(version);

    const other = await statement(exchangeId, "amira", "Actually it was ninety minutes.");
    expect(other.status, other.text).toBe(409);
    expect(errorOf(other.body).code).toBe("CONFLICT");
    const after = await stored(exchangeId);
    expect(after.version).toBe(version);
    expect(after.statements?.map((s) => s.text)).toEqual(["I stayed the whole two hours."]);
  });

  it("tells the other parties, in their own language, and not the one who wrote it", async () => {
    const exchangeId = await disputed();
    const res = await statement(exchangeId, "amira", "Two hours, with tea breaks.");
    expect(res.status, res.text).toBe(200);
    const bens = (await inboxIn(city.runtime.deps, id("ben"), { limit: 50 }, "nl")).items.filter(
      (n) => n.kind === "exchange-statement" && n.link === `/exchanges/${exchangeId}`,
    );
    expect(bens).toHaveLength(1);
    expect(bens[0]?.language).toBe("nl");
    expect(bens[0]?.title).toContain("Amira");
    expect(bens[0]?.body).toContain("Two hours, with tea breaks.");
    const amiras = (await inboxIn(city.runtime.deps, id("amira"), { limit: 50 })).items.filter(
      (n) => n.kind === "exchange-statement" && n.link === `/exchanges/${exchangeId}`,
    );
    expect(amiras).toEqual([]);
  });

  it("lets a coordinator write a party's statement for them, and says so", async () => {
    const exchangeId = await disputed();
    const res = await statement(exchangeId, "dora", "Amira told me by phone: two hours.", {
      "x-act-for": id("amira"),
    });
    expect(res.status, res.text).toBe(200);
    expect((res.body as Exchange).statements).toEqual([
      expect.objectContaining({ memberId: id("amira"), by: id("dora") }),
    ]);
  });

  it("is for the parties only, and only while the exchange is disputed", async () => {
    const exchangeId = await disputed();
    const version = (await stored(exchangeId)).version;
    // Someone who may not see the exchange hears that it does not exist.
    const stranger = await statement(exchangeId, "chen", "I saw it all from my window.");
    expect(stranger.status, stranger.text).toBe(404);
    // A coordinator who may see it is not a party: they decide, they do not testify.
    const coordinator = await statement(exchangeId, "dora", "I think it was two hours.");
    expect(coordinator.status, coordinator.text).toBe(403);
    expect(errorOf(coordinator.body).code).toBe("FORBIDDEN");
    const missing = await statement("01MISSINGEXCHANGE00000000", "amira", "Two hours it was.");
    expect(missing.status).toBe(404);
    const tooShort = await statement(exchangeId, "amira", "no");
    expect(tooShort.status).toBe(400);
    expect(errorOf(tooShort.body).code).toBe("VALIDATION_FAILED");
    expect((await stored(exchangeId)).version).toBe(version);

    const notDisputed = await disputed("amira", "ben", false);
    const before = await stored(notDisputed);
    const early = await statement(notDisputed, "amira", "Nothing to dispute yet.");
    expect(early.status, early.text).toBe(422);
    expect(errorOf(early.body).code).toBe("RULE_VIOLATION");
    expect(await stored(notDisputed)).toEqual(before);
  });

  it("refuses a coordinator writing the statement of their own counterpart", async () => {
    // Dora gives Ben an hour; acting for Ben, she would testify against herself.
    const exchangeId = await disputed("dora", "ben");
    const before = await stored(exchangeId);
    const res = await statement(exchangeId, "dora", "Ben says it was fine.", { "x-act-for": id("ben") });
    expect(res.status, res.text).toBe(403);
    expect(errorOf(res.body).code).toBe("SELF_DEALING");
    expect(await stored(exchangeId)).toEqual(before);
  });
});
