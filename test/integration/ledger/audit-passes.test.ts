import { afterAll, beforeAll, expect, it } from "vitest";
import type { Deps } from "#domain/deps.ts";
import { auditLedger, runLedgerAudit } from "#domain/ledger/audit.ts";
import { makePayment } from "#domain/ledger/credits.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";
import { createMember, newKey } from "./support.ts";

/**
 * The scheduled audit works in passes: as of a cutoff, a step at a time, from a checkpoint that
 * the next run resumes; its totals are those of a single uninterrupted audit.
 */
let city: TestCity;
let before: string;
beforeAll(async () => {
  city = await startTestCity({ demo: false });
  const deps = city.runtime.deps;
  before = new Date(Date.now() - 1000).toISOString();
  const [a, b, c] = await Promise.all(["pass-a", "pass-b", "pass-c"].map((id) => createMember(deps, { id })));
  for (const [from, to, minutes] of [
    [a, b, 30],
    [b, c, 20],
    [c, a, 10],
  ] as const) {
    await makePayment(
      deps,
      { scope: "passes", key: newKey(), fingerprint: `p${minutes}` },
      {
        from: { accountId: from?.memberId ?? "", kind: "person" },
        to: { accountId: to?.memberId ?? "", kind: "person" },
        minutes,
        createdBy: "passes-test",
      },
    );
  }
});
afterAll(async () => {
  await city?.stop();
});

/** The city's deps an hour ahead: the daily pass's cutoff (16 minutes before its start) lies after every posting. */
function anHourLater(): Deps {
  return { ...city.runtime.deps, clock: { now: () => new Date(Date.now() + 3_600_000) } };
}

/** A run's time: enough for `steps` steps, then none. */
function timeFor(steps: number): () => number {
  let checks = 0;
  return () => (checks++ < steps ? 60_000 : 0);
}

it("leaves postings after its cutoff to the next pass: nothing half-seen counts as a violation", async () => {
  const report = await auditLedger(city.runtime.deps, before);
  expect(report).toMatchObject({ violations: [], lines: 0, transfers: 0, sumOfBalances: 0, accounts: 3 });
  const now = await auditLedger(city.runtime.deps);
  expect(now).toMatchObject({ violations: [], lines: 6, transfers: 3, sumOfBalances: 0 });
});

it("resumes a pass cut short from its checkpoint and ends with the totals of one whole audit", async () => {
  const deps = anHourLater();
  const whole = await auditLedger(deps, new Date(Date.now() + 3_600_000 - 16 * 60_000).toISOString());
  const progress: number[] = [];
  const first = await runLedgerAudit(deps, {
    job: "audit-resume",
    remainingMs: timeFor(1),
    reserveMs: 1000,
    onChunk: (state) => progress.push(state.accounts),
  });
  expect(first).toMatchObject({ done: false, resumed: false, steps: 1 });
  const second = await runLedgerAudit(deps, {
    job: "audit-resume",
    remainingMs: timeFor(10),
    reserveMs: 1000,
    onChunk: (state) => progress.push(state.accounts),
  });
  expect(second).toMatchObject({ done: true, resumed: true });
  expect(progress).toEqual([3, 3]);
  expect(second.state).toMatchObject({
    accounts: whole.accounts,
    lines: whole.lines,
    transfers: whole.transfers,
    sumOfBalances: 0,
    violationCount: 0,
  });
  expect(whole).toMatchObject({ lines: 6, transfers: 3 });

  // The day's pass is done: the next run does nothing; an operator's run audits again.
  const third = await runLedgerAudit(deps, {
    job: "audit-resume",
    remainingMs: timeFor(10),
    reserveMs: 1000,
  });
  expect(third).toMatchObject({ alreadyDone: true, steps: 0 });
  const manual = await runLedgerAudit(deps, {
    job: "audit-resume",
    restart: true,
    remainingMs: timeFor(10),
    reserveMs: 1000,
  });
  expect(manual).toMatchObject({ done: true, alreadyDone: false });
});

it("lets only one of two runs at once advance a pass", async () => {
  const deps = anHourLater();
  const [one, two] = await Promise.all(
    [1, 2].map(() => runLedgerAudit(deps, { job: "audit-race", remainingMs: timeFor(10), reserveMs: 1000 })),
  );
  expect([one?.overtaken, two?.overtaken].sort()).toEqual([false, true]);
  expect([one?.done, two?.done].sort()).toEqual([false, true]);
});
