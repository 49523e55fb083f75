import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SearchSource, SourceRead } from "#domain/posts/ports.ts";
import type { PostCard } from "#domain/posts/post.ts";
import {
  type EngineMode,
  type EnginePosition,
  MAX_READ_PER_PAGE,
  MAX_ROUNDS,
  runSearchEngine,
} from "#domain/posts/search/engine.ts";

function card(postId: string): PostCard {
  return {
    postId,
    ownerId: "o",
    kind: "offer",
    title: postId,
    category: "c",
    tags: [],
    where: { type: "online" },
    estimatedMinutes: 30,
    capacity: 1,
    expiresAt: "2099-01-01T00:00:00.000Z",
    sensitive: false,
    status: "open",
    area: "a",
    words: [],
    createdAt: "2030-01-01T00:00:00.000Z",
  };
}

interface Fixture {
  mode: EngineMode;
  sources: SearchSource[];
  items: Map<SearchSource, { card: PostCard; position: string }[]>;
}

/**
 * Sources as an index would hold them. concat: each source ascending by its own positions.
 * merge: each source descending, positions unique across sources (a shared sort key).
 */
function fixture(mode: EngineMode, sizes: number[]): Fixture {
  const sources: SearchSource[] = sizes.map((_, i) =>
    mode === "concat"
      ? { index: "place", kind: "offer", partition: `p${i}` }
      : { index: "recent", kind: "offer", category: `c${i}` },
  );
  const items = new Map<SearchSource, { card: PostCard; position: string }[]>();
  let n = 0;
  sizes.forEach((size, i) => {
    const list = Array.from({ length: size }, () => {
      n += 1;
      // Merge positions interleave across sources; concat positions only need order within one.
      const position =
        mode === "merge" ? String((n * 7919) % 100_003).padStart(6, "0") : String(n).padStart(6, "0");
      return { card: card(`s${i}-${position}`), position };
    });
    list.sort((a, b) =>
      mode === "merge" ? b.position.localeCompare(a.position) : a.position.localeCompare(b.position),
    );
    items.set(sources[i] as SearchSource, list);
  });
  return { mode, sources, items };
}

function reader(f: Fixture, log: { reads: number }) {
  return async (source: SearchSource, limit: number, after?: string): Promise<SourceRead> => {
    // DynamoDB refuses anything but a positive whole Limit.
    expect(Number.isInteger(limit) && limit >= 1, `limit ${limit}`).toBe(true);
    const list = f.items.get(source) ?? [];
    const rest =
      after === undefined
        ? list
        : list.filter((i) => (f.mode === "merge" ? i.position < after : i.position > after));
    const page = rest.slice(0, limit);
    log.reads += page.length;
    return { items: page, read: page.length, exhausted: rest.length <= limit };
  };
}

/** What the search should return over all pages: sources in order (concat) or merged newest first. */
function expected(f: Fixture, accept: (c: PostCard) => boolean): string[] {
  const all = f.sources.flatMap((s) => f.items.get(s) ?? []);
  if (f.mode === "merge") all.sort((a, b) => b.position.localeCompare(a.position));
  return all.filter((i) => accept(i.card)).map((i) => i.card.postId);
}

async function everyPage(f: Fixture, pageSize: number, accept: (c: PostCard) => boolean) {
  const log = { reads: 0 };
  const out: string[] = [];
  let start: EnginePosition | undefined = { rank: 0 };
  let pages = 0;
  const total = [...f.items.values()].reduce((n, l) => n + l.length, 0);
  while (start) {
    pages += 1;
    const result = await runSearchEngine({
      mode: f.mode,
      sources: f.sources,
      start,
      pageSize,
      accept,
      read: reader(f, log),
    });
    expect(result.items.length).toBeLessThanOrEqual(pageSize);
    // A page is full whenever that many accepted items are left (these fixtures stay far below
    // the read ceiling), so only the last page may be short.
    if (result.next) expect(result.items.length).toBe(pageSize);
    // At most twice what the page went through (returned or refused), plus a page (or one item
    // per source of a merge).
    expect(result.itemsRead).toBeLessThanOrEqual(
      2 * (result.items.length + result.rejected) +
        (f.mode === "merge" ? Math.max(pageSize, f.sources.length) : pageSize),
    );
    expect(result.rounds).toBeLessThanOrEqual(MAX_ROUNDS);
    out.push(...result.items.map((i) => i.card.postId));
    start = result.next;
    // Every page consumes at least one item or source, so paging always ends.
    expect(pages).toBeLessThanOrEqual(total + f.sources.length + 1);
  }
  return { out, pages, reads: log.reads };
}

const sizes = fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 40 });

describe("the search engine", () => {
  for (const mode of ["concat", "merge"] as const) {
    it(`${mode}: pages return every accepted item once, in order, within the read bound`, async () => {
      await fc.assert(
        fc.asyncProperty(
          sizes,
          fc.integer({ min: 1, max: 25 }),
          fc.integer({ min: 0, max: 4 }),
          async (sourceSizes, pageSize, rejectEvery) => {
            const f = fixture(mode, mode === "merge" ? sourceSizes.slice(0, 3) : sourceSizes);
            // Reject every n-th item (0: accept all) to play the filters the keys cannot apply.
            const accept = (c: PostCard) =>
              rejectEvery === 0 || Number(c.postId.slice(-6)) % (rejectEvery + 1) !== 0;
            const { out } = await everyPage(f, pageSize, accept);
            expect(out).toEqual(expected(f, accept));
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it("fills a page from one dense source in a single round", async () => {
    const f = fixture("concat", [100, 100, 100]);
    const result = await runSearchEngine({
      mode: "concat",
      sources: f.sources,
      start: { rank: 0 },
      pageSize: 20,
      accept: () => true,
      read: reader(f, { reads: 0 }),
    });
    expect(result.items).toHaveLength(20);
    expect(result.itemsRead).toBeLessThanOrEqual(40);
    expect(result.next).toEqual({ rank: 0, after: "000020" });
  });

  it("covers many empty sources in one page where posts are sparse", async () => {
    const sizes = Array.from({ length: 60 }, (_, i) => (i === 45 ? 1 : 0));
    const f = fixture("concat", sizes);
    const { out, pages } = await everyPage(f, 20, () => true);
    expect(out).toHaveLength(1);
    expect(pages).toBe(1);
  });

  it("fills a page from many sparse sources (a category near a place)", async () => {
    // A hundred cells, one post in every fourth: 25 posts, a page of 20.
    const sizes = Array.from({ length: 100 }, (_, i) => (i % 4 === 3 ? 1 : 0));
    const f = fixture("concat", sizes);
    const { out, pages } = await everyPage(f, 20, () => true);
    expect(out).toHaveLength(25);
    expect(pages).toBe(2);
  });

  it("reads on past items the filters refuse until the page is full or the sources end", async () => {
    const f = fixture("merge", [200, 200]);
    const everyTenth = (c: PostCard) => Number(c.postId.slice(-6)) % 10 === 0;
    const first = await runSearchEngine({
      mode: "merge",
      sources: f.sources,
      start: { rank: 0 },
      pageSize: 10,
      accept: everyTenth,
      read: reader(f, { reads: 0 }),
    });
    expect(first.items).toHaveLength(10);
    const none = await runSearchEngine({
      mode: "merge",
      sources: f.sources,
      start: { rank: 0 },
      pageSize: 10,
      accept: () => false,
      read: reader(f, { reads: 0 }),
    });
    expect(none.items).toEqual([]);
    expect(none.itemsRead).toBe(400);
    expect(none.next).toBeUndefined();
  });

  it("stops at the read ceiling with a cursor when the filters refuse nearly everything", async () => {
    const f = fixture("concat", [3000, 3000]);
    const result = await runSearchEngine({
      mode: "concat",
      sources: f.sources,
      start: { rank: 0 },
      pageSize: 20,
      accept: () => false,
      read: reader(f, { reads: 0 }),
    });
    expect(result.items).toEqual([]);
    expect(result.itemsRead).toBeLessThanOrEqual(MAX_READ_PER_PAGE);
    expect(result.rounds).toBeLessThanOrEqual(MAX_ROUNDS);
    expect(result.next).toBeDefined();
  });
});
