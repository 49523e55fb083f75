import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distanceMetres, type Point } from "#domain/kernel/geo.ts";
import { newMember } from "#domain/membership/member.ts";
import { buildPost } from "#domain/posts/post.ts";
import { MAX_ROUNDS } from "#domain/posts/search/engine.ts";
import { type SearchQuery, searchPosts } from "#domain/posts/search/search.ts";
import { demoSubject } from "../../../../infra/local/demo.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";

let city: TestCity;
let ids: Record<string, string>;

const P: Point = { lat: 50.85, lon: 4.35 };
const DAY = 24 * 60 * 60 * 1000;

/** A point `metres` from P on a bearing. */
function at(metres: number, bearingDegrees: number): Point {
  const b = (bearingDegrees * Math.PI) / 180;
  const lat = P.lat + (metres * Math.cos(b)) / 111_320;
  const lon = P.lon + (metres * Math.sin(b)) / (111_320 * Math.cos((P.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
}

interface Seeded {
  postId: string;
  kind: string;
  category: string;
  point: Point | undefined;
  title: string;
}
const seeded: Seeded[] = [];

interface Card {
  postId: string;
  kind: string;
  category: string;
  title: string;
  area: string;
  createdAt: string;
  distanceKm?: number;
  where: { type: string };
}
interface SearchPage {
  items: Card[];
  nextCursor?: string;
}

async function post(as: string, fields: Record<string, unknown>, point?: Point): Promise<string> {
  const body = {
    kind: "offer",
    category: "gardening",
    where: point ? { type: "point", point } : { type: "online" },
    estimatedMinutes: 60,
    ...fields,
  };
  const res = await city.call("POST", "/posts", { as, body });
  expect(res.status, res.text).toBe(201);
  const { postId } = res.body as { postId: string };
  // Home-based posts are placed at the centre of the home's coarse cell: ground truth uses that.
  const stored = await city.runtime.deps.posts.get(postId);
  if (!stored) throw new Error("the created post is missing");
  seeded.push({
    postId,
    kind: stored.kind,
    category: stored.category,
    point: stored.location,
    title: stored.title,
  });
  return postId;
}

async function search(
  query: string,
  as = "ben",
): Promise<{ status: number; body: SearchPage; text: string }> {
  const res = await city.call("GET", `/posts?${query}`, { as });
  return { status: res.status, body: res.body as SearchPage, text: res.text };
}

/** Every result of a search, following cursors; fails on a repeated post. */
async function all(query: string, as = "ben"): Promise<{ items: Card[]; pages: Card[][] }> {
  const items: Card[] = [];
  const pages: Card[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const res = await search(`${query}${cursor ? `&cursor=${cursor}` : ""}`, as);
    expect(res.status, res.text).toBe(200);
    pages.push(res.body.items);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  expect(cursor).toBeUndefined();
  const postIds = items.map((i) => i.postId);
  expect(new Set(postIds).size).toBe(postIds.length);
  return { items, pages };
}

/** The results this file posted (demo posts, if the city loads any, are checked by filter only). */
function ours(items: Card[]): Card[] {
  const made = new Set(seeded.map((s) => s.postId));
  return items.filter((i) => made.has(i.postId));
}

function within(metres: number, filter: (s: Seeded) => boolean = () => true): string[] {
  return seeded
    .filter((s) => s.point && distanceMetres(P, s.point) <= metres && filter(s))
    .map((s) => s.postId)
    .sort();
}

beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
  // Gardening offers on rings around P, cooking offers and requests mixed in, one far away.
  for (let i = 0; i < 24; i++) {
    const distance = 100 + i * 120;
    await post("chen", { title: `Garden help ${i}`, tags: ["weeding"] }, at(distance, i * 47));
  }
  for (let i = 0; i < 8; i++) {
    await post("chen", { title: `Soup lessons ${i}`, category: "cooking" }, at(200 + i * 300, i * 90 + 10));
    await post("ben", { title: `Need a gardener ${i}`, kind: "request" }, at(300 + i * 250, i * 33 + 5));
  }
  await post("chen", { title: "Far away garden", tags: ["weeding"] }, at(8000, 30));
  await post("chen", { title: "Crème brûlée class", category: "cooking", tags: ["Dessert"] }, at(400, 200));
  await post("chen", { title: "Tomato seedlings to share", tags: ["seeds"] }, at(600, 120));
  await post("chen", { title: "Video call tutoring", category: "languages" });
  await post(
    "chen",
    {
      title: "Saturday morning weeding",
      availability: { type: "weekly", windows: [{ day: 5, from: "09:00", to: "12:00" }] },
    },
    at(700, 300),
  );
  await post("amira", { title: "Childcare swap", category: "childcare" }, at(500, 90));
  await post("amira", { title: "Herbs from my balcony", where: { type: "my-place" } });
});
afterAll(async () => {
  await city?.stop();
});

describe("GET /posts near a place", () => {
  it("finds exactly the posts of a category within the radius, nearest first in each page", async () => {
    const { items, pages } = await all(`near=${P.lat},${P.lon}&category=gardening&radiusKm=1&kind=offer`);
    const expected = within(1000, (s) => s.category === "gardening" && s.kind === "offer");
    expect(
      ours(items)
        .map((i) => i.postId)
        .sort(),
    ).toEqual(expected);
    expect(items.every((i) => i.category === "gardening" && i.kind === "offer")).toBe(true);
    expect(expected.length).toBeGreaterThan(5);
    for (const page of pages) {
      const distances = page.map((i) => i.distanceKm ?? Number.NaN);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
      for (const d of distances) expect(d).toBeLessThanOrEqual(1);
    }
  });

  it("pages through a wide radius without repeats or misses, both kinds", async () => {
    const { items, pages } = await all(`near=${P.lat},${P.lon}&radiusKm=3&limit=4`);
    expect(
      ours(items)
        .map((i) => i.postId)
        .sort(),
    ).toEqual(within(3000));
    expect(items.every((i) => (i.distanceKm ?? 99) <= 3)).toBe(true);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(4);
    // Pages move outwards: the median distance of later pages is not smaller than of the first.
    const first = pages[0]?.map((i) => i.distanceKm ?? 0) ?? [];
    const last =
      pages
        .filter((p) => p.length > 0)
        .at(-1)
        ?.map((i) => i.distanceKm ?? 0) ?? [];
    expect(Math.max(...last)).toBeGreaterThanOrEqual(Math.max(...first));
  });

  it("uses the searcher's home with near=home, and measures home posts from their cell", async () => {
    const res = await search("near=home&radiusKm=2&sort=distance", "amira");
    expect(res.status, res.text).toBe(200);
    const herbs = (await all("near=home&radiusKm=2", "amira")).items.find(
      (i) => i.title === "Herbs from my balcony",
    );
    expect(herbs?.where).toMatchObject({ type: "my-place", cell: expect.any(String) });
    expect(herbs?.distanceKm).toBeLessThan(1);
  });

  it("sorts by recency near a place when asked", async () => {
    const { items } = await all(`near=${P.lat},${P.lon}&radiusKm=1.5&sort=recent&category=gardening`);
    const created = items.map((i) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(
      ours(items)
        .map((i) => i.postId)
        .sort(),
    ).toEqual(within(1500, (s) => s.category === "gardening"));
  });
});

describe("GET /posts city-wide", () => {
  it("lists a category newest first, a page at a time", async () => {
    const { items } = await all("category=cooking&limit=3");
    const expected = seeded.filter((s) => s.category === "cooking").map((s) => s.postId);
    expect(ours(items).map((i) => i.postId)).toEqual([...expected].reverse());
    expect(items.every((i) => i.category === "cooking")).toBe(true);
    const created = items.map((i) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });

  it("finds words in titles and tags, ignoring case and accents, all words required", async () => {
    const titles = async (query: string) => ours((await all(query)).items).map((i) => i.title);
    expect(await titles("q=creme%20BRULEE")).toEqual(["Crème brûlée class"]);
    expect(await titles("q=dessert")).toEqual(["Crème brûlée class"]);
    expect(await titles("q=tomato%20seeds")).toEqual(["Tomato seedlings to share"]);
    expect((await all("q=tomato%20potato")).items).toEqual([]);
    expect(await titles("q=weeding&limit=5")).toHaveLength(26);
  });

  it("filters by kind, area, online and weekly availability", async () => {
    const requests = (await all("kind=request")).items;
    expect(ours(requests)).toHaveLength(8);
    expect(requests.every((i) => i.kind === "request")).toBe(true);
    const canal = (await all("area=canal-side")).items;
    expect(ours(canal)).toHaveLength(8);
    expect(canal.every((i) => i.area === "canal-side")).toBe(true);
    const online = (await all("where=online")).items;
    expect(ours(online).map((i) => i.title)).toEqual(["Video call tutoring"]);
    expect(online.every((i) => i.where.type === "online")).toBe(true);
    const saturday = (await all("day=5&at=10:30&category=gardening")).items.map((i) => i.title);
    // The Saturday post matches; posts without availability match any day.
    expect(saturday).toContain("Saturday morning weeding");
    const sunday = (await all("day=6&category=gardening")).items.map((i) => i.title);
    expect(sunday).not.toContain("Saturday morning weeding");
    expect((await all("day=5&at=13:00&q=saturday")).items).toEqual([]);
  });

  it("drops paused, closed and expired posts from every index, and brings reopened ones back", async () => {
    const postId = await post("chen", { title: "Rhubarb crowns", tags: ["rhubarb"] }, at(150, 10));
    const found = async () => {
      const [words, near, recent] = await Promise.all([
        all("q=rhubarb"),
        all(`near=${P.lat},${P.lon}&radiusKm=0.5`),
        all("category=gardening"),
      ]);
      return [words, near, recent].map((r) => r.items.some((i) => i.postId === postId));
    };
    expect(await found()).toEqual([true, true, true]);
    await city.call("POST", `/posts/${postId}/status`, { as: "chen", body: { status: "paused" } });
    expect(await found()).toEqual([false, false, false]);
    await city.call("POST", `/posts/${postId}/status`, { as: "chen", body: { status: "open" } });
    expect(await found()).toEqual([true, true, true]);
    await city.call("POST", `/posts/${postId}/status`, { as: "chen", body: { status: "fulfilled" } });
    expect(await found()).toEqual([false, false, false]);

    // An open post past its expiry that the schedule has not reached yet is not shown either.
    const past = new Date(Date.now() - 40 * DAY);
    const chen = await city.runtime.deps.members.get(ids.chen ?? "");
    if (!chen) throw new Error("chen missing");
    const stale = buildPost(
      {
        kind: "offer",
        title: "Stale rhubarb",
        category: "gardening",
        where: { type: "point", point: at(100, 0) },
        estimatedMinutes: 30,
      },
      { postId: "01STALEPOST000000000000000", owner: chen, actorId: chen.memberId },
      { city: city.runtime.deps.city, now: past, ownerHome: undefined },
    );
    await city.runtime.deps.posts.create(stale);
    expect((await all("q=rhubarb")).items).toEqual([]);
  });
});

describe("sensitive posts in search", () => {
  it("shows them to verified members and leaves them out, silently, for others", async () => {
    const now = new Date().toISOString();
    await city.runtime.deps.members.create(
      newMember({
        memberId: "unverified-uma",
        kind: "person",
        displayName: "Uma",
        status: "active",
        roles: ["resident"],
        coordinatorAreas: [],
        area: "north-park",
        languages: ["en"],
        verified: false,
        createdAt: now,
        updatedAt: now,
      }),
      demoSubject("uma"),
    );
    const near = `near=${P.lat},${P.lon}&radiusKm=1`;
    const titles = async (query: string, as: string) => (await all(query, as)).items.map((i) => i.title);
    expect(await titles(near, "ben")).toContain("Childcare swap");
    expect(await titles(near, "uma")).not.toContain("Childcare swap");
    expect(await titles("category=childcare", "ben")).toContain("Childcare swap");
    expect(await titles("category=childcare", "uma")).toEqual([]);
    expect(await titles("q=childcare", "uma")).toEqual([]);
  });
});

describe("GET /posts bad input", () => {
  it.each([
    ["near=home", "dora", "query.near"],
    ["near=51.9,4.35", "ben", "query.near"],
    ["near=50.85", "ben", "query.near"],
    [`near=${P.lat},${P.lon}&radiusKm=50`, "ben", "query.radiusKm"],
    [`near=${P.lat},${P.lon}&radiusKm=0.05`, "ben", "query.radiusKm"],
    [`near=${P.lat},${P.lon}&radiusKm=far`, "ben", "query.radiusKm"],
    ["radiusKm=2", "ben", "query.radiusKm"],
    ["sort=distance", "ben", "query.sort"],
    ["category=astrology", "ben", "query.category"],
    ["area=atlantis", "ben", "query.area"],
    ["kind=gift", "ben", "query.kind"],
    ["day=7", "ben", "query.day"],
    ["at=25:00", "ben", "query.at"],
    ["limit=0", "ben", "query.limit"],
    ["limit=51", "ben", "query.limit"],
    ["q=a", "ben", "query.q"],
    [`where=online&near=${P.lat},${P.lon}`, "ben", "query.near"],
    ["cursor=not-a-cursor", "ben", "query.cursor"],
    ["colour=red", "ben", "query"],
  ])("GET /posts?%s as %s -> 400 naming %s", async (query, as, path) => {
    const res = await search(query, as);
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const paths = (res.body as unknown as { error: { details: { path: string }[] } }).error.details.map(
      (d) => d.path,
    );
    expect(paths).toContain(path);
  });

  it("refuses a cursor from another search", async () => {
    const first = await search("category=gardening&limit=2");
    const cursor = first.body.nextCursor;
    expect(cursor).toBeDefined();
    const res = await search(`category=cooking&limit=2&cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain("query.cursor");
  });
});

describe("search pages and their cost", () => {
  it("GET /posts?category=gardening&near=…&radiusKm=3&limit=20 answers a full first page", async () => {
    const expectedCount = within(3000, (s) => s.category === "gardening").length;
    expect(expectedCount).toBeGreaterThan(20);
    const first = await search(`category=gardening&near=${P.lat},${P.lon}&radiusKm=3&limit=20`);
    expect(first.status, first.text).toBe(200);
    expect(first.body.items).toHaveLength(20);
    expect(first.body.nextCursor).toBeDefined();
  });

  const queries: SearchQuery[] = [
    { near: `${P.lat},${P.lon}`, category: "gardening", radiusKm: 3, limit: 5 },
    { near: `${P.lat},${P.lon}`, category: "gardening", radiusKm: 1 },
    { near: `${P.lat},${P.lon}`, radiusKm: 3, limit: 5 },
    { near: `${P.lat},${P.lon}`, radiusKm: 2, kind: "request", limit: 3 },
    { category: "cooking", limit: 2 },
    { q: "garden weeding", limit: 3 },
    { q: "nothing-matches-this" },
    { area: "canal-side", limit: 3 },
    { day: 5, at: "10:00", limit: 2 },
    { near: `${P.lat},${P.lon}`, radiusKm: 1, sort: "recent", limit: 4 },
  ];

  it("fill every page but the last, reading at most twice what they return or refuse, plus a page", async () => {
    const ben = await city.runtime.deps.members.get(ids.ben ?? "");
    if (!ben) throw new Error("ben missing");
    for (const query of queries) {
      let cursor: string | undefined;
      const pageSize = query.limit ?? 20;
      do {
        const result = await searchPosts(
          city.runtime.deps,
          { actor: ben, subject: ben },
          { ...query, cursor },
        );
        cursor = result.nextCursor;
        // A page holds `limit` results whenever that many are left.
        if (cursor) expect(result.items.length, JSON.stringify(query)).toBe(pageSize);
        expect(result.stats.itemsRead, JSON.stringify(query)).toBeLessThanOrEqual(
          2 * (result.items.length + result.stats.rejected) + pageSize,
        );
        expect(result.stats.rounds).toBeLessThanOrEqual(MAX_ROUNDS);
      } while (cursor);
    }
  });
});
