import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { UpdateTableCommand } from "@aws-sdk/client-dynamodb";
import { ulid } from "ulid";
import { DynamoInboxRepository } from "#data/inbox-repository.ts";
import { DynamoMemberRepository } from "#data/member-repository.ts";
import { DynamoPostRepository, postItemsForBulkLoad } from "#data/post-repository.ts";
import type { Deps } from "#domain/deps.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { type Member, newMember } from "#domain/membership/member.ts";
import { runPostExpiry } from "#domain/posts/expiry.ts";
import { changePostStatus, createPost, getPost, listMyPosts, updatePost } from "#domain/posts/lifecycle.ts";
import { buildPost, maySeePost, type NewPost, type Post, postKinds } from "#domain/posts/post.ts";
import { type SearchQuery, searchPosts } from "#domain/posts/search/search.ts";
import { parseCityJson } from "#shared/config/city.ts";
import { ensureTable } from "../infra/local/bootstrap.ts";
import { repoRoot } from "../infra/local/paths.ts";
import { startStore } from "../infra/local/store.ts";
import { syntheticCity } from "./support/city.ts";
import { instrumentedClient, itemsScanned, Recorder } from "./support/instrument.ts";
import { batchWrite, inParallel, progressLog } from "./support/load.ts";
import { seeded, zipf } from "./support/random.ts";
import { quantile, round } from "./support/stats.ts";

/**
 * Posts and search on a synthetic city: DynamoDB calls, sequential depth, capacity units and items
 * read per use case, measured by an SDK middleware on the client the repositories use. Figures
 * that do not depend on this machine's speed, except seedSeconds.
 */

const SEED = 20_251_129;
/** MUTUA_BENCH_SCALE=0.1 for a quick look; the figures of record are at scale 1. */
const SCALE = Math.min(1, Math.max(0.01, Number(process.env.MUTUA_BENCH_SCALE ?? 1)));
const MEMBERS = Math.round(20_000 * SCALE);
const POSTS = Math.round(50_000 * SCALE);
const RUNS = 50;
const PAGE = 20;
const TABLE = "mutua-bench-posts";
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

const draws = seeded(SEED);
const { random, pick } = draws;
const log = progressLog("posts");

const city = parseCityJson(
  readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"),
  "cities/example.json",
);

/** Categories by popularity; weights fall as 1/rank (Zipf, s = 1). */
const popularity = [
  "gardening",
  "digital-help",
  "diy-repairs",
  "cooking",
  "transport",
  "languages",
  "admin-forms",
  "pets",
  "music-arts",
  "sport-wellbeing",
  "home-visits",
  "childcare",
] as const;
const zipfCategory = zipf(popularity, random);

const vocabulary: Record<string, string[]> = {
  gardening: [
    "garden",
    "weeding",
    "lawn",
    "hedge",
    "seedlings",
    "allotment",
    "pruning",
    "compost",
    "tomatoes",
    "herbs",
  ],
  "digital-help": [
    "smartphone",
    "laptop",
    "email",
    "printer",
    "tablet",
    "passwords",
    "video",
    "banking",
    "wifi",
    "apps",
  ],
  "diy-repairs": [
    "shelves",
    "bicycle",
    "puncture",
    "painting",
    "drill",
    "plumbing",
    "furniture",
    "lamp",
    "door",
    "tiles",
  ],
  cooking: [
    "soup",
    "baking",
    "bread",
    "meals",
    "recipes",
    "curry",
    "cakes",
    "vegetarian",
    "lunch",
    "preserves",
  ],
  transport: [
    "lift",
    "hospital",
    "shopping",
    "errands",
    "station",
    "groceries",
    "airport",
    "market",
    "pharmacy",
    "van",
  ],
  languages: [
    "dutch",
    "french",
    "english",
    "conversation",
    "grammar",
    "spanish",
    "arabic",
    "homework",
    "reading",
    "tandem",
  ],
  "admin-forms": [
    "letters",
    "taxes",
    "forms",
    "benefits",
    "insurance",
    "appointments",
    "council",
    "housing",
    "bills",
    "cv",
  ],
  pets: ["dog", "walking", "cat", "feeding", "rabbit", "sitting", "aquarium", "grooming", "vet", "birds"],
  "music-arts": [
    "guitar",
    "piano",
    "singing",
    "drawing",
    "choir",
    "painting",
    "pottery",
    "photography",
    "ukulele",
    "knitting",
  ],
  "sport-wellbeing": [
    "running",
    "yoga",
    "swimming",
    "walks",
    "football",
    "cycling",
    "stretching",
    "dance",
    "tennis",
    "fitness",
  ],
  "home-visits": [
    "company",
    "chat",
    "visits",
    "reading",
    "coffee",
    "cards",
    "tea",
    "stories",
    "games",
    "news",
  ],
  childcare: [
    "babysitting",
    "homework",
    "toddlers",
    "school",
    "pickup",
    "playgroup",
    "nanny",
    "crafts",
    "stories",
    "park",
  ],
};
const generic = [
  "help",
  "weekly",
  "evening",
  "weekend",
  "beginner",
  "quick",
  "friendly",
  "neighbourhood",
  "morning",
  "sessions",
];

/** Drawn here, after nothing else: the neighbourhood centres are the stream's first draws. */
const { neighbourhoods, offsetMetres, homePoint, areaOf } = syntheticCity(city.map, draws);

// -- seeding -----------------------------------------------------------------------------------

function randomInput(owner: Member, now: number): NewPost {
  const category = zipfCategory();
  const words = vocabulary[category] ?? generic;
  const title = [pick(words), pick(generic), pick(words)].join(" ");
  const r = random();
  const where: NewPost["where"] =
    r < 0.5 && owner.home
      ? { type: "point", point: offsetMetres(owner.home, 400) }
      : r < 0.8
        ? { type: random() < 0.6 ? "my-place" : "your-place" }
        : r < 0.92
          ? { type: "online" }
          : { type: "point", point: offsetMetres(pick(neighbourhoods), 300) };
  const a = random();
  const from = new Date(now + Math.floor(random() * 10) * DAY).toISOString().slice(0, 10);
  const availability: NewPost["availability"] =
    a < 0.5
      ? {
          type: "weekly",
          windows: [{ day: Math.floor(random() * 7), from: "09:00", to: pick(["12:00", "17:00"]) }],
        }
      : a < 0.6
        ? { type: "dates", from, to: new Date(Date.parse(from) + 3 * DAY).toISOString().slice(0, 10) }
        : undefined;
  return {
    kind: random() < 0.65 ? "offer" : "request",
    title: title.charAt(0).toUpperCase() + title.slice(1),
    category,
    tags: [pick(words), pick(words)],
    where,
    ...(availability ? { availability } : {}),
    estimatedMinutes: pick([30, 60, 60, 90, 120]),
    ...(random() < 0.1 ? { capacity: 2 + Math.floor(random() * 8) } : {}),
  };
}

/** A post as it stands today, as if the hourly schedule had run until an hour ago. */
function seededPost(owner: Member, now: number): Post {
  const s = random();
  const status =
    s < 0.78 ? "open" : s < 0.86 ? "paused" : s < 0.93 ? "fulfilled" : s < 0.98 ? "withdrawn" : "expired";
  const age = status === "open" || status === "paused" ? random() * 31 * DAY : random() * 90 * DAY;
  const createdAt = Math.floor(now - age);
  const post = buildPost(
    randomInput(owner, createdAt),
    { postId: ulid(createdAt, random), owner, actorId: owner.memberId },
    { city, now: new Date(createdAt), ownerHome: owner.home },
  );
  const caughtUp = new Date(now - HOUR).toISOString();
  const next: Post = { ...post, status };
  if (next.reminderAt && next.reminderAt < caughtUp) delete next.reminderAt;
  if (next.status === "open" || next.status === "paused") {
    if (next.expiresAt < caughtUp) next.status = "expired";
  }
  if (next.status !== "open" && next.status !== "paused") delete next.reminderAt;
  return next;
}

// -- measuring ---------------------------------------------------------------------------------

interface Sample {
  calls: number;
  depth: number;
  capacity: number;
  itemsRead: number;
  returned?: number;
  /** Items read in order and refused by the checks the keys could not make. */
  rejected?: number;
  pageSize?: number;
  full?: boolean;
}

async function measure(recorder: Recorder, runs: number, once: (i: number) => Promise<Partial<Sample>>) {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    recorder.reset();
    recorder.on = true;
    const extra = await once(i);
    recorder.on = false;
    samples.push({
      calls: recorder.calls.length,
      depth: Math.max(0, ...recorder.calls.map((c) => c.depth)),
      capacity: recorder.calls.reduce((sum, c) => sum + c.readCapacity + c.writeCapacity, 0),
      itemsRead: recorder.calls.reduce((sum, c) => sum + c.itemsRead, 0),
      ...extra,
    });
  }
  return samples;
}

function figures(name: string, samples: Sample[]): Record<string, unknown> {
  const of = (key: keyof Sample) => samples.map((s) => Number(s[key] ?? 0));
  const out: Record<string, unknown> = {
    [`${name}.runs`]: samples.length,
    [`${name}.callsMedian`]: quantile(of("calls"), 0.5),
    [`${name}.callsP95`]: quantile(of("calls"), 0.95),
    [`${name}.depthMax`]: Math.max(...of("depth")),
    [`${name}.capacityUnitsMedian`]: round(quantile(of("capacity"), 0.5)),
    [`${name}.capacityUnitsP95`]: round(quantile(of("capacity"), 0.95)),
  };
  if (samples.some((s) => s.returned !== undefined)) {
    // The engine's bound: at most twice what the page returned or refused, plus a page.
    const bound = samples.map(
      (s) => s.itemsRead <= 2 * ((s.returned ?? 0) + (s.rejected ?? 0)) + (s.pageSize ?? PAGE),
    );
    Object.assign(out, {
      [`${name}.itemsReadMedian`]: quantile(of("itemsRead"), 0.5),
      [`${name}.itemsReadP95`]: quantile(of("itemsRead"), 0.95),
      [`${name}.itemsReadMax`]: Math.max(...of("itemsRead")),
      [`${name}.returnedMedian`]: quantile(of("returned"), 0.5),
      [`${name}.returnedP95`]: quantile(of("returned"), 0.95),
      [`${name}.rejectedMedian`]: quantile(of("rejected"), 0.5),
      [`${name}.rejectedP95`]: quantile(of("rejected"), 0.95),
      [`${name}.readPerReturnedMedian`]: round(
        quantile(
          samples.map((s) => s.itemsRead / Math.max(1, s.returned ?? 0)),
          0.5,
        ),
      ),
      [`${name}.fullOrLastPages`]: samples.filter((s) => s.full).length,
      [`${name}.withinReadBound`]: bound.filter(Boolean).length,
    });
  } else {
    out[`${name}.itemsReadMedian`] = quantile(of("itemsRead"), 0.5);
  }
  return out;
}

export async function run(): Promise<Record<string, unknown>> {
  const store = await startStore({ useEnvironment: false });
  const recorder = new Recorder();
  // INDEXES, Query items by ScannedCount, refused calls left out: as the figures of record were measured.
  const { client, db } = instrumentedClient(store.endpoint, recorder, {
    returnConsumedCapacity: "INDEXES",
    itemsRead: itemsScanned,
    recordFailed: false,
  });
  try {
    await ensureTable(client, TABLE);
    // Nothing consumes the stream here, and the embedded store's stream makes every write slower
    // as it grows (measured: 12k writes fell from ~1,900/s to ~300/s). Capacity figures are the same.
    await client.send(
      new UpdateTableCommand({ TableName: TABLE, StreamSpecification: { StreamEnabled: false } }),
    );

    const members = new DynamoMemberRepository(db, TABLE);
    const posts = new DynamoPostRepository(db, TABLE);
    const inbox = new DynamoInboxRepository(db, TABLE);
    let clockNow = Date.now();
    let idCounter = 0;
    const deps: Pick<Deps, "city" | "clock" | "ids" | "members" | "posts" | "inbox"> = {
      city,
      clock: { now: () => new Date(clockNow) },
      ids: { next: () => ulid(clockNow + idCounter++, random) },
      members,
      posts,
      inbox,
    };

    // Seed: members (through the repository, as the routes create them), then posts in bulk.
    const seedStarted = performance.now();
    const seedCpu = process.cpuUsage();
    const now = clockNow;
    const people: Member[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const home = random() < 0.85 ? homePoint() : undefined;
      const at = new Date(now - 120 * DAY).toISOString();
      const coordinator = i < 5;
      people.push(
        newMember({
          memberId: `M${String(i).padStart(6, "0")}`,
          kind: random() < 0.01 ? "organisation" : "person",
          displayName: `Member ${i}`,
          status: "active",
          roles: coordinator ? ["resident", "coordinator"] : ["resident"],
          coordinatorAreas: [],
          area: home ? areaOf(home) : pick(city.areas).id,
          languages: ["en"],
          verified: random() < 0.9,
          ...(home ? { home } : {}),
          createdAt: at,
          updatedAt: at,
        }),
      );
    }
    await inParallel(log, "members", people.length, async (i) => {
      const person = people[i];
      if (person) await members.create(person, undefined);
    });

    // Active members post more: a few heavy posters, a long tail.
    const seeded: Post[] = [];
    for (let i = 0; i < POSTS; i++) {
      const owner = people[Math.floor(MEMBERS * random() ** 2)] ?? people[0];
      if (owner) seeded.push(seededPost(owner, now));
    }
    const membersSeconds = (performance.now() - seedStarted) / 1000;
    const items = seeded.flatMap(postItemsForBulkLoad);
    const postItems = items.filter((item) => item.entity === "Post");
    const wordItems = items.filter((item) => item.entity !== "Post");
    const postsStarted = performance.now();
    await batchWrite(db, TABLE, postItems, "posts", log);
    const postsSeconds = (performance.now() - postsStarted) / 1000;
    const wordsStarted = performance.now();
    await batchWrite(db, TABLE, wordItems, "word entries", log);
    const wordsSeconds = (performance.now() - wordsStarted) / 1000;
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const seedCpuUsed = process.cpuUsage(seedCpu);
    // Wall time depends on what else shares the machine: keep the context next to the figure.
    const seedContext = {
      seedNodeCpuSeconds: round((seedCpuUsed.user + seedCpuUsed.system) / 1e6),
      seedLoadAverage1m: round(loadavg()[0] ?? Number.NaN),
      cpus: cpus().length,
    };
    const open = seeded.filter((p) => p.status === "open");

    const memberById = new Map(people.map((m) => [m.memberId, m]));
    const acting = (member: Member): Acting => ({ actor: member, subject: member });
    const searcher = () => {
      for (;;) {
        const member = pick(people);
        if (member.home && member.kind === "person") return member;
      }
    };
    const coordinator = people[0] as Member;
    const openOwned = () => pick(open);
    const figuresOut: Record<string, unknown> = {};

    const search = async (query: SearchQuery, as: Member) => {
      const result = await searchPosts(deps, acting(as), query);
      return {
        result,
        sample: {
          returned: result.items.length,
          rejected: result.stats.rejected,
          pageSize: query.limit ?? PAGE,

          full: result.items.length === (query.limit ?? PAGE) || !result.nextCursor,
        },
      };
    };
    const near = (member: Member) => `${member.home?.lat},${member.home?.lon}`;

    Object.assign(
      figuresOut,
      figures(
        "createPost",
        await measure(recorder, RUNS, async () => {
          // Only verified members post in sensitive categories: draw posters among them.
          let owner = searcher();
          while (!owner.verified) owner = searcher();
          await createPost(deps, acting(owner), randomInput(owner, clockNow));
          return {};
        }),
      ),
      figures(
        "getPost",
        await measure(recorder, RUNS, async () => {
          // A reader who may see it: a sensitive post is hidden from unverified members (404).
          const post = openOwned();
          let reader = acting(searcher());
          while (!maySeePost(reader, post)) reader = acting(searcher());
          await getPost(deps, reader, post.postId);
          return {};
        }),
      ),
    );

    // Edits need their owner (read outside the measurement, as the route's middleware does).
    const editable = open.slice(0, RUNS * 3);
    Object.assign(
      figuresOut,
      figures(
        "updatePostByOwner",
        await measure(recorder, RUNS, async (i) => {
          const post = editable[i] as Post;
          const owner = memberById.get(post.ownerId) as Member;
          clockNow += 1000;
          await updatePost(deps, acting(owner), post.postId, { title: `Edited ${i} bicycle help` });
          return {};
        }),
      ),
      figures(
        "updatePostByCoordinator",
        await measure(recorder, RUNS, async (i) => {
          const post = editable[RUNS + i] as Post;
          clockNow += 1000;
          await updatePost(deps, acting(coordinator), post.postId, {
            description: "Checked by a coordinator",
          });
          return {};
        }),
      ),
      figures(
        "pausePost",
        await measure(recorder, RUNS, async (i) => {
          const post = editable[2 * RUNS + i] as Post;
          const owner = memberById.get(post.ownerId) as Member;
          clockNow += 1000;
          await changePostStatus(deps, acting(owner), post.postId, "paused");
          return {};
        }),
      ),
    );

    const radii = [1, 2, 5];
    const categoryNearCursors: { query: SearchQuery; as: Member; cursor: string }[] = [];
    Object.assign(
      figuresOut,
      figures(
        "searchCategoryNear",
        await measure(recorder, RUNS, async () => {
          const as = searcher();
          const query: SearchQuery = { near: near(as), category: zipfCategory(), radiusKm: pick(radii) };
          const { result, sample } = await search(query, as);
          if (result.nextCursor) categoryNearCursors.push({ query, as, cursor: result.nextCursor });
          return sample;
        }),
      ),
      figures(
        "searchCategoryNearPage2",
        await measure(recorder, Math.min(RUNS, categoryNearCursors.length), async (i) => {
          const next = categoryNearCursors[i];
          if (!next) return {};
          return (await search({ ...next.query, cursor: next.cursor }, next.as)).sample;
        }),
      ),
      figures(
        "searchNearAnyCategory",
        await measure(recorder, RUNS, async () => {
          const as = searcher();
          return (await search({ near: near(as), radiusKm: pick(radii), kind: pick(postKinds) }, as)).sample;
        }),
      ),
      figures(
        "searchRecentByCategory",
        await measure(recorder, RUNS, async () => {
          return (await search({ category: zipfCategory() }, searcher())).sample;
        }),
      ),
      figures(
        "searchText",
        await measure(recorder, RUNS, async () => {
          const words = vocabulary[zipfCategory()] ?? generic;
          const q = random() < 0.7 ? pick(words) : `${pick(words)} ${pick(words)}`;
          return (await search({ q }, searcher())).sample;
        }),
      ),
      figures(
        "myPosts",
        await measure(recorder, RUNS, async () => {
          await listMyPosts(deps, acting(people[Math.floor(MEMBERS * random() ** 2)] ?? coordinator), {
            limit: PAGE,
          });
          return {};
        }),
      ),
    );

    // The expiry run: the posts that fell due in the last hour (the seed caught up to an hour ago).
    let due = 0;
    Object.assign(
      figuresOut,
      figures(
        "expiryRun",
        await measure(recorder, 1, async () => {
          const result = await runPostExpiry(deps);
          due = result.due;
          Object.assign(figuresOut, {
            "expiryRun.due": result.due,
            "expiryRun.reminded": result.reminded,
            "expiryRun.expired": result.expired,
          });
          return {};
        }),
      ),
    );
    const again = await measure(recorder, 1, async () => {
      const result = await runPostExpiry(deps);
      figuresOut["expiryRunAgain.due"] = result.due;
      return {};
    });
    figuresOut["expiryRunAgain.calls"] = again[0]?.calls;

    const searches = Object.keys(figuresOut).filter(
      (k) => k.startsWith("search") && k.endsWith(".withinReadBound"),
    );
    const withinBound = searches.every(
      (k) => figuresOut[k] === figuresOut[k.replace(".withinReadBound", ".runs")],
    );
    return {
      seed: SEED,
      scale: SCALE,
      members: MEMBERS,
      posts: POSTS,
      openPosts: open.length,
      itemsWritten: items.length,
      seedSeconds: round(seedSeconds),
      seedMembersSeconds: round(membersSeconds),
      seedPostsSeconds: round(postsSeconds),
      seedWordEntriesSeconds: round(wordsSeconds),
      ...seedContext,
      wordEntries: wordItems.length,
      pageSize: PAGE,
      runsPerUseCase: RUNS,
      expiryDue: due,
      searchReadsWithinBound: withinBound,
      ...figuresOut,
    };
  } finally {
    client.destroy();
    await store.stop();
  }
}
