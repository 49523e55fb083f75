import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { monotonicFactory } from "ulid";
import { ensureTable } from "../infra/local/bootstrap.ts";
import { repoRoot } from "../infra/local/paths.ts";
import { startStore } from "../infra/local/store.ts";
import { parseCityJson } from "../shared/config/city.ts";
import { DynamoInboxRepository } from "../shared/data/inbox-repository.ts";
import { ledgerRepositories } from "../shared/data/ledger-deps.ts";
import { DynamoMatchRepository } from "../shared/data/match-repository.ts";
import { DynamoMemberRepository } from "../shared/data/member-repository.ts";
import { systemClock } from "../shared/domain/clock.ts";
import { proposeExchange, transitionExchange } from "../shared/domain/exchange.ts";
import { ORGANISATION_BOOKS, openingOf, summarise } from "../shared/domain/ledger.ts";
import { auditLedger } from "../shared/domain/ledger-audit.ts";
import { awardCredits } from "../shared/domain/ledger-credits.ts";
import { runIdempotent } from "../shared/domain/ledger-idempotency.ts";
import { type Member, newMember } from "../shared/domain/member.ts";
import type { Deps } from "../shared/domain/ports.ts";

/**
 * The reciprocal ledger on the embedded store, measured through an SDK middleware on the client
 * the repositories use:
 * - DynamoDB round trips per settlement (an exchange confirmation settling it), by command: the
 *   settlement itself is exactly one TransactWriteItems; the reads before it are counted apart;
 * - capacity units per settlement, as the store reports them (the same arithmetic as DynamoDB:
 *   transactional writes cost two units per KB per item);
 * - awards per second from one organisation, through its sharded account (the design) and through
 *   a single-book account (the baseline), side by side in the same run, with a simulated network
 *   latency per DynamoDB call so that contention on one item costs what it costs against AWS.
 */

const TABLE = "mutua-bench-ledger";
const SETTLEMENTS = 50;
const AWARDS = 400;
/** Awards per design run in this many rounds, interleaved across the designs (1: one run each). */
const ROUNDS = 1;
const CONCURRENCY = Number(process.env.LEDGER_BENCH_CONCURRENCY ?? 32);
/** A DynamoDB call's typical in-region round trip; the embedded store answers in well under 1 ms. */
const SIMULATED_LATENCY_MS = Number(process.env.LEDGER_BENCH_LATENCY_MS ?? 5);

interface Meter {
  calls: Map<string, number>;
  readUnits: number;
  writeUnits: number;
  latencyMs: number;
}

function meteredClient(endpoint: string, meter: Meter): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? "unknown";
      meter.calls.set(name, (meter.calls.get(name) ?? 0) + 1);
      const input = args.input as Record<string, unknown>;
      if (name !== "DescribeTableCommand") input.ReturnConsumedCapacity = "TOTAL";
      if (meter.latencyMs > 0) await sleep(meter.latencyMs);
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        const units = c as {
          CapacityUnits?: number;
          ReadCapacityUnits?: number;
          WriteCapacityUnits?: number;
        };
        const write =
          units.WriteCapacityUnits ??
          (name.includes("Write") || name.includes("Put") ? units.CapacityUnits : 0);
        const read = units.ReadCapacityUnits ?? (write ? 0 : units.CapacityUnits);
        meter.writeUnits += write ?? 0;
        meter.readUnits += read ?? 0;
      }
      return result;
    },
    { step: "initialize", name: "ledgerBenchMeter", priority: "high" },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

function reset(meter: Meter): void {
  meter.calls.clear();
  meter.readUnits = 0;
  meter.writeUnits = 0;
}

async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        const task = tasks[index];
        if (task) results[index] = await task();
      }
    }),
  );
  return results;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(): Promise<Record<string, unknown>> {
  const store = await startStore({ useEnvironment: false });
  const meter: Meter = { calls: new Map(), readUnits: 0, writeUnits: 0, latencyMs: 0 };
  try {
    const raw = new DynamoDBClient({
      endpoint: store.endpoint,
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    await ensureTable(raw, TABLE);
    raw.destroy();
    const db = meteredClient(store.endpoint, meter);
    const city = parseCityJson(
      readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"),
      "cities/example.json",
    );
    const ulid = monotonicFactory();
    const deps = {
      city,
      clock: systemClock,
      ids: { next: () => ulid() },
      members: new DynamoMemberRepository(db, TABLE),
      inbox: new DynamoInboxRepository(db, TABLE),
      matches: new DynamoMatchRepository(db, TABLE),
      ...ledgerRepositories(db, TABLE),
    } satisfies Partial<Deps>;

    const now = new Date().toISOString();
    const person = async (memberId: string, roles: Member["roles"] = ["resident"]): Promise<Member> => {
      const member = newMember({
        memberId,
        kind: "person",
        displayName: memberId,
        status: "active",
        roles,
        coordinatorAreas: [],
        area: "old-town",
        languages: ["en"],
        createdAt: now,
        updatedAt: now,
      });
      await deps.members.create(member, undefined);
      return member;
    };
    const provider = await person("provider");
    const receiver = await person("receiver");

    // 1. Settlement: exchanges up to `completed`, then the receiver's confirmation is measured.
    const exchanges: string[] = [];
    for (let i = 0; i < SETTLEMENTS + 1; i++) {
      const e = await proposeExchange(
        deps,
        { actor: receiver, subject: receiver },
        {
          providerIds: [provider.memberId],
          receiverIds: [receiver.memberId],
          minutes: 30,
          category: "gardening",
        },
      );
      const asProvider = { actor: provider, subject: provider };
      await transitionExchange(deps, asProvider, e.exchangeId, { action: "accept" }, () => undefined);
      await transitionExchange(
        deps,
        asProvider,
        e.exchangeId,
        { action: "complete", minutes: 10 },
        () => undefined,
      );
      exchanges.push(e.exchangeId);
    }
    const confirm = (exchangeId: string, i: number) =>
      runIdempotent(
        deps,
        { scope: receiver.memberId, key: `bench-confirm-${i}`, fingerprint: exchangeId },
        async (record) => ({
          status: 200,
          body: await transitionExchange(
            deps,
            { actor: receiver, subject: receiver },
            exchangeId,
            { action: "confirm" },
            record,
          ),
        }),
      );
    // The first settlement opens both accounts (a one-off); the measured ones find them open.
    await confirm(exchanges[0] ?? "", 0);
    reset(meter);
    for (let i = 1; i <= SETTLEMENTS; i++) await confirm(exchanges[i] ?? "", i);
    const perSettlement = Object.fromEntries(
      [...meter.calls].map(([name, n]) => [name, round(n / SETTLEMENTS)]),
    );
    const transactWrites = (meter.calls.get("TransactWriteItemsCommand") ?? 0) / SETTLEMENTS;
    const totalCalls = [...meter.calls.values()].reduce((a, b) => a + b, 0) / SETTLEMENTS;
    const settlementWriteUnits = meter.writeUnits / SETTLEMENTS;
    const settlementReadUnits = meter.readUnits / SETTLEMENTS;

    // 2. Awards per second from one organisation: sharded account vs a single-book baseline.
    const admin = await person("bench-admin", ["resident", "admin"]);
    const volunteers = await Promise.all(Array.from({ length: 64 }, (_, i) => person(`volunteer-${i}`)));
    const organisation = async (memberId: string, books: "sharded" | "single"): Promise<Member> => {
      const org = newMember({
        memberId,
        kind: "organisation",
        displayName: memberId,
        status: "active",
        roles: ["resident"],
        coordinatorAreas: [],
        area: "old-town",
        languages: ["en"],
        admins: [admin.memberId],
        organisationType: "charity",
        createdAt: now,
        updatedAt: now,
      });
      await deps.members.create(org, undefined);
      const opening = openingOf(city, memberId, "organisation", now);
      const quota = 1_000_000;
      const count = books === "sharded" ? opening.account.books : 1;
      await deps.ledger.openAccount(
        { ...opening.account, books: count, creditLimitMinutes: quota, maxBalanceMinutes: quota },
        opening.books
          .slice(0, count)
          .map((b) => ({ ...b, creditLimit: quota / count, maxBalance: quota / count })),
      );
      return org;
    };
    // Volunteers' accounts open before timing, so both runs measure awards only.
    const warmUp = await organisation("warm-up", "single");
    for (let from = 0; from < volunteers.length; from += 25) {
      await awardCredits(
        deps,
        { actor: admin, subject: warmUp },
        { volunteers: volunteers.slice(from, from + 25).map((v) => ({ memberId: v.memberId, minutes: 1 })) },
        { scope: admin.memberId, key: `warm-up-${from}`, fingerprint: `warm-up-${from}` },
      );
    }

    interface Tally {
      posted: number;
      refusedOrFailed: number;
      seconds: number;
      calls: Map<string, number>;
    }
    const tally = (): Tally => ({ posted: 0, refusedOrFailed: 0, seconds: 0, calls: new Map() });
    /** One round of awards from `orgs[i % orgs.length]` (one organisation, or one per award). */
    const awardRound = async (orgs: readonly Member[], round: number, into: Tally) => {
      reset(meter);
      meter.latencyMs = SIMULATED_LATENCY_MS;
      const started = performance.now();
      const outcomes = await pool(
        Array.from({ length: AWARDS / ROUNDS }, (_, n) => () => {
          const i = round * (AWARDS / ROUNDS) + n;
          const org = orgs[i % orgs.length] ?? admin;
          return awardCredits(
            deps,
            { actor: admin, subject: org },
            { volunteers: [{ memberId: volunteers[i % volunteers.length]?.memberId ?? "", minutes: 10 }] },
            { scope: admin.memberId, key: `${org.memberId}-award-${i}`, fingerprint: `${org.memberId}-${i}` },
          ).then(
            () => true,
            () => false,
          );
        }),
        CONCURRENCY,
      );
      into.seconds += (performance.now() - started) / 1000;
      meter.latencyMs = 0;
      into.posted += outcomes.filter(Boolean).length;
      into.refusedOrFailed += outcomes.filter((o) => !o).length;
      for (const [name, n] of meter.calls) into.calls.set(name, (into.calls.get(name) ?? 0) + n);
    };
    const figures = (t: Tally, books: number) => {
      const attempts = t.calls.get("TransactWriteItemsCommand") ?? 0;
      const posted = Math.max(t.posted, 1);
      return {
        books,
        awards: AWARDS,
        posted: t.posted,
        failed: t.refusedOrFailed,
        seconds: round(t.seconds),
        awardsPerSecond: round(t.posted / t.seconds, 1),
        callsPerAward: Object.fromEntries([...t.calls].map(([name, n]) => [name, round(n / posted)])),
        transactionAttemptsPerAward: round(attempts / posted),
        lostRacesPerAward: round((attempts - t.posted) / posted),
      };
    };
    const single = [await organisation("org-single-book", "single")];
    const shardedOrg = [await organisation("org-sharded", "sharded")];
    // The same awards with nothing shared (one organisation each): what the store and this
    // machine can do at all, so the two designs can be read against it.
    const independent = await Promise.all(
      Array.from({ length: AWARDS }, (_, i) => organisation(`org-independent-${i}`, "sharded")),
    );
    // Interleaved rounds: a noisy neighbour on this machine slows all three alike.
    const tallies = { single: tally(), sharded: tally(), ceiling: tally() };
    for (let r = 0; r < ROUNDS; r++) {
      await awardRound(single, r, tallies.single);
      await awardRound(shardedOrg, r, tallies.sharded);
      await awardRound(independent, r, tallies.ceiling);
    }
    const balanceOf = async (org: Member[]) =>
      summarise((await deps.ledger.readAccount(org[0]?.memberId ?? ""))?.books ?? []).balance;
    const baseline = { ...figures(tallies.single, 1), balanceMinutes: await balanceOf(single) };
    const sharded = {
      ...figures(tallies.sharded, ORGANISATION_BOOKS),
      balanceMinutes: await balanceOf(shardedOrg),
    };
    const ceiling = figures(tallies.ceiling, ORGANISATION_BOOKS);

    const audit = await auditLedger(deps);
    return {
      parameters: {
        settlementsMeasured: SETTLEMENTS,
        awardsPerDesign: AWARDS,
        interleavedRounds: ROUNDS,
        concurrency: CONCURRENCY,
        simulatedLatencyMsPerCall: SIMULATED_LATENCY_MS,
        organisationBooks: ORGANISATION_BOOKS,
        store: "dynoxide (embedded)",
      },
      settlementTransactWriteRoundTrips: round(transactWrites),
      settlementRoundTripsIncludingReads: round(totalCalls),
      settlementCallsByCommand: perSettlement,
      settlementWriteCapacityUnits: round(settlementWriteUnits),
      settlementReadCapacityUnits: round(settlementReadUnits),
      awardsSingleBookBaseline: baseline,
      awardsShardedDesign: sharded,
      awardsContentionFreeCeiling: ceiling,
      shardedOverBaselineThroughput: round(sharded.awardsPerSecond / Math.max(baseline.awardsPerSecond, 0.1)),
      shardedShareOfCeiling: round(sharded.awardsPerSecond / Math.max(ceiling.awardsPerSecond, 0.1)),
      baselineShareOfCeiling: round(baseline.awardsPerSecond / Math.max(ceiling.awardsPerSecond, 0.1)),
      /**
       * Against DynamoDB, where books do not share a server: a book commits at most once per
       * read-plus-transaction round trip (2 x the simulated latency), so one organisation's
       * ceiling is books x that rate. A projection from the design, not a measurement.
       */
      projectedAwardsPerSecondOnDynamoDb: {
        singleBook: round(1000 / (2 * Math.max(SIMULATED_LATENCY_MS, 1)), 0),
        sharded: round((ORGANISATION_BOOKS * 1000) / (2 * Math.max(SIMULATED_LATENCY_MS, 1)), 0),
      },
      auditViolations: audit.violations.length,
      auditSumOfBalances: audit.sumOfBalances,
    };
  } finally {
    await store.stop();
  }
}
