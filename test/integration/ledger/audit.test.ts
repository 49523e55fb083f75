import { DeleteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createDocumentClient } from "#data/client.ts";
import { keys } from "#data/keys.ts";
import { auditLedger } from "#domain/ledger/audit.ts";
import { makePayment } from "#domain/ledger/credits.ts";
import { LEDGER_VIOLATIONS_METRIC } from "#shared/ledger-metric.ts";
import { runSchedule } from "../../../infra/local/scheduler.ts";
import { manifest } from "../../../infra/manifest.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";
import { createMember, expectLedgerSound, newKey } from "./support.ts";

/** The audit must catch what it promises to catch: a test that cannot fail is a defect. */
let city: TestCity;
beforeAll(async () => {
  city = await startTestCity({ demo: false });
  const deps = city.runtime.deps;
  const [a, b] = await Promise.all([
    createMember(deps, { id: "aud-a" }),
    createMember(deps, { id: "aud-b" }),
  ]);
  for (const minutes of [30, 20, 10]) {
    await makePayment(
      deps,
      { scope: "audit", key: newKey(), fingerprint: `p${minutes}` },
      {
        from: { accountId: a.memberId, kind: "person" },
        to: { accountId: b.memberId, kind: "person" },
        minutes,
        createdBy: "audit-test",
      },
    );
  }
});
afterAll(async () => {
  await city?.stop();
});

function schedule(name: string) {
  const entry = manifest.schedules.find((s) => s.name === name);
  if (!entry) throw new Error(`${name} is not in the manifest`);
  return entry;
}

/** The EMF metric values the ledger alarm would see, from the captured log lines. */
function metricPoints(spy: { mock: { calls: unknown[][] } }, source: string): number[] {
  return spy.mock.calls
    .map((call) => String(call[0]))
    .filter((line) => line.includes(LEDGER_VIOLATIONS_METRIC) && line.includes(`"source":"${source}"`))
    .map((line) => Number(JSON.parse(line)[LEDGER_VIOLATIONS_METRIC]));
}

it("a sound ledger passes, and the scheduled audit reports zero", async () => {
  const report = await expectLedgerSound(city.runtime.deps);
  expect(report).toMatchObject({ accounts: 2, books: 2, lines: 6, transfers: 3 });
  const log = vi.spyOn(process.stdout, "write");
  await runSchedule(schedule("ledger-audit"));
  expect(metricPoints(log, "ledger-audit")).toEqual([0]);
  log.mockRestore();
});

it("catches a changed journal line: hash chain, balance and transfer, and raises the alarm", async () => {
  const db = createDocumentClient(city.runtime.store.endpoint);
  const table = process.env.TABLE_NAME ?? "";
  await city.runtime.poller.drain();
  await db.send(
    new UpdateCommand({
      TableName: table,
      Key: keys.journalLine("aud-b", 0, 2),
      UpdateExpression: "SET amount = :a",
      ExpressionAttributeValues: { ":a": 200 },
    }),
  );
  const report = await auditLedger(city.runtime.deps);
  expect(report.violations.join("\n")).toMatch(/line 2 does not match its hash chain/);
  expect(report.violations.join("\n")).toMatch(/balance 60, lines sum to 240/);
  expect(report.violations.join("\n")).toMatch(/journal lines do not match its legs/);

  const log = vi.spyOn(process.stdout, "write");
  const errors = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  // A run an operator asks for audits again, though today's pass is done. Violations are findings,
  // not a failed run: the alarm's metric and an error log naming them report them.
  await runSchedule(schedule("ledger-audit"), { manual: true });
  expect(metricPoints(log, "ledger-audit")[0]).toBeGreaterThan(0);
  const errorLines = errors.mock.calls.map((call) => String(call[0]));
  expect(errorLines.join("\n")).toMatch(/ledger audit found violations.*does not match its hash chain/);
  // The stream guard saw the modification as it happened.
  await city.runtime.poller.drain();
  expect(metricPoints(log, "ledger-guard")).toEqual([1]);
  log.mockRestore();
  errors.mockRestore();
});

it("catches a deleted line and a balance changed behind the ledger's back", async () => {
  const db = createDocumentClient(city.runtime.store.endpoint);
  const table = process.env.TABLE_NAME ?? "";
  await db.send(new DeleteCommand({ TableName: table, Key: keys.journalLine("aud-a", 0, 1) }));
  await db.send(
    new UpdateCommand({
      TableName: table,
      Key: keys.accountBook("aud-a", 0),
      UpdateExpression: "SET balance = balance + :n",
      ExpressionAttributeValues: { ":n": 5 },
    }),
  );
  const text = (await auditLedger(city.runtime.deps)).violations.join("\n");
  expect(text).toMatch(/aud-a#0: line 2 found where 1 was due/);
  // The balance no longer matches its lines (-60 + 5 stored; the two lines left sum to -30), and
  // the journal, short of a line, no longer sums to zero across the city.
  expect(text).toMatch(/book aud-a#0: balance -55, lines sum to -30/);
  expect(text).toMatch(/the balances sum to -?[1-9]\d*, not zero/);
});
