import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UpdateTableCommand } from "@aws-sdk/client-dynamodb";
import { ulid } from "ulid";
import { ensureTable } from "../infra/local/bootstrap.ts";
import { repoRoot } from "../infra/local/paths.ts";
import { startStore } from "../infra/local/store.ts";
import { type City, parseCityJson } from "../shared/config/city.ts";
import { DynamoInboxRepository } from "../shared/data/inbox-repository.ts";
import { keys } from "../shared/data/keys.ts";
import {
  DynamoMatchIndexRepository,
  DynamoMatchRepository,
  DynamoMatchSignalsRepository,
  digestItemsForBulkLoad,
  itemBytes,
} from "../shared/data/match-repository.ts";
import { DynamoMemberRepository } from "../shared/data/member-repository.ts";
import { postItemsForBulkLoad } from "../shared/data/post-repository.ts";
import {
  type DigestProfile,
  freshProfile,
  STEP_RULE,
  type StepRule,
  sameProfile,
  searchCells,
  settledProfile,
} from "../shared/domain/matching/digest.ts";
import {
  answeringSide,
  digestBoundParts,
  eligible,
  findMatches,
  keepNearest,
  ruledOut,
  scoreCandidate,
} from "../shared/domain/matching/find.ts";
import {
  entriesForMember,
  entriesForPost,
  type IndexEntry,
} from "../shared/domain/matching/index-entries.ts";
import { indexMember, indexPost, reprofileMember } from "../shared/domain/matching/indexing.ts";
import type { MemberSignals } from "../shared/domain/matching/ports.ts";
import { KEPT_PER_POST, type MatchDeps, matchPost } from "../shared/domain/matching/run.ts";
import { scoreParts } from "../shared/domain/matching/score.ts";
import { type AvailabilityWindow, type Member, newMember } from "../shared/domain/membership/member.ts";
import { buildPost, type NewPost, type Post } from "../shared/domain/posts/post.ts";
import { syntheticCity } from "./support/city.ts";
import { documentClient, localClient } from "./support/client.ts";
import { instrumentedClient, itemsReturned, Recorder, WRITE_COMMANDS } from "./support/instrument.ts";
import { batchWrite, progressLog } from "./support/load.ts";
import { prng, seeded, zipf } from "./support/random.ts";
import { mean, median, p95, quantile, round } from "./support/stats.ts";

/**
 * Matching on a synthetic city: the digest retrieval (cell digests within the radius, then two
 * rounds of loads) against an exhaustive pass that scores every eligible person in the city with
 * the same functions, side by side in one run. Figures: recall@10 and @20, items read (by kind),
 * bytes, DynamoDB calls, sequential depth and capacity units per match, the writes one matched post
 * costs, and the write side of the digests (largest item, units per entry and profile change,
 * rewrites per signal event). Only the seconds depend on this machine.
 */

const SEED = 20_251_130;
// A smaller city for a quick run (MATCHING_BENCH_MEMBERS=2000 MATCHING_BENCH_POSTS=5000); the
// figures are recorded with the size they ran at.
const MEMBERS = Number(process.env.MATCHING_BENCH_MEMBERS ?? 20_000);
const POSTS = Number(process.env.MATCHING_BENCH_POSTS ?? 50_000);
/**
 * `MATCHING_SAMPLES=n` measures only the first n of the (shuffled) 200 sample posts, and skips
 * loading the post items (matching never reads them; they only make the seed slower): for a busy
 * machine. The city and the samples are the same.
 */
const SAMPLES_MEASURED = Math.min(200, Number(process.env.MATCHING_SAMPLES ?? 200));
const QUICK = SAMPLES_MEASURED < 200;
const SAMPLES = 200;
/** `MATCHING_EXPLAIN=1` logs, for each person the exhaustive top 20 has and the retrieval missed, why. */
const EXPLAIN = process.env.MATCHING_EXPLAIN === "1";
const NOTIFIED_SAMPLES = QUICK ? Math.min(20, SAMPLES_MEASURED) : 50;
const TOP_K = 10;
/** What a read's partition key prefix names, for the figures by kind. */
const KIND_NAMES: Record<string, string> = { MATCHDIGEST: "digests", MEMBER: "members", SIGNALS: "signals" };
const READ_KINDS = ["digests", "members", "signals"] as const;
const TABLE = "mutua-bench-matching";
/** A fixed "now" so post ages, freshness and every figure are the same on every run. */
const NOW = Date.parse("2026-06-03T10:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;
const GOALS = {
  recallAt10: 0.99,
  recallAt20: 0.98,
  itemsReadPerMatchMedian: 520,
  itemsReadPerMatchP95: 1680,
  capacityUnitsPerMatchMedian: 250,
  capacityUnitsPerMatchP95: 500,
  sequentialDepthMax: 3,
  callsPerMatchMedian: 8,
  largestDigestKb: 128,
  writeUnitsPerEntryChangeMean: 32,
  digestRewritesPerSignalEvent: 0.2,
  notificationWritesPerPost: 20,
} as const;
/** Entry changes (posts re-indexed) and member profile changes measured on the write side. */
const ENTRY_CHANGES = 100;
const PROFILE_CHANGES = 50;

const draws = seeded(SEED);
const { random, pick, gaussian } = draws;
const log = progressLog("matching");

const exampleCity = parseCityJson(
  readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"),
  "cities/example.json",
);
/**
 * The example city with no quiet hours, so a match is told at once rather than only digested;
 * `MATCHING_SHARDS=n` measures another shard count than the city's.
 */
const city: City = {
  ...exampleCity,
  notifications: { ...exampleCity.notifications, quietHours: { start: "00:00", end: "00:00" } },
  matching: {
    ...exampleCity.matching,
    digestShards: Number(process.env.MATCHING_SHARDS ?? exampleCity.matching.digestShards),
  },
};

/** The city's skills, by popularity in the order the city lists them; weights fall as 1/rank (Zipf). */
const categories = city.skills.map((s) => s.id);
const zipfCategory = zipf(categories, random);

/** A small tag vocabulary per category: enough overlap that shared tags matter to the score. */
const vocabulary: Record<string, string[]> = {
  gardening: ["garden", "weeding", "lawn", "hedge", "pruning", "compost", "herbs", "allotment"],
  cooking: ["soup", "baking", "bread", "meals", "vegetarian", "cakes", "lunch", "preserves"],
  "diy-repairs": ["shelves", "bicycle", "painting", "drill", "plumbing", "furniture", "lamp", "tiles"],
  languages: ["dutch", "french", "english", "conversation", "grammar", "homework", "reading", "tandem"],
  "digital-help": ["smartphone", "laptop", "email", "printer", "tablet", "banking", "wifi", "apps"],
  transport: ["lift", "hospital", "shopping", "errands", "station", "groceries", "market", "pharmacy"],
  childcare: ["babysitting", "homework", "toddlers", "school", "pickup", "crafts", "stories", "park"],
  "home-visits": ["company", "chat", "visits", "reading", "coffee", "cards", "tea", "games"],
  "admin-forms": ["letters", "taxes", "forms", "benefits", "insurance", "council", "housing", "bills"],
  "music-arts": ["guitar", "piano", "singing", "drawing", "choir", "pottery", "photography", "knitting"],
  "sport-wellbeing": ["running", "yoga", "swimming", "walks", "football", "cycling", "dance", "tennis"],
  pets: ["dog", "walking", "cat", "feeding", "rabbit", "sitting", "grooming", "vet"],
};
const tagsOf = (category: string) => vocabulary[category] ?? ["help"];
function someTags(from: readonly string[], min: number, max: number): string[] {
  const count = min + Math.floor(random() * (max - min + 1));
  return [...new Set(Array.from({ length: count }, () => pick(from)))];
}

/** Drawn here, after nothing else: the neighbourhood centres are the stream's first draws. */
const { neighbourhoods, offsetMetres, homePoint, areaOf } = syntheticCity(city.map, draws);

type Language = Member["languages"][number];
function languages(): Language[] {
  const first: Language = random() < 0.45 ? "nl" : random() < 0.75 ? "fr" : "en";
  const second: Language = pick(["nl", "fr", "en"] as const);
  return random() < 0.4 && second !== first ? [first, second] : [first];
}

function windows(max: number): AvailabilityWindow[] {
  const count = 1 + Math.floor(random() * max);
  return Array.from({ length: count }, () => {
    const from = pick([8, 9, 10, 13, 14, 17, 18]);
    return {
      day: Math.floor(random() * 7),
      from: `${String(from).padStart(2, "0")}:00`,
      to: `${String(from + pick([2, 3, 4])).padStart(2, "0")}:00`,
    };
  });
}

function seededMember(i: number): Member {
  const home = random() < 0.92 ? homePoint() : undefined;
  const skilled = random() < 0.85;
  const skillCategories = skilled
    ? [...new Set(Array.from({ length: 3 }, zipfCategory))].slice(0, 1 + Math.floor(random() * 3))
    : [];
  const at = new Date(NOW - (30 + Math.floor(random() * 600)) * DAY).toISOString();
  return newMember({
    memberId: `M${String(i).padStart(6, "0")}`,
    kind: random() < 0.01 ? "organisation" : "person",
    displayName: `Member ${i}`,
    // A few suspended members: entriesForMember leaves them out of the index.
    status: random() < 0.004 ? "suspended" : "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: home ? areaOf(home) : pick(city.areas).id,
    languages: languages(),
    verified: random() >= 0.03,
    skills: {
      categories: skillCategories,
      tags: skillCategories.flatMap((c) => someTags(tagsOf(c), 1, 3)),
    },
    ...(home ? { home } : {}),
    availability: random() < 0.7 ? windows(4) : [],
    createdAt: at,
    updatedAt: at,
  });
}

function seededPost(owner: Member): Post {
  const category = zipfCategory();
  const words = tagsOf(category);
  const r = random();
  const where: NewPost["where"] =
    r < 0.1
      ? { type: "online" }
      : owner.home && r < 0.55
        ? { type: "point", point: offsetMetres(owner.home, 400) }
        : owner.home
          ? { type: random() < 0.8 ? "my-place" : "your-place" }
          : { type: "point", point: offsetMetres(pick(neighbourhoods), 600) };
  const createdAt = Math.floor(NOW - random() * 14 * DAY);
  const title = `${pick(words)} ${pick(["help", "weekly", "evening", "weekend", "quick"])}`;
  return buildPost(
    {
      kind: random() < 0.5 ? "offer" : "request",
      title: title.charAt(0).toUpperCase() + title.slice(1),
      category,
      tags: someTags(words, 1, 3),
      where,
      ...(random() < 0.45 ? { availability: { type: "weekly", windows: windows(2) } } : {}),
      estimatedMinutes: pick([30, 60, 60, 90, 120]),
    },
    { postId: ulid(createdAt, random), owner, actorId: owner.memberId },
    { city, now: new Date(createdAt), ownerHome: owner.home },
  );
}

/** What the stream would have gathered: settled exchanges with nearby partners, notices answered. */
function seededSignals(people: readonly Member[]): MemberSignals[] {
  const out: MemberSignals[] = [];
  for (const member of people) {
    if (random() >= 0.35) continue;
    const partners: Record<string, number> = {};
    const settled = Math.floor(random() * 6);
    for (let i = 0; i < settled; i++) {
      // Partners are mostly people with nearby ids (a proxy for a local circle), some anywhere.
      const j =
        random() < 0.7
          ? Math.min(
              people.length - 1,
              Math.max(0, Number(member.memberId.slice(1)) + Math.floor(gaussian() * 50)),
            )
          : Math.floor(random() * people.length);
      const partner = people[j]?.memberId;
      if (partner && partner !== member.memberId) partners[partner] = (partners[partner] ?? 0) + 1;
    }
    const told = Math.floor(random() * 9);
    const account = random() < 0.8;
    out.push({
      memberId: member.memberId,
      partners,
      settled,
      cancelled: random() < 0.2 ? 1 : 0,
      told,
      answered: Math.floor(random() * (told + 1)),
      balance: account ? Math.round(-600 + random() * 2100) : undefined,
      givenMinutes: account ? Math.round(random() * 3000) : undefined,
    });
  }
  return out;
}

/**
 * The lazy rule the digests are kept by: the city's (`STEP_RULE`), or one given as JSON in
 * `MATCHING_STEP_RULE` (e.g. '{"headroom":{"giverReciprocity":2,...},"fall":4}') to measure a
 * trade-off between rewrites per signal event and reads per match.
 */
const STEP_RULE_USED: StepRule = process.env.MATCHING_STEP_RULE
  ? (JSON.parse(process.env.MATCHING_STEP_RULE) as StepRule)
  : STEP_RULE;
/** Exchange cycles of signal events replayed on the seeded signals before the digests are measured. */
const SIGNAL_CYCLES = 20_000;

/**
 * Signal events on top of the seeded signals, with a stated mix per exchange cycle: 5 match
 * notices told, 2 answered, one exchange between two members (an exchange event and a ledger
 * balance for each), one in ten cancelled instead (no ledger event). Each member's digest profile
 * is first written from their seeded signals, then kept by `rule` at every event; a rewrite is
 * counted each time the stored profile changes. Returns the signals after the events and the
 * profiles the digests hold then.
 */
function signalHistory(people: readonly Member[], seededList: readonly MemberSignals[], rule: StepRule) {
  const byId = new Map(people.map((m) => [m.memberId, m]));
  const signals = new Map(seededList.map((x) => [x.memberId, structuredClone(x)]));
  const stored = new Map<string, DigestProfile>();
  const storedOf = (memberId: string) =>
    stored.get(memberId) ??
    settledProfile(undefined, freshProfile(byId.get(memberId), signals.get(memberId)), rule);
  const byKind: Record<string, { events: number; rewrites: number }> = {};
  let events = 0;
  let rewrites = 0;
  const event = (kind: string, memberId: string, change: (x: MemberSignals) => void) => {
    const before = storedOf(memberId);
    const current = signals.get(memberId) ?? {
      memberId,
      partners: {},
      settled: 0,
      cancelled: 0,
      told: 0,
      answered: 0,
      balance: undefined,
      givenMinutes: undefined,
    };
    change(current);
    signals.set(memberId, current);
    const after = settledProfile(before, freshProfile(byId.get(memberId), current), rule);
    const counted = byKind[kind] ?? { events: 0, rewrites: 0 };
    byKind[kind] = counted;
    events += 1;
    counted.events += 1;
    if (!sameProfile(before, after)) {
      rewrites += 1;
      counted.rewrites += 1;
    }
    stored.set(memberId, after);
  };
  const active = people.filter((m) => m.status === "active");
  const someone = () => (pick(active) as Member).memberId;
  for (let cycle = 0; cycle < SIGNAL_CYCLES; cycle++) {
    for (let i = 0; i < 5; i++)
      event("told", someone(), (x) => {
        x.told += 1;
      });
    for (let i = 0; i < 2; i++)
      event("answered", someone(), (x) => {
        x.answered = Math.min(x.told, x.answered + 1);
      });
    const giver = someone();
    const receiver = someone();
    if (giver === receiver) continue;
    const cancelled = random() < 0.1;
    const minutes = pick([30, 60, 60, 90, 120]);
    for (const [who, other, gives] of [
      [giver, receiver, true],
      [receiver, giver, false],
    ] as const) {
      event("exchange", who, (x) => {
        if (cancelled) x.cancelled += 1;
        else {
          x.settled += 1;
          x.partners[other] = (x.partners[other] ?? 0) + 1;
          if (gives) x.givenMinutes = (x.givenMinutes ?? 0) + minutes;
        }
      });
      if (!cancelled)
        event("ledger", who, (x) => {
          x.balance = (x.balance ?? 0) + (gives ? minutes : -minutes);
        });
    }
  }
  for (const m of people) stored.set(m.memberId, storedOf(m.memberId));
  const fields = ["giverReciprocity", "askerReciprocity", "responsiveness", "completion"] as const;
  const meanHeadroom = Object.fromEntries(
    fields.map((field) => [
      field,
      mean(
        people.map(
          (m) => (stored.get(m.memberId)?.[field] ?? 0) - freshProfile(m, signals.get(m.memberId))[field],
        ),
      ),
    ]),
  );
  return { signals: [...signals.values()], stored, events, rewrites, byKind, meanHeadroom };
}

// -- seeding -----------------------------------------------------------------------------------

/**
 * A member as DynamoMemberRepository stores it (its `itemOf`, not exported), for a bulk load:
 * 20,000 single-item transactions through `create` take longer than the rest of the seed.
 */
function memberItem(member: Member): Record<string, unknown> {
  return {
    ...keys.member(member.memberId),
    entity: "Member",
    ...member,
    statusPk: keys.membersByStatus(member.status, member.area),
    statusSk: `${member.createdAt}#${member.memberId}`,
  };
}

/**
 * The stored shape DynamoMatchSignalsRepository.apply builds up (partners, ledger balance and
 * minutes given as top-level "partner#<id>", "balance#<shard>", "given#<shard>"), written in bulk:
 * replaying thousands of single events would dominate the seed. The run reads them back through
 * the repository, so scoring sees exactly what production sees.
 */
function signalsItem(s: MemberSignals): Record<string, unknown> {
  return {
    ...keys.matchSignals(s.memberId),
    entity: "MatchSignals",
    memberId: s.memberId,
    settled: s.settled,
    cancelled: s.cancelled,
    told: s.told,
    answered: s.answered,
    ...Object.fromEntries(Object.entries(s.partners).map(([id, n]) => [`partner#${id}`, n])),
    // One ledger book (shard 0), as a "ledger" change sets it.
    ...(s.balance !== undefined ? { "balance#0": s.balance } : {}),
    // Minutes given in settled exchanges, as the "exchange" changes add them up.
    ...(s.givenMinutes !== undefined ? { givenToPeople: s.givenMinutes } : {}),
  };
}

// -- ranking, as findMatches does it after retrieval ----------------------------------------------

interface Ranked {
  memberId: string;
  score: number;
}

/** findMatches' per-person rule (keepNearest) over every entry given. */
function onePerPerson(post: Post, owner: Member, entries: Iterable<IndexEntry>): Map<string, IndexEntry> {
  const maxMetres = city.matching.maxRadiusKm * 1000;
  const best = new Map<string, IndexEntry>();
  for (const entry of entries) keepNearest(post, owner, best, entry, maxMetres);
  return best;
}

function recallAt(indexed: readonly Ranked[], exhaustive: readonly Ranked[], k: number): number {
  const truth = exhaustive.slice(0, k).map((r) => r.memberId);
  if (truth.length === 0) return 1;
  const found = new Set(indexed.slice(0, k).map((r) => r.memberId));
  return truth.filter((id) => found.has(id)).length / Math.min(k, truth.length);
}

function recallFigures(recalls: readonly number[], recalls20: readonly number[]) {
  return {
    recallAt10Mean: round(mean(recalls), 3),
    recallAt10P05: round(quantile(recalls, 0.05), 3),
    recallAt10Min: round(Math.min(...recalls), 3),
    recallAt20Mean: round(mean(recalls20), 3),
    recallAt20Min: round(Math.min(...recalls20), 3),
  };
}

/** The sample: mostly placed requests, some offers, some online, some sensitive (a few by unverified owners). */
function choose(open: readonly Post[], memberById: Map<string, Member>): Post[] {
  const choice = prng(SEED + 1);
  const taken = new Set<string>();
  const out: Post[] = [];
  const draw = (count: number, fits: (p: Post, owner: Member) => boolean) => {
    const pool = open.filter((p) => {
      const owner = memberById.get(p.ownerId);
      return owner?.status === "active" && !taken.has(p.postId) && fits(p, owner);
    });
    for (let i = 0; i < count && pool.length > 0; i++) {
      const [post] = pool.splice(Math.floor(choice() * pool.length), 1);
      if (!post) continue;
      taken.add(post.postId);
      out.push(post);
    }
  };
  const online = (p: Post) => p.where.type === "online";
  draw(5, (p, owner) => p.kind === "request" && p.sensitive && !owner.verified);
  draw(15, (p, owner) => p.kind === "request" && p.sensitive && owner.verified);
  draw(20, (p) => p.kind === "request" && online(p) && !p.sensitive);
  draw(110, (p) => p.kind === "request" && !online(p) && !p.sensitive);
  draw(10, (p) => p.kind === "offer" && online(p));
  draw(SAMPLES - out.length, (p) => p.kind === "offer" && !online(p));
  // Shuffled, so the first NOTIFIED_SAMPLES are a fair slice of the mix too.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(choice() * (i + 1));
    [out[i], out[j]] = [out[j] as Post, out[i] as Post];
  }
  return out;
}

/**
 * findMatches' order: best score first, then member id. Plain code-unit order equals its
 * localeCompare for these ids (and for ULIDs), and is far cheaper over thousands of candidates.
 */
const byScore = (a: Ranked, b: Ranked) =>
  b.score - a.score || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

/** The oldest tenth of members (lowest ids): a read cut short in sort-key order would favour them. */
const oldest = (memberId: string) => Number(memberId.slice(1)) < MEMBERS / 10;

export async function run(): Promise<Record<string, unknown>> {
  const store = await startStore({ useEnvironment: false });
  const recorder = new Recorder();
  // Items read by Count; refused conditional writes still count as calls (and writes attempted).
  const { client, db } = instrumentedClient(store.endpoint, recorder, {
    returnConsumedCapacity: "TOTAL",
    itemsRead: itemsReturned,
    recordFailed: true,
  });
  // Seeding has its own client, so a load still running never counts against a measurement.
  const seedClient = localClient(store.endpoint);
  const seedDb = documentClient(seedClient);
  let postsLoading: Promise<number> | undefined;
  try {
    await ensureTable(client, TABLE);
    // Nothing consumes the stream here, and the embedded store's stream makes every write slower
    // as it grows (see bench/posts.ts). Capacity figures are the same without it.
    await client.send(
      new UpdateTableCommand({ TableName: TABLE, StreamSpecification: { StreamEnabled: false } }),
    );

    const members = new DynamoMemberRepository(db, TABLE);
    const matchIndex = new DynamoMatchIndexRepository(db, TABLE);
    const signals = new DynamoMatchSignalsRepository(db, TABLE);
    let clockNow = NOW;
    const idRandom = prng(SEED + 2);
    let idCounter = 0;
    const deps: MatchDeps = {
      city,
      clock: { now: () => new Date(clockNow) },
      ids: { next: () => ulid(clockNow + idCounter++, idRandom) },
      members,
      matchIndex,
      signals,
      matches: new DynamoMatchRepository(db, TABLE),
      inbox: new DynamoInboxRepository(db, TABLE),
    };

    // -- seed ---------------------------------------------------------------------------------
    const seedStarted = performance.now();
    const people = Array.from({ length: MEMBERS }, (_, i) => seededMember(i));
    const memberById = new Map(people.map((m) => [m.memberId, m]));
    const posts: Post[] = [];
    while (posts.length < POSTS) {
      // Active members post more: a few heavy posters, a long tail.
      const owner = people[Math.floor(MEMBERS * random() ** 2)];
      if (owner?.status === "active") posts.push(seededPost(owner));
    }
    // The signals as seeded, then weeks of signal events on top (the digests written from the
    // seeded ones, then kept by the lazy rule): what the digests hold is what that rule leaves.
    const history = signalHistory(people, seededSignals(people), STEP_RULE_USED);
    const seededSignalList = history.signals;
    const stored = history.stored;
    const entries = [...people.flatMap((m) => entriesForMember(m, city)), ...posts.flatMap(entriesForPost)];
    const profile = (memberId: string) => {
      let known = stored.get(memberId);
      if (!known) {
        known = settledProfile(undefined, freshProfile(memberById.get(memberId), undefined), STEP_RULE_USED);
        stored.set(memberId, known);
      }
      return known;
    };
    const digestItems = digestItemsForBulkLoad(
      entries.map((entry) => ({ entry, profile: profile(entry.memberId) })),
      city.matching.digestShards,
    );
    const digestSizes = digestItems.filter((item) => item.entity === "MatchDigest").map(itemBytes);
    // Matching never reads a post's search-word entries (three in four of its items): only the
    // post items themselves are loaded.
    const postItems = posts.flatMap(postItemsForBulkLoad).filter((item) => item.entity === "Post");

    await batchWrite(seedDb, TABLE, people.map(memberItem), "members", log);
    await batchWrite(seedDb, TABLE, seededSignalList.map(signalsItem), "signals", log);
    // The digests as the index consumer leaves them, in parallel chunks.
    await batchWrite(seedDb, TABLE, digestItems, "digests", log);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`members, signals and index seeded in ${seedSeconds.toFixed(1)} s; posts load meanwhile`);
    // Matching never reads post items, so they load alongside the measurements, on their own
    // client: calls, items and capacity measured are the same; only the seconds are not.
    postsLoading = (QUICK ? Promise.resolve() : batchWrite(seedDb, TABLE, postItems, "posts", log)).then(
      () => (performance.now() - seedStarted) / 1000,
    );
    postsLoading.catch(() => undefined);

    // Every person's signals, read back once through the repository: the exhaustive pass and the
    // trade-off runs score with exactly what findMatches reads.
    const signalsById = await signals.getMany(people.map((m) => m.memberId));

    /** Per side and category, every entry the index holds (each entry is stored once). */
    const pools = new Map<string, IndexEntry[]>();
    for (const entry of entries) {
      const pool = `${entry.side}|${entry.category}`;
      const list = pools.get(pool);
      if (list) list.push(entry);
      else pools.set(pool, [entry]);
    }
    const poolOf = (post: Post) => pools.get(`${answeringSide(post)}|${post.category}`) ?? [];
    const ownerOf = (post: Post): Member => {
      const owner = memberById.get(post.ownerId);
      if (!owner) throw new Error(`no owner for ${post.postId}`);
      return owner;
    };
    const withSignals = (post: Post, ids: Iterable<string>) =>
      [post.ownerId, ...ids].filter((id) => signalsById.has(id)).length;

    /**
     * Why the retrieval missed someone the exhaustive pass keeps: their entry lay in no cell read,
     * their digest record ruled them out, the retrieval took another of their entries, or their bound
     * fell below their exact score (a bound that is no bound: the parts it under-estimated).
     */
    const missCauses: Record<string, number> = {};
    const whyMissed = (
      post: Post,
      owner: Member,
      memberId: string,
      entry: IndexEntry | undefined,
      now: Date,
    ): { cause: string; text: string } => {
      const member = memberById.get(memberId);
      if (!entry || !member) return { cause: "unknown", text: "not in the exhaustive pass's entries" };
      const cells = new Set(searchCells(post, city));
      const reach = poolOf(post).filter((e) => e.memberId === memberId && cells.has(e.cell));
      if (reach.length === 0) return { cause: "outsideCells", text: `entry in cell ${entry.cell}, not read` };
      const stored = profile(memberId);
      if (ruledOut(memberId, stored, owner, post))
        return { cause: "ruledOut", text: "ruled out by its record" };
      const chosen = onePerPerson(post, owner, reach).get(memberId);
      if (!chosen || chosen.source !== entry.source)
        return { cause: "otherEntry", text: `took ${chosen?.source} instead of ${entry.source}` };
      const ownerPartners = signalsById.get(owner.memberId)?.partners ?? {};
      const bound = digestBoundParts(city, post, owner, ownerPartners, entry, stored, undefined, now);
      const both = { owner: signalsById.get(owner.memberId), candidate: signalsById.get(memberId) };
      const exact = scoreCandidate(city, post, owner, member, entry, both, now).parts;
      const under = scoreParts.filter((part) => bound[part] < exact[part]);
      if (under.length > 0)
        return {
          cause: `boundBelow.${under.join("+")}`,
          text: under
            .map((part) => `${part} bound ${round(bound[part], 3)} < exact ${round(exact[part], 3)}`)
            .join(", "),
        };
      return { cause: "boundHeld", text: "every part bounded; lost in loading or ranking" };
    };

    // -- the measured path, side by side with the exhaustive pass, per sample ----------------------
    interface Sample {
      post: Post;
      recall: number;
      indexedTop: Ranked[];
      exhaustiveTop: Ranked[];
      exhaustiveCandidates: number;
      calls: number;
      depth: number;
      busiestWave: number;
      itemsRead: number;
      readCapacity: number;
      statsCalls: number;
      statsDepth: number;
      statsItemsRead: number;
      digestItems: number;
      digestBytes: number;
      records: number;
      memberItems: number;
      signalsItems: number;
      recall20: number;
      loaded: number;
      signalsOnly: number;
      returned: number;
      unverifiedInKept: number;
      baselineIndexItems: number;
      baselineItems: number;
      /** Per kind of item read (digests, members, signals): capacity, keys asked for, items returned. */
      byKind: Record<string, { capacity: number; keys: number; items: number }>;
    }
    const samples = choose(posts, memberById).slice(0, SAMPLES_MEASURED);
    const measured: Sample[] = [];
    for (const [i, post] of samples.entries()) {
      const owner = ownerOf(post);
      const now = new Date(clockNow);
      recorder.reset();
      recorder.on = true;
      const { ranked, stats } = await findMatches(deps, post, owner, now);
      recorder.on = false;
      const calls = recorder.calls;
      const waves = new Map<number, number>();
      for (const c of calls) waves.set(c.depth, (waves.get(c.depth) ?? 0) + 1);

      // The exhaustive pass: every entry the index holds for this side and category, every person
      // in the radius scored with the same function, from memory.
      const everyone = onePerPerson(post, owner, poolOf(post));
      const truth: Ranked[] = [];
      for (const [memberId, entry] of everyone) {
        const member = memberById.get(memberId);
        if (!member || !eligible(member, owner, post, entry)) continue;
        const signalsOf = { owner: signalsById.get(owner.memberId), candidate: signalsById.get(memberId) };
        truth.push({
          memberId,
          score: scoreCandidate(city, post, owner, member, entry, signalsOf, now).score,
        });
      }
      truth.sort(byScore);
      const exhaustiveTop = truth.slice(0, TOP_K);
      const kept = ranked
        .slice(0, KEPT_PER_POST)
        .map((r) => ({ memberId: r.member.memberId, score: r.scored.score }));
      const indexedTop = ranked
        .slice(0, TOP_K)
        .map((r) => ({ memberId: r.member.memberId, score: r.scored.score }));
      const keptIds = new Set(kept.map((r) => r.memberId));
      const missed = truth.slice(0, KEPT_PER_POST).filter((t) => !keptIds.has(t.memberId));
      for (const miss of missed) {
        const cause = whyMissed(post, owner, miss.memberId, everyone.get(miss.memberId), now);
        missCauses[cause.cause] = (missCauses[cause.cause] ?? 0) + 1;
        if (EXPLAIN)
          log(`miss ${post.postId} (${post.kind}, ${post.where.type}) ${miss.memberId}: ${cause.text}`);
      }
      const itemsRead = calls.reduce((n, c) => n + c.itemsRead, 0);
      const byKind: Sample["byKind"] = {};
      for (const c of calls) {
        const kind = KIND_NAMES[c.kind] ?? (c.kind || c.command);
        const known = byKind[kind] ?? { capacity: 0, keys: 0, items: 0 };
        known.capacity += c.readCapacity;
        known.keys += c.keysAsked;
        known.items += c.itemsRead;
        byKind[kind] = known;
      }
      const memberItems = byKind.members?.items ?? 0;
      measured.push({
        post,
        recall: recallAt(indexedTop, exhaustiveTop, TOP_K),
        recall20: recallAt(kept, truth.slice(0, KEPT_PER_POST), KEPT_PER_POST),
        indexedTop,
        exhaustiveTop,
        exhaustiveCandidates: truth.length,
        calls: calls.length,
        depth: Math.max(0, ...calls.map((c) => c.depth)),
        busiestWave: Math.max(0, ...waves.values()),
        itemsRead,
        readCapacity: calls.reduce((n, c) => n + c.readCapacity, 0),
        statsCalls: stats.calls,
        statsDepth: stats.depth,
        statsItemsRead: stats.itemsRead,
        digestItems: stats.itemsRead,
        digestBytes: stats.digestBytes,
        records: stats.records,
        memberItems,
        signalsItems: byKind.signals?.items ?? 0,
        signalsOnly: stats.signalsOnly,
        loaded: stats.loaded,
        returned: ranked.length,
        // Sensitive posts should pair verified people only, both ways; counted among the kept matches.
        unverifiedInKept: post.sensitive
          ? ranked.slice(0, KEPT_PER_POST).filter((r) => !r.member.verified || !owner.verified).length
          : 0,
        // The index as it was (one item per entry, every partition of the category read); to score
        // everyone it must also read each candidate's member item and signals (where they exist).
        baselineIndexItems: poolOf(post).length,
        baselineItems: poolOf(post).length + everyone.size + withSignals(post, everyone.keys()),
        byKind,
      });
      if ((i + 1) % Math.max(1, Math.floor(SAMPLES_MEASURED / 10)) === 0)
        log(`samples ${Math.round(((i + 1) / SAMPLES_MEASURED) * 100)}%`);
    }

    // -- notification writes: the real matchPost for a slice of the samples -----------------------
    const writes: {
      calls: number;
      items: number;
      refused: number;
      capacity: number;
      byCommand: Record<string, number>;
    }[] = [];
    let told = 0;
    for (const s of measured.slice(0, NOTIFIED_SAMPLES)) {
      clockNow += 60_000;
      recorder.reset();
      recorder.on = true;
      const result = await matchPost(deps, s.post);
      recorder.on = false;
      const written = recorder.calls.filter((c) => WRITE_COMMANDS.has(c.command));
      const byCommand: Record<string, number> = {};
      for (const c of written) byCommand[c.command] = (byCommand[c.command] ?? 0) + 1;
      writes.push({
        calls: written.length,
        items: written.reduce((n, c) => n + c.itemsWritten, 0),
        refused: written.filter((c) => c.failed).length,
        capacity: written.reduce((n, c) => n + c.writeCapacity, 0),
        byCommand,
      });
      told += result.told.now.length + result.told.digest.length;
    }
    const writeCommands = [...new Set(writes.flatMap((w) => Object.keys(w.byCommand)))].sort();

    // -- the write side of the digests, through the index consumer's use-cases ---------------------
    const sampled = new Set(samples.map((p) => p.postId));
    const changeUnits = async (change: () => Promise<void>) => {
      recorder.reset();
      recorder.on = true;
      await change();
      recorder.on = false;
      return {
        write: recorder.calls.reduce((n, c) => n + c.writeCapacity, 0),
        read: recorder.calls.reduce((n, c) => n + c.readCapacity, 0),
        writes: recorder.calls.filter((c) => WRITE_COMMANDS.has(c.command)).length,
      };
    };
    // A post's tags change: its one record is rewritten in its digest.
    const entryChanges = [];
    for (const post of posts
      .filter((p) => p.status === "open" && !sampled.has(p.postId))
      .slice(0, ENTRY_CHANGES)) {
      const changed: Post = { ...post, tags: [...post.tags.slice(1), pick(tagsOf(post.category))] };
      entryChanges.push(await changeUnits(() => indexPost(deps, changed, changed)));
    }
    // A member adds a language: their profile is rewritten in every digest they are in, as part of
    // the change (reprofileMember, as updateProfile does); then the index consumer's pass over the
    // changed member item (indexMember), which finds the profile as it would write it.
    const profileChanges = [];
    const consumerPasses = [];
    const changers = people.filter((m) => m.status === "active" && m.skills.categories.length > 0);
    for (const member of changers.slice(0, PROFILE_CHANGES)) {
      const languages: Member["languages"] = member.languages.includes("en")
        ? [...member.languages.filter((l) => l !== "en"), "de"]
        : [...member.languages, "en"];
      const changed: Member = { ...member, languages };
      profileChanges.push(await changeUnits(() => reprofileMember(deps, changed)));
      consumerPasses.push(await changeUnits(() => indexMember(deps, member.memberId, changed)));
    }
    const postsLoadedSeconds = await postsLoading;

    const of = (key: keyof Sample) => measured.map((s) => Number(s[key]));
    const recalls = of("recall");
    const recallMean = mean(recalls);
    const writeCalls = writes.map((w) => w.calls);
    const recallWhere = (fits: (p: Post) => boolean) => {
      const list = measured.filter((s) => fits(s.post)).map((s) => s.recall);
      return list.length > 0 ? round(mean(list), 3) : null;
    };
    const oldestShare = (tops: Ranked[][]) =>
      round(mean(tops.flat().map((r) => (oldest(r.memberId) ? 1 : 0))), 3);
    return {
      seed: SEED,
      members: MEMBERS,
      posts: POSTS,
      indexEntries: entries.length,
      signalsItems: seededSignalList.length,
      itemsWritten: people.length + seededSignalList.length + entries.length + postItems.length,
      samplePosts: measured.length,
      postItemsLoaded: !QUICK,
      notifiedSamplePosts: writes.length,
      topK: TOP_K,
      keptPerPost: KEPT_PER_POST,
      seedSeconds: round(seedSeconds, 1),
      postsLoadedSeconds: round(postsLoadedSeconds, 1),
      ...recallFigures(recalls, of("recall20")),
      recallAt10PlacedRequests: recallWhere((p) => p.kind === "request" && p.where.type !== "online"),
      recallAt10OnlineRequests: recallWhere((p) => p.kind === "request" && p.where.type === "online"),
      recallAt10Offers: recallWhere((p) => p.kind === "offer"),
      recallAt10Sensitive: recallWhere((p) => p.sensitive),
      samplesWithFullRecall: recalls.filter((r) => r === 1).length,
      samplesWithZeroRecall: recalls.filter((r) => r === 0).length,
      missesOfTop20ByCause: missCauses,
      oldestTenthShareOfIndexedTop10: oldestShare(measured.map((s) => s.indexedTop)),
      oldestTenthShareOfExhaustiveTop10: oldestShare(measured.map((s) => s.exhaustiveTop)),
      rankedPerMatchMedian: median(of("returned")),
      exhaustiveCandidatesPerMatchMedian: median(of("exhaustiveCandidates")),
      exhaustiveCandidatesPerMatchP95: p95(of("exhaustiveCandidates")),
      digestRecordsInReachMedian: median(of("records")),
      digestItemsReadPerMatchMedian: median(of("digestItems")),
      digestItemsReadPerMatchP95: p95(of("digestItems")),
      memberItemsReadPerMatchMedian: median(of("memberItems")),
      memberItemsReadPerMatchP95: p95(of("memberItems")),
      signalsItemsReadPerMatchMedian: median(of("signalsItems")),
      signalsItemsReadPerMatchP95: p95(of("signalsItems")),
      digestKbReadPerMatchMedian: round(median(of("digestBytes")) / 1024, 1),
      digestKbReadPerMatchP95: round(p95(of("digestBytes")) / 1024, 1),
      peopleLoadedPerMatchMedian: median(of("loaded")),
      peopleLoadedPerMatchP95: p95(of("loaded")),
      signalsOnlyPerMatchMedian: median(of("signalsOnly")),
      signalsOnlyPerMatchP95: p95(of("signalsOnly")),
      itemsReadPerMatchMedian: median(of("itemsRead")),
      itemsReadPerMatchP95: p95(of("itemsRead")),
      indexItemsReadPerMatchMedian: median(of("statsItemsRead")),
      indexItemsReadPerMatchP95: p95(of("statsItemsRead")),
      baselineItemsReadPerMatchMedian: median(of("baselineItems")),
      baselineItemsReadPerMatchP95: p95(of("baselineItems")),
      baselineIndexItemsReadPerMatchMedian: median(of("baselineIndexItems")),
      baselineIndexItemsReadPerMatchP95: p95(of("baselineIndexItems")),
      baselineToIndexedItemsReadMedian: round(
        median(measured.map((s) => s.baselineItems / Math.max(1, s.itemsRead))),
        3,
      ),
      ...Object.fromEntries(
        READ_KINDS.flatMap((kind) => {
          const part = (key: "capacity" | "keys" | "items") =>
            measured.map((s) => s.byKind[kind]?.[key] ?? 0);
          return [
            [`capacityUnitsPerMatchMedian.${kind}`, round(median(part("capacity")), 1)],
            [`capacityUnitsPerMatchP95.${kind}`, round(p95(part("capacity")), 1)],
            [`keysAskedPerMatchMedian.${kind}`, median(part("keys"))],
            [`keysAskedPerMatchP95.${kind}`, p95(part("keys"))],
            [`itemsFoundPerMatchMedian.${kind}`, median(part("items"))],
          ];
        }),
      ),
      memberItemBytesMean: Math.round(mean(people.map((m) => itemBytes(memberItem(m))))),
      signalsItemBytesMean: Math.round(mean(seededSignalList.map((x) => itemBytes(signalsItem(x))))),
      dynamoCallsPerMatchMedian: median(of("calls")),
      dynamoCallsPerMatchP95: p95(of("calls")),
      sequentialDepthPerMatchMedian: median(of("depth")),
      sequentialDepthPerMatchMax: Math.max(...of("depth")),
      callsInBusiestWaveMax: Math.max(...of("busiestWave")),
      capacityUnitsPerMatchMedian: round(median(of("readCapacity")), 3),
      capacityUnitsPerMatchP95: round(p95(of("readCapacity")), 3),
      findStatsCallsMedian: median(of("statsCalls")),
      findStatsDepthMax: Math.max(...of("statsDepth")),
      findStatsCallsDifferFromMeasured: measured.filter((s) => s.statsCalls !== s.calls).length,
      findStatsDepthDiffersFromMeasured: measured.filter((s) => s.statsDepth !== s.depth).length,
      sensitiveSamplePosts: measured.filter((s) => s.post.sensitive).length,
      sensitiveSamplePostsByUnverifiedOwners: measured.filter(
        (s) => s.post.sensitive && !ownerOf(s.post).verified,
      ).length,
      sensitiveKeptMatchesWithAnUnverifiedSide: measured.reduce((n, s) => n + s.unverifiedInKept, 0),
      notificationWritesPerPostMedian: median(writeCalls),
      notificationWritesPerPostP95: p95(writeCalls),
      notificationWritesPerPostMax: Math.max(...writeCalls),
      notificationWriteItemsPerPostMedian: median(writes.map((w) => w.items)),
      refusedConditionalWritesPerPostMax: Math.max(...writes.map((w) => w.refused)),
      writeCapacityPerPostMedian: round(median(writes.map((w) => w.capacity)), 3),
      toldPerPostMean: round(told / Math.max(1, writes.length), 3),
      ...Object.fromEntries(
        writeCommands.map((c) => [
          `writesPerPostMedian.${c}`,
          median(writes.map((w) => w.byCommand[c] ?? 0)),
        ]),
      ),
      digestShards: city.matching.digestShards,
      digestItems: digestSizes.length,
      digestKbMean: round(mean(digestSizes) / 1024, 1),
      digestKbLargest: round(Math.max(...digestSizes) / 1024, 1),
      entryChangesMeasured: entryChanges.length,
      writeUnitsPerEntryChangeMean: round(mean(entryChanges.map((c) => c.write)), 1),
      writeUnitsPerEntryChangeP95: round(p95(entryChanges.map((c) => c.write)), 1),
      readUnitsPerEntryChangeMean: round(mean(entryChanges.map((c) => c.read)), 1),
      writeCallsPerEntryChangeMedian: median(entryChanges.map((c) => c.writes)),
      profileChangesMeasured: profileChanges.length,
      writeUnitsPerProfileChangeMean: round(mean(profileChanges.map((c) => c.write)), 1),
      writeUnitsPerProfileChangeP95: round(p95(profileChanges.map((c) => c.write)), 1),
      writeCallsPerProfileChangeMedian: median(profileChanges.map((c) => c.writes)),
      /** The index consumer's pass after the same change (its skill records rewritten, the profile as found). */
      writeUnitsPerProfileChangeConsumerMean: round(mean(consumerPasses.map((c) => c.write)), 1),
      writeUnitsPerProfileChangeConsumerP95: round(p95(consumerPasses.map((c) => c.write)), 1),
      stepRule: STEP_RULE_USED,
      signalEventsSimulated: history.events,
      digestRewritesPerSignalEvent: round(history.rewrites / Math.max(1, history.events), 3),
      ...Object.fromEntries(
        Object.entries(history.byKind).map(([kind, n]) => [
          `digestRewritesPerSignalEvent.${kind}`,
          round(n.rewrites / Math.max(1, n.events), 3),
        ]),
      ),
      /** Mean steps the stored signals stand above the members' own (how much looser the bounds are). */
      ...Object.fromEntries(
        Object.entries(history.meanHeadroom).map(([field, gap]) => [
          `storedStepsAboveSignalMean.${field}`,
          round(gap, 2),
        ]),
      ),
      signalEventMix: `${SIGNAL_CYCLES} cycles, each: 5 told, 2 answered, 1 exchange (2 exchange + 2 ledger events; 1 in 10 cancelled, no ledger), members drawn uniformly; replayed on the seeded signals before measuring, so the digests hold what the rule leaves`,
      goals: GOALS,
      recallGoalMet: recallMean >= GOALS.recallAt10 && mean(of("recall20")) >= GOALS.recallAt20,
      itemsGoalMet:
        median(of("itemsRead")) <= GOALS.itemsReadPerMatchMedian &&
        p95(of("itemsRead")) <= GOALS.itemsReadPerMatchP95,
      capacityGoalMet:
        median(of("readCapacity")) <= GOALS.capacityUnitsPerMatchMedian &&
        p95(of("readCapacity")) <= GOALS.capacityUnitsPerMatchP95,
      depthGoalMet: Math.max(...of("depth")) <= GOALS.sequentialDepthMax,
      callsGoalMet: median(of("calls")) <= GOALS.callsPerMatchMedian,
      writesGoalMet: Math.max(...writeCalls) <= GOALS.notificationWritesPerPost,
    };
  } finally {
    // A load still running must finish (or fail) before the store goes away.
    await postsLoading?.catch(() => undefined);
    client.destroy();
    seedClient.destroy();
    await store.stop();
  }
}
