import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UpdateTableCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { monotonicFactory, ulid } from "ulid";
import { systemClock } from "#domain/kernel/clock.ts";
import { AUDIT_CHUNK, AUDIT_CONCURRENCY, runLedgerAudit } from "#domain/ledger/audit.ts";
import { makePayment } from "#domain/ledger/credits.ts";
import { type Member, newMember } from "#domain/membership/member.ts";
import { buildPost, type Post } from "#domain/posts/post.ts";
import { ensureTable } from "../infra/local/bootstrap.ts";
import { repoRoot } from "../infra/local/paths.ts";
import { startStore } from "../infra/local/store.ts";
import { manifest } from "../infra/manifest.ts";
import { type City, parseCityJson } from "../shared/config/city.ts";
import { DynamoCheckpointRepository } from "../shared/data/checkpoint-repository.ts";
import { DynamoInboxRepository } from "../shared/data/inbox-repository.ts";
import { ledgerRepositories } from "../shared/data/ledger-deps.ts";
import { DynamoMatchIndexRepository, DynamoMatchSignalsRepository } from "../shared/data/match-repository.ts";
import { DynamoMemberRepository } from "../shared/data/member-repository.ts";
import { DynamoPostRepository } from "../shared/data/post-repository.ts";
import { DORMANT_CONCURRENCY, DORMANT_PAGE, runDormantNudges } from "../shared/domain/matching/dormant.ts";
import { indexPost } from "../shared/domain/matching/indexing.ts";
import { syntheticCity } from "./support/city.ts";
import { documentClient, localClient } from "./support/client.ts";
import { instrumentedClient, itemsReturned, Recorder, WRITE_COMMANDS } from "./support/instrument.ts";
import { inParallel, progressLog } from "./support/load.ts";
import { prng, seeded } from "./support/random.ts";
import { round } from "./support/stats.ts";

/**
 * The two scheduled jobs that work through the whole city, on synthetic cities of two sizes, with
 * every DynamoDB call counted and its sequential depth (the longest chain of calls that had to
 * wait for one another) recorded; then extrapolated to a city of 100,000 accounts and members.
 *
 * Model: at a fixed latency per store call, a run takes (sequential depth) x (latency), because
 * calls at the same depth run side by side; CPU time is not counted (it is reported, measured
 * here, separately). Calls and depth grow linearly with the accounts (members) a job works
 * through: a straight line through the two measured sizes gives the 100,000 figure.
 */

const SEED = 20_261_204;
// Two sizes, the second larger, for the extrapolation (SCHEDULES_BENCH_SIZES=100,400 for a quick run).
const SIZES = (process.env.SCHEDULES_BENCH_SIZES ?? "400,1600").split(",").map(Number) as [number, number];
const TARGET = 100_000;
/** Which jobs to measure (SCHEDULES_BENCH_JOBS=dormant for the suggestions only). */
const JOBS = new Set((process.env.SCHEDULES_BENCH_JOBS ?? "audit,dormant").split(","));
const MS_PER_CALL = 10;
/** Lambda's limit on one invocation; each run stops with a minute in hand and the next resumes. */
const LAMBDA_LIMIT_SECONDS = 900;
const RESERVE_SECONDS = 60;
const PAYMENTS_PER_ACCOUNT = 3;
/** Of the dormant bench's members, the share who posted an open request someone could answer. */
const REQUESTERS = 0.1;
const TABLE = "mutua-bench-schedules";
const DAY = 24 * 60 * 60 * 1000;

const city: City = parseCityJson(readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"), "example");
const log = progressLog("schedules");

interface Measured {
  size: number;
  calls: number;
  reads: number;
  writes: number;
  depth: number;
  steps: number;
  localSeconds: number;
  readUnits: number;
  writeUnits: number;
  [figure: string]: number;
}

function callsOf(recorder: Recorder) {
  const calls = recorder.calls.length;
  const writes = recorder.calls.filter((c) => WRITE_COMMANDS.has(c.command)).length;
  return {
    calls,
    writes,
    reads: calls - writes,
    depth: Math.max(0, ...recorder.calls.map((c) => c.depth)),
    readUnits: round(
      recorder.calls.reduce((n, c) => n + c.readCapacity, 0),
      1,
    ),
    writeUnits: round(
      recorder.calls.reduce((n, c) => n + c.writeCapacity, 0),
      1,
    ),
  };
}

async function openStore() {
  const store = await startStore({ useEnvironment: false });
  const raw = localClient(store.endpoint);
  await ensureTable(raw, TABLE);
  // Nothing reads the stream here, and the embedded store slows every write as its stream grows.
  await raw.send(new UpdateTableCommand({ TableName: TABLE, StreamSpecification: { StreamEnabled: false } }));
  raw.destroy();
  const recorder = new Recorder();
  const { db } = instrumentedClient(store.endpoint, recorder, {
    returnConsumedCapacity: "TOTAL",
    itemsRead: itemsReturned,
    recordFailed: true,
  });
  const seedDb: DynamoDBDocumentClient = documentClient(localClient(store.endpoint));
  return { store, recorder, db, seedDb };
}

/** The ledger audit on a ledger of `size` accounts with about three payments each. */
async function measureAudit(size: number): Promise<Measured> {
  const { store, recorder, db, seedDb } = await openStore();
  try {
    const ids = monotonicFactory();
    const seedDeps = {
      city,
      clock: systemClock,
      ids: { next: () => ids() },
      members: new DynamoMemberRepository(seedDb, TABLE),
      ...ledgerRepositories(seedDb, TABLE),
    };
    const random = prng(SEED + size);
    const account = (i: number) => `A${String(i).padStart(6, "0")}`;
    let refused = 0;
    await inParallel(log, `audit ${size}: payments`, size * PAYMENTS_PER_ACCOUNT, async (i) => {
      const from = account(i % size);
      let to = account(Math.floor(random() * size));
      if (to === from) to = account((i + 1) % size);
      await makePayment(
        seedDeps,
        { scope: "bench", key: `pay-${i}`, fingerprint: `pay-${i}` },
        {
          from: { accountId: from, kind: "person" },
          to: { accountId: to, kind: "person" },
          minutes: 10 + Math.floor(random() * 50),
          createdBy: "bench",
        },
      ).catch(() => {
        refused += 1;
      });
    });
    const deps = {
      clock: systemClock,
      checkpoints: new DynamoCheckpointRepository(db, TABLE),
      ...ledgerRepositories(db, TABLE),
    };
    recorder.reset();
    recorder.on = true;
    const started = performance.now();
    const outcome = await runLedgerAudit(deps, {
      job: "ledger-audit",
      restart: true,
      remainingMs: () => LAMBDA_LIMIT_SECONDS * 1000,
      reserveMs: 0,
    });
    const localSeconds = (performance.now() - started) / 1000;
    recorder.on = false;
    if (!outcome.done || outcome.state.violationCount > 0) {
      throw new Error(`the audit did not pass cleanly: ${JSON.stringify(outcome.state.violations)}`);
    }
    log(`audit ${size}: ${outcome.state.lines} lines, ${recorder.calls.length} calls`);
    return {
      size,
      ...callsOf(recorder),
      steps: outcome.steps,
      localSeconds: round(localSeconds, 2),
      accounts: outcome.state.accounts,
      lines: outcome.state.lines,
      transfers: outcome.state.transfers,
      paymentsRefused: refused,
    };
  } finally {
    await store.stop();
  }
}

/** The week's suggestions on a city of `size` members who never exchanged, a tenth with a request out. */
async function measureDormant(size: number): Promise<Measured> {
  const { store, recorder, db, seedDb } = await openStore();
  try {
    const draws = seeded(SEED + size);
    const { homePoint, areaOf, offsetMetres } = syntheticCity(city.map, draws);
    const { random, pick } = draws;
    const categories = city.skills.filter((s) => !s.sensitive).map((s) => s.id);
    const now = Date.now();
    const people: Member[] = Array.from({ length: size }, (_, i) => {
      const home = homePoint();
      const at = new Date(now - 60 * DAY).toISOString();
      return newMember({
        memberId: `M${String(i).padStart(6, "0")}`,
        kind: "person",
        displayName: `Member ${i}`,
        status: "active",
        roles: ["resident"],
        coordinatorAreas: [],
        area: areaOf(home),
        languages: ["en"],
        skills: {
          categories: [pick(categories), pick(categories)].filter((c, j, a) => a.indexOf(c) === j),
          tags: [],
        },
        home,
        createdAt: at,
        updatedAt: at,
      });
    });
    const seedMembers = new DynamoMemberRepository(seedDb, TABLE);
    const seedPosts = new DynamoPostRepository(seedDb, TABLE);
    const seedIndexDeps = {
      city,
      members: seedMembers,
      matchIndex: new DynamoMatchIndexRepository(seedDb, TABLE),
      signals: new DynamoMatchSignalsRepository(seedDb, TABLE),
    };
    await inParallel(log, `dormant ${size}: members`, people.length, async (i) => {
      const member = people[i];
      if (member) await seedMembers.create(member, undefined);
    });
    const requesters = people.filter(() => random() < REQUESTERS);
    const posts: Post[] = requesters.map((owner) =>
      buildPost(
        {
          kind: "request",
          title: "A hand for an hour",
          category: pick(categories),
          tags: [],
          where: { type: "point", point: offsetMetres(owner.home ?? city.map.centre, 300) },
          estimatedMinutes: 60,
        },
        { postId: ulid(now, random), owner, actorId: owner.memberId },
        { city, now: new Date(now - DAY), ownerHome: owner.home },
      ),
    );
    await inParallel(log, `dormant ${size}: requests`, posts.length, async (i) => {
      const post = posts[i];
      if (!post) return;
      await seedPosts.create(post);
      await indexPost(seedIndexDeps, post, post);
    });
    const ids = monotonicFactory();
    const deps = {
      city,
      clock: systemClock,
      ids: { next: () => ids() },
      members: new DynamoMemberRepository(db, TABLE),
      inbox: new DynamoInboxRepository(db, TABLE),
      matchIndex: new DynamoMatchIndexRepository(db, TABLE),
      signals: new DynamoMatchSignalsRepository(db, TABLE),
      posts: new DynamoPostRepository(db, TABLE),
      checkpoints: new DynamoCheckpointRepository(db, TABLE),
    };
    recorder.reset();
    recorder.on = true;
    const started = performance.now();
    const outcome = await runDormantNudges(deps, {
      job: "dormant-nudge",
      remainingMs: () => LAMBDA_LIMIT_SECONDS * 1000,
      reserveMs: 0,
    });
    const localSeconds = (performance.now() - started) / 1000;
    recorder.on = false;
    if (!outcome.done) throw new Error("the dormant pass did not finish");
    log(`dormant ${size}: ${outcome.state.nudged} suggestions, ${recorder.calls.length} calls`);
    return {
      size,
      ...callsOf(recorder),
      steps: outcome.steps,
      localSeconds: round(localSeconds, 2),
      considered: outcome.state.considered,
      nudged: outcome.state.nudged,
      /** Items the store returned: members' pages and signals, digests, posts suggested. */
      itemsRead: recorder.calls.reduce((n, c) => n + c.itemsRead, 0),
    };
  } finally {
    await store.stop();
  }
}

/** The straight line through two measured sizes, read at `target`. */
function extrapolate(small: Measured, large: Measured, figure: keyof Measured, target: number): number {
  const a = small[figure] as number;
  const b = large[figure] as number;
  const slope = (b - a) / (large.size - small.size);
  return Math.round(b + slope * (target - large.size));
}

function jobFigures(name: string, small: Measured, large: Measured, timeoutSeconds: number) {
  const depth = extrapolate(small, large, "depth", TARGET);
  const calls = extrapolate(small, large, "calls", TARGET);
  const modelled = (depth * MS_PER_CALL) / 1000;
  const perRun = timeoutSeconds - RESERVE_SECONDS;
  return {
    [`${name}Measured`]: [small, large],
    [`${name}At100k`]: {
      calls,
      callsPerUnit: round(calls / TARGET, 2),
      depth,
      modelledSeconds: round(modelled, 1),
      /** The same calls one after another: what a sequential pass would take. */
      sequentialSeconds: round((calls * MS_PER_CALL) / 1000, 1),
      functionTimeoutSeconds: timeoutSeconds,
      shareOfLambdaLimit: round(modelled / LAMBDA_LIMIT_SECONDS, 3),
      runsNeeded: Math.max(1, Math.ceil(modelled / perRun)),
      /** Capacity units one pass uses per account (audit) or member (dormant), at the larger size. */
      readUnitsPerUnit: round(large.readUnits / large.size, 3),
      writeUnitsPerUnit: round(large.writeUnits / large.size, 3),
      /** This machine's CPU time per unit (embedded store included), scaled: not part of the model. */
      localSecondsScaled: round((large.localSeconds / large.size) * TARGET, 1),
    },
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const [small, large] = SIZES;
  const audits = JOBS.has("audit")
    ? ([await measureAudit(small), await measureAudit(large)] as const)
    : undefined;
  const dormants = JOBS.has("dormant")
    ? ([await measureDormant(small), await measureDormant(large)] as const)
    : undefined;
  const timeout = (name: string) => manifest.schedules.find((s) => s.name === name)?.timeoutSeconds ?? 300;
  return {
    seed: SEED,
    sizes: SIZES,
    target: TARGET,
    msPerStoreCall: MS_PER_CALL,
    lambdaLimitSeconds: LAMBDA_LIMIT_SECONDS,
    model:
      "run seconds = sequential depth of DynamoDB calls x 10 ms (calls at one depth run side by side); " +
      "calls and depth extrapolated linearly from the two measured sizes to 100,000 accounts (audit: about " +
      `${PAYMENTS_PER_ACCOUNT} payments per account, two journal lines each) and 100,000 members who never ` +
      `exchanged (dormant: ${REQUESTERS * 100}% of them with an open request); CPU time not modelled`,
    auditChunk: AUDIT_CHUNK,
    auditConcurrency: AUDIT_CONCURRENCY,
    dormantPage: DORMANT_PAGE,
    dormantConcurrency: DORMANT_CONCURRENCY,
    ...(audits ? jobFigures("audit", audits[0], audits[1], timeout("ledger-audit")) : {}),
    ...(dormants ? jobFigures("dormant", dormants[0], dormants[1], timeout("dormant-nudge")) : {}),
  };
}
