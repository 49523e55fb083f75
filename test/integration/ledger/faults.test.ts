import { DynamoDBClient, ThrottlingException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { ledgerRepositories } from "#data/ledger-deps.ts";
import type { Deps } from "#domain/deps.ts";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { proposeExchange, transitionExchange } from "#domain/exchanges/use-cases.ts";
import { DomainError } from "#domain/kernel/errors.ts";
import type { Transfer } from "#domain/ledger/books.ts";
import { makePayment } from "#domain/ledger/credits.ts";
import { fingerprintOf, runIdempotent } from "#domain/ledger/idempotency.ts";
import type { Member } from "#domain/membership/member.ts";
import { useTestCity } from "../../support/city.ts";
import { pool } from "../../support/pool.ts";
import { randomFrom, testSeed } from "../../support/seed.ts";
import { createMember, expectLedgerSound } from "./support.ts";

/**
 * The embedded store never conflicts, throttles or loses a response, so those faults are injected
 * at the SDK boundary: a middleware on the client's stack, inside the SDK's own retry loop, fails
 * some ledger transactions before they reach the store (conflict, throttling) or after they
 * committed (the response is lost on the way back). Retries by the SDK, by the posting loop and by
 * the client (same Idempotency-Key) must end in exactly one transfer per request.
 */
const city = useTestCity({ demo: false });

interface FaultPlan {
  conflict: number;
  throttle: number;
  lost: number;
}

function faultyDeps(plan: FaultPlan, seed: number, maxAttempts: number) {
  const random = randomFrom(seed);
  const stats = { conflicts: 0, throttles: 0, lost: 0, postings: 0 };
  const client = new DynamoDBClient({
    endpoint: city.runtime.store.endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TransactItems?: { Put?: { Item?: { entity?: { S?: string } } } }[] };
      const items = input.TransactItems ?? [];
      const posting = items.some((item) => item.Put?.Item?.entity?.S === "Transfer");
      if (context.commandName !== "TransactWriteItemsCommand" || !posting) return next(args);
      stats.postings += 1;
      // The first three postings meet one fault of each kind, whatever the seed: a run always
      // exercises all three (the seed then decides the rest).
      const forced = [
        plan.conflict / 2,
        plan.conflict + plan.throttle / 2,
        plan.conflict + plan.throttle + plan.lost / 2,
      ];
      const roll = forced[stats.postings - 1] ?? random();
      if (roll < plan.conflict) {
        stats.conflicts += 1;
        throw new TransactionCanceledException({
          message:
            "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: items.map((_, i) => ({
            Code: i === items.length - 1 ? "TransactionConflict" : "None",
          })),
        });
      }
      if (roll < plan.conflict + plan.throttle) {
        stats.throttles += 1;
        throw new ThrottlingException({
          message: "Rate of requests exceeds the allowed throughput",
          $metadata: {},
        });
      }
      const result = await next(args);
      if (roll < plan.conflict + plan.throttle + plan.lost) {
        // Committed in the store; the caller never hears so.
        stats.lost += 1;
        throw Object.assign(new Error("socket hang up"), { name: "TimeoutError", code: "ECONNRESET" });
      }
      return result;
    },
    { step: "deserialize", name: "ledgerFaultInjection", priority: "high" },
  );
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const deps: Deps = { ...city.runtime.deps, ...ledgerRepositories(db, process.env.TABLE_NAME ?? "") };
  return { deps, stats };
}

/** A client that retries a request with the same key after anything but a 4xx answer. */
async function withClientRetries<T>(attempt: () => Promise<T>): Promise<{ value: T; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    try {
      return { value: await attempt(), attempts };
    } catch (error) {
      if (error instanceof DomainError || attempts >= 25) throw error;
    }
  }
}

let members: Member[] = [];
async function ensureMembers(): Promise<Member[]> {
  if (members.length === 0) {
    members = await Promise.all(
      Array.from({ length: 6 }, (_, i) => createMember(city.runtime.deps, { id: `fault-${i}` })),
    );
  }
  return members;
}

describe.each([
  ["with the SDK's own retries", 3],
  ["with no SDK retries (faults reach the posting loop and the client)", 1],
])("injected conflicts, throttling and lost responses, %s", (_label, maxAttempts) => {
  it("ends in exactly one transfer per request", async () => {
    const seed = testSeed;
    const people = await ensureMembers();
    const { deps, stats } = faultyDeps({ conflict: 0.2, throttle: 0.15, lost: 0.2 }, seed, maxAttempts);
    const before = await expectLedgerSound(city.runtime.deps);
    const count = 40;
    const results = await pool(
      Array.from({ length: count }, (_, i) => async () => {
        const from = people[i % people.length]?.memberId ?? "";
        const to = people[(i + 1 + (i % 3)) % people.length]?.memberId ?? "";
        const body = { from, to, minutes: 5 + (i % 7) };
        const context = {
          scope: "faults",
          key: `fault-${maxAttempts}-${seed}-${i}`,
          fingerprint: fingerprintOf({ route: "payment", path: {}, subjectId: from, body }),
        };
        return withClientRetries(() =>
          makePayment(deps, context, {
            from: { accountId: from, kind: "person" },
            to: { accountId: to, kind: "person" },
            minutes: body.minutes,
            createdBy: "faults-test",
          }),
        );
      }),
      8,
    );
    expect(stats.conflicts).toBeGreaterThan(0);
    expect(stats.throttles).toBeGreaterThan(0);
    expect(stats.lost).toBeGreaterThan(0);
    const ids = results.map((r) => (r.value.body as Transfer).transferId);
    expect(new Set(ids).size).toBe(count);
    const after = await expectLedgerSound(city.runtime.deps);
    expect(after.transfers - before.transfers).toBe(count);
    expect(after.lines - before.lines).toBe(2 * count);
    for (const id of ids) {
      expect(await city.runtime.deps.ledger.getTransfer(id)).toBeDefined();
    }
  });
});

it("settles exchanges exactly once when their confirmations hit the same faults", async () => {
  const [provider, receiver] = await ensureMembers();
  if (!provider || !receiver) throw new Error("members missing");
  const clean = city.runtime.deps;
  const { deps, stats } = faultyDeps({ conflict: 0.25, throttle: 0.15, lost: 0.35 }, 7, 1);
  const exchanges: Exchange[] = [];
  for (let i = 0; i < 8; i++) {
    const proposal = {
      providerIds: [provider.memberId],
      receiverIds: [receiver.memberId],
      minutes: 30,
      category: "gardening",
    };
    const e = await proposeExchange(clean, { actor: receiver, subject: receiver }, proposal);
    await transitionExchange(
      clean,
      { actor: provider, subject: provider },
      e.exchangeId,
      { action: "accept" },
      () => undefined,
    );
    await transitionExchange(
      clean,
      { actor: provider, subject: provider },
      e.exchangeId,
      { action: "complete", minutes: 25 },
      () => undefined,
    );
    exchanges.push(e);
  }
  const results = await pool(
    exchanges.map((e, i) => async () => {
      const context = {
        scope: receiver.memberId,
        key: `confirm-fault-${i}`,
        fingerprint: `confirm-${e.exchangeId}`,
      };
      return withClientRetries(() =>
        runIdempotent(deps, context, async (record) => ({
          status: 200,
          body: await transitionExchange(
            deps,
            { actor: receiver, subject: receiver },
            e.exchangeId,
            { action: "confirm" },
            record,
          ),
        })),
      );
    }),
    4,
  );
  expect(stats.lost + stats.conflicts + stats.throttles).toBeGreaterThan(0);
  for (const r of results) expect(r.value.body).toMatchObject({ status: "settled", settledMinutes: 25 });
  const report = await expectLedgerSound(clean);
  expect(report.settledExchanges).toBe(8);
});
