import fc from "fast-check";
import { expect, it } from "vitest";
import { openingOf, POT_ACCOUNT_ID, type Transfer } from "#domain/ledger/books.ts";
import { makePayment } from "#domain/ledger/credits.ts";
import { fingerprintOf, type IdempotencyContext } from "#domain/ledger/idempotency.ts";
import { useTestCity } from "../../support/city.ts";
import { pool } from "../../support/pool.ts";
import { testSeed, withSeed } from "../../support/seed.ts";
import { createMember, expectLedgerSound } from "./support.ts";

const city = useTestCity({ demo: false });

const ACCOUNTS = 50;
// Bounded work: enough settlements that every kind of retry happens dozens of times at full
// concurrency; more adds minutes on a busy two-core machine and no new case.
const SETTLEMENTS = 400;
const CONCURRENCY = 32;

it("400 settlements over 50 accounts at concurrency 32, with retries and altered retries", async () => {
  const seed = testSeed;
  const deps = city.runtime.deps;
  const admin = await createMember(deps, { id: "ledger-admin" });
  const accounts = await Promise.all(
    Array.from({ length: ACCOUNTS }, (_, i) =>
      createMember(deps, { id: `acct-${String(i).padStart(2, "0")}` }),
    ),
  );
  // Limits wide enough that every settlement fits: this test is about concurrency and retries
  // (the headroom test is about limits).
  for (const account of accounts) {
    const opening = openingOf(deps.city, account.memberId, "person", new Date().toISOString());
    const wide = { creditLimit: 100_000, maxBalance: 100_000 };
    await deps.ledger.openAccount(
      { ...opening.account, creditLimitMinutes: wide.creditLimit, maxBalanceMinutes: wide.maxBalance },
      opening.books.map((b) => ({ ...b, ...wide })),
    );
  }
  expect(admin.memberId).toBe("ledger-admin");

  // The plan: payer, payee, amount, and whether the request is retried as is or altered.
  const plan = fc.sample(
    fc.record({
      from: fc.nat({ max: ACCOUNTS - 1 }),
      step: fc.integer({ min: 1, max: ACCOUNTS - 1 }),
      minutes: fc.integer({ min: 1, max: 60 }),
      retry: fc.oneof(
        { weight: 75, arbitrary: fc.constant("none" as const) },
        { weight: 10, arbitrary: fc.constant("same-racing" as const) },
        { weight: 10, arbitrary: fc.constant("same-after" as const) },
        { weight: 5, arbitrary: fc.constant("altered" as const) },
      ),
    }),
    withSeed({ numRuns: SETTLEMENTS }),
  );

  const request = (i: number, minutes: number) => {
    const p = plan[i];
    if (!p) throw new Error("no plan");
    const body = {
      from: accounts[p.from]?.memberId ?? "",
      to: accounts[(p.from + p.step) % ACCOUNTS]?.memberId ?? "",
      minutes,
    };
    const context: IdempotencyContext = {
      scope: "concurrency",
      key: `settle-${seed}-${i}`,
      fingerprint: fingerprintOf({ route: "payment", path: {}, subjectId: body.from, body }),
    };
    return makePayment(deps, context, {
      from: { accountId: body.from, kind: "person" },
      to: { accountId: body.to, kind: "person" },
      minutes,
      createdBy: "concurrency-test",
    }).then(
      (response) => ({ ok: true as const, transfer: response.body as Transfer }),
      (error: unknown) => ({ ok: false as const, code: (error as { code?: string }).code ?? String(error) }),
    );
  };

  const results = await pool(
    plan.map((p, i) => async () => {
      if (p.retry === "same-racing") {
        const [a, b] = await Promise.all([request(i, p.minutes), request(i, p.minutes)]);
        return { first: a, retry: b, kind: p.retry };
      }
      const first = await request(i, p.minutes);
      if (p.retry === "same-after") return { first, retry: await request(i, p.minutes), kind: p.retry };
      if (p.retry === "altered") return { first, retry: await request(i, p.minutes + 1), kind: p.retry };
      return { first, retry: undefined, kind: p.retry };
    }),
    CONCURRENCY,
  );

  const failures = results.filter((r) => !r.first.ok).map((r) => r.first);
  expect(failures).toEqual([]);
  for (const r of results) {
    if (r.kind === "same-racing" || r.kind === "same-after") {
      // A retry with the same key gets the original answer, whichever of the two committed.
      expect(r.retry).toEqual(r.first);
    }
    if (r.kind === "altered") expect(r.retry).toEqual({ ok: false, code: "IDEMPOTENCY_KEY_REUSED" });
  }
  const transferIds = results.map((r) => (r.first.ok ? r.first.transfer.transferId : ""));
  expect(new Set(transferIds).size).toBe(SETTLEMENTS);

  // Balances are exactly what the original requests imply, and the audit finds no fault.
  const expected = new Map<string, number>();
  plan.forEach((p) => {
    const from = accounts[p.from]?.memberId ?? "";
    const to = accounts[(p.from + p.step) % ACCOUNTS]?.memberId ?? "";
    expected.set(from, (expected.get(from) ?? 0) - p.minutes);
    expected.set(to, (expected.get(to) ?? 0) + p.minutes);
  });
  const report = await expectLedgerSound(deps);
  expect(report.transfers).toBe(SETTLEMENTS);
  expect(report.lines).toBe(2 * SETTLEMENTS);
  for (const account of accounts) {
    const state = await deps.ledger.readAccount(account.memberId);
    expect(state?.books[0]?.balance ?? 0, account.memberId).toBe(expected.get(account.memberId) ?? 0);
  }
  expect(POT_ACCOUNT_ID).toBe("city-pot");
});
