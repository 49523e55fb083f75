import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { DynamoDBClient, UpdateTableCommand } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ulid } from "ulid";
import { ensureTable } from "../infra/local/bootstrap.ts";
import { repoRoot } from "../infra/local/paths.ts";
import { startStore } from "../infra/local/store.ts";
import { parseCityJson } from "../shared/config/city.ts";
import { DynamoInboxRepository } from "../shared/data/inbox-repository.ts";
import { DynamoMemberRepository } from "../shared/data/member-repository.ts";
import { DynamoPostRepository, postItemsForBulkLoad } from "../shared/data/post-repository.ts";
import type { Acting } from "../shared/domain/acting.ts";
import type { Point } from "../shared/domain/geo.ts";
import { type Member, newMember } from "../shared/domain/member.ts";
import type { Deps } from "../shared/domain/ports.ts";
import { buildPost, type NewPost, type Post, postKinds } from "../shared/domain/post.ts";
import { runPostExpiry } from "../shared/domain/post-expiry.ts";
import {
  changePostStatus,
  createPost,
  getPost,
  listMyPosts,
  updatePost,
} from "../shared/domain/post-lifecycle.ts";
import { type SearchQuery, searchPosts } from "../shared/domain/search.ts";

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

/** mulberry32: small, fast and seedable, so every run builds the same city. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = prng(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const city = parseCityJson(
  readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"),
  "cities/example.json",
);
const { bounds, centre } = city.map;

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
const zipfTotal = popularity.reduce((sum, _c, i) => sum + 1 / (i + 1), 0);
function zipfCategory(): string {
  let r = random() * zipfTotal;
  for (let i = 0; i < popularity.length; i++) {
    r -= 1 / (i + 1);
    if (r <= 0) return popularity[i] as string;
  }
  return popularity[0];
}

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

/** Homes cluster: most near the centre, the rest around a few neighbourhood centres. */
const neighbourhoods: Point[] = Array.from({ length: 6 }, () => ({
  lat: bounds.south + 0.15 * (bounds.north - bounds.south) + random() * 0.7 * (bounds.north - bounds.south),
  lon: bounds.west + 0.15 * (bounds.east - bounds.west) + random() * 0.7 * (bounds.east - bounds.west),
}));
function offsetMetres(from: Point, sigmaMetres: number): Point {
  for (;;) {
    const lat = from.lat + (gaussian() * sigmaMetres) / 111_320;
    const lon = from.lon + (gaussian() * sigmaMetres) / (111_320 * Math.cos((from.lat * Math.PI) / 180));
    if (lat > bounds.south && lat < bounds.north && lon > bounds.west && lon < bounds.east) {
      return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
    }
  }
}
function homePoint(): Point {
  return random() < 0.7 ? offsetMetres(centre, 2500) : offsetMetres(pick(neighbourhoods), 1000);
}
function areaOf(point: Point): string {
  const north = point.lat >= centre.lat;
  const east = point.lon >= centre.lon;
  if (Math.abs(point.lat - centre.lat) < 0.012 && Math.abs(point.lon - centre.lon) < 0.02) return "old-town";
  return north ? "north-park" : east ? "hillcrest" : "canal-side";
}

// -- the instrumented client ------------------------------------------------------------------

interface Call {
  command: string;
  depth: number;
  capacity: number;
  itemsRead: number;
}
const READ_COMMANDS = new Set([
  "QueryCommand",
  "GetItemCommand",
  "BatchGetItemCommand",
  "TransactGetItemsCommand",
]);
const DATA_COMMANDS = new Set([
  ...READ_COMMANDS,
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "TransactWriteItemsCommand",
  "BatchWriteItemCommand",
]);

class Recorder {
  calls: Call[] = [];
  private finishedDepths: number[] = [];
  on = false;
  reset(): void {
    this.calls = [];
    this.finishedDepths = [];
  }
  /** A call's depth: one more than the deepest call that had finished when it started. */
  start(): number {
    return 1 + Math.max(0, ...this.finishedDepths);
  }
  finish(call: Call): void {
    this.finishedDepths.push(call.depth);
    this.calls.push(call);
  }
}

function capacityOf(output: unknown): number {
  const consumed = (output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0), 0);
}

function itemsReadOf(command: string, output: unknown): number {
  const o = output as { ScannedCount?: number; Item?: unknown; Responses?: unknown };
  if (command === "QueryCommand") return o.ScannedCount ?? 0;
  if (command === "GetItemCommand") return o.Item ? 1 : 0;
  return 0;
}

function instrumentedClient(endpoint: string, recorder: Recorder) {
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? "unknown";
      if (!recorder.on || !DATA_COMMANDS.has(command)) return next(args);
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = "INDEXES";
      const depth = recorder.start();
      const result = await next(args);
      recorder.finish({
        command,
        depth,
        capacity: capacityOf(result.output),
        itemsRead: itemsReadOf(command, result.output),
      });
      return result;
    },
    { step: "initialize", name: "benchRecorder" },
  );
  return {
    client,
    db: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
  };
}

// -- seeding -----------------------------------------------------------------------------------

async function batchWrite(db: DynamoDBDocumentClient, items: Record<string, unknown>[], label: string) {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  let done = 0;
  let reported = 0;
  const worker = async () => {
    for (let index = next++; index < chunks.length; index = next++) {
      let pending = (chunks[index] ?? []).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
        const left = result.UnprocessedItems?.[TABLE] ?? [];
        pending = left.flatMap((r) =>
          r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
        );
      }
      done += 1;
      if (done / chunks.length >= reported + 0.1) {
        reported = Math.floor((done / chunks.length) * 10) / 10;
        console.error(`[bench] posts: ${label} ${Math.round(reported * 100)}%`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

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

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
const round2 = (n: number) => Math.round(n * 100) / 100;

interface Sample {
  calls: number;
  depth: number;
  capacity: number;
  itemsRead: number;
  returned?: number;
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
      capacity: recorder.calls.reduce((sum, c) => sum + c.capacity, 0),
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
    [`${name}.capacityUnitsMedian`]: round2(quantile(of("capacity"), 0.5)),
    [`${name}.capacityUnitsP95`]: round2(quantile(of("capacity"), 0.95)),
  };
  if (samples.some((s) => s.returned !== undefined)) {
    const bound = samples.map((s) => s.itemsRead <= 2 * (s.returned ?? 0) + (s.pageSize ?? PAGE));
    Object.assign(out, {
      [`${name}.itemsReadMedian`]: quantile(of("itemsRead"), 0.5),
      [`${name}.itemsReadP95`]: quantile(of("itemsRead"), 0.95),
      [`${name}.itemsReadMax`]: Math.max(...of("itemsRead")),
      [`${name}.returnedMedian`]: quantile(of("returned"), 0.5),
      [`${name}.returnedP95`]: quantile(of("returned"), 0.95),
      [`${name}.readPerReturnedMedian`]: round2(
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
  const { client, db } = instrumentedClient(store.endpoint, recorder);
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
    let made = 0;
    const memberWorker = async () => {
      for (let i = made++; i < people.length; i = made++) {
        const person = people[i];
        if (person) await members.create(person, undefined);
        if ((i + 1) % (MEMBERS / 10) === 0)
          console.error(`[bench] posts: members ${((i + 1) / MEMBERS) * 100}%`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, memberWorker));

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
    await batchWrite(db, postItems, "posts");
    const postsSeconds = (performance.now() - postsStarted) / 1000;
    const wordsStarted = performance.now();
    await batchWrite(db, wordItems, "word entries");
    const wordsSeconds = (performance.now() - wordsStarted) / 1000;
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const seedCpuUsed = process.cpuUsage(seedCpu);
    // Wall time depends on what else shares the machine: keep the context next to the figure.
    const seedContext = {
      seedNodeCpuSeconds: round2((seedCpuUsed.user + seedCpuUsed.system) / 1e6),
      seedLoadAverage1m: round2(loadavg()[0] ?? Number.NaN),
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
          const owner = searcher();
          await createPost(deps, acting(owner), randomInput(owner, clockNow));
          return {};
        }),
      ),
      figures(
        "getPost",
        await measure(recorder, RUNS, async () => {
          await getPost(deps, acting(searcher()), openOwned().postId);
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
      seedSeconds: round2(seedSeconds),
      seedMembersSeconds: round2(membersSeconds),
      seedPostsSeconds: round2(postsSeconds),
      seedWordEntriesSeconds: round2(wordsSeconds),
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
