import { expect, it } from "vitest";
import { changeAccountLimits } from "#domain/ledger/accounts.ts";
import { makePayment } from "#domain/ledger/credits.ts";
import { LimitExceededError } from "#domain/ledger/errors.ts";
import { useTestCity } from "../../support/city.ts";
import { createMember, expectLedgerSound, newKey } from "./support.ts";

const city = useTestCity({ demo: false });

/**
 * More debits at once than the credit allows, all on one book: every one that loses a race
 * retries, so the work grows with (debits x commits). 48 debits keep it bounded and still leave
 * 11 to be refused; the count asserted, never the time it takes.
 */
const DEBITS = 48;

it("48 concurrent 16-minute debits against 600 minutes of credit: exactly 37 commit", async () => {
  const deps = city.runtime.deps;
  const payer = await createMember(deps, { id: "hot-payer" });
  const payees = await Promise.all(
    Array.from({ length: 10 }, (_, i) => createMember(deps, { id: `payee-${i}` })),
  );
  expect(deps.city.ledger.defaultCreditLimitMinutes).toBe(600);

  const outcomes = await Promise.all(
    Array.from({ length: DEBITS }, (_, i) =>
      makePayment(
        deps,
        { scope: "headroom", key: newKey("debit"), fingerprint: `debit-${i}` },
        {
          from: { accountId: payer.memberId, kind: "person" },
          to: { accountId: payees[i % payees.length]?.memberId ?? "", kind: "person" },
          minutes: 16,
          createdBy: "headroom-test",
        },
      ).then(
        () => "committed" as const,
        (error: unknown) => (error instanceof LimitExceededError ? error.code : String(error)),
      ),
    ),
  );
  const committed = outcomes.filter((o) => o === "committed").length;
  const refused = outcomes.filter((o) => o === "LIMIT_EXCEEDED").length;
  expect({ committed, refused, other: DEBITS - committed - refused }).toEqual({
    committed: 37,
    refused: DEBITS - 37,
    other: 0,
  });

  const state = await deps.ledger.readAccount(payer.memberId);
  expect(state?.books[0]?.balance).toBe(-592);
  // Every running balance the payer ever had stayed within its limit (the audit checks every line).
  const { lines } = await deps.ledger.listLines({ accountId: payer.memberId, shard: 0 }, 0, 500);
  expect(lines).toHaveLength(37);
  expect(Math.min(...lines.map((l) => l.balanceAfter))).toBe(-592);
  expect(lines.every((l) => l.balanceAfter >= -600)).toBe(true);
  await expectLedgerSound(deps);
});

it("a limit change racing debits: the new limit is never crossed, whichever lands first", async () => {
  const deps = city.runtime.deps;
  const coordinator = await createMember(deps, {
    id: "race-coordinator",
    roles: ["resident", "coordinator"],
  });
  const payer = await createMember(deps, { id: "race-payer" });
  const payee = await createMember(deps, { id: "race-payee" });
  const debit = (i: number) =>
    makePayment(
      deps,
      { scope: "race", key: newKey("race"), fingerprint: `race-${i}` },
      {
        from: { accountId: payer.memberId, kind: "person" },
        to: { accountId: payee.memberId, kind: "person" },
        minutes: 15,
        createdBy: "race-test",
      },
    ).then(
      () => "committed",
      (error: unknown) => (error instanceof LimitExceededError ? "refused" : String(error)),
    );
  const lower = () =>
    changeAccountLimits(deps, coordinator, payer.memberId, {
      creditLimitMinutes: 300,
      maxBalanceMinutes: 3000,
    }).then(
      () => "lowered",
      (error: unknown) => (error instanceof LimitExceededError ? "refused" : String(error)),
    );
  const outcomes = await Promise.all([
    ...Array.from({ length: 12 }, (_, i) => debit(i)),
    lower(),
    ...Array.from({ length: 12 }, (_, i) => debit(12 + i)),
  ]);
  const state = await deps.ledger.readAccount(payer.memberId);
  const balance = state?.books[0]?.balance ?? 0;
  expect(outcomes.every((o) => ["committed", "refused", "lowered"].includes(o))).toBe(true);
  // 24 debits of 15 could reach -360: either the lower limit or some debits must give way.
  expect(balance).toBe(-15 * outcomes.filter((o) => o === "committed").length);
  if (outcomes.includes("lowered")) {
    expect(state?.account.creditLimitMinutes).toBe(300);
    expect(balance).toBeGreaterThanOrEqual(-300);
  } else {
    expect(state?.account.creditLimitMinutes).toBe(600);
  }
  await expectLedgerSound(deps);
});
