import { expect, it } from "vitest";
import type { Deps } from "#domain/deps.ts";
import { addressesOf } from "#domain/matching/digest.ts";
import { entriesForMember, entriesForPost, type IndexEntry } from "#domain/matching/index-entries.ts";
import { runIndexLayout } from "#domain/matching/layout.ts";
import { aPost, storeMember } from "../../support/builders.ts";
import { useTestCity } from "../../support/city.ts";

/**
 * The city's digest shard count can change (a city grown so its digests near the item limit): the
 * layout pass moves every member's records to their new shards, and matching reads them all again.
 */
const city = useTestCity({
  // Thirty more members with skills and homes across the areas, a third of them with an open post.
  ready: async (c) => {
    const { deps } = c.runtime;
    const areas = deps.city.areas.map((a) => a.id);
    for (let i = 0; i < 30; i++) {
      const memberId = `layout-${String(i).padStart(2, "0")}`;
      await storeMember(c, {
        memberId,
        area: areas[i % areas.length] as string,
        skills: { categories: i % 2 ? ["gardening"] : ["cooking", "gardening"], tags: [] },
        home: { lat: 50.84 + (i % 5) * 0.004, lon: 4.34 + (i % 6) * 0.004 },
      });
      if (i % 3 === 0) {
        await deps.posts.create(
          aPost({ postId: `layout-post-${i}`, ownerId: memberId, category: "cooking" }),
        );
      }
    }
    await c.runtime.poller.drain();
  },
});

const withShards = (deps: Deps, shards: number): Deps => ({
  ...deps,
  city: { ...deps.city, matching: { ...deps.city.matching, digestShards: shards } },
});

const keyOf = (e: Pick<IndexEntry, "side" | "category" | "cell" | "memberId" | "source">) =>
  `${e.side}|${e.category}|${e.cell}|${e.memberId}|${e.source}`;

/** Every record the index should hold: each active member's skills and open posts. */
async function expectedEntries(deps: Deps): Promise<IndexEntry[]> {
  const entries: IndexEntry[] = [];
  for (const area of deps.city.areas) {
    const members = await deps.members.listByStatus("active", area.id, { limit: 100 });
    for (const member of members.items) {
      entries.push(...entriesForMember(member, deps.city));
      const cards = await deps.posts.listByOwner(member.memberId, { limit: 100 });
      for (const card of cards.items) {
        const post = await deps.posts.get(card.postId);
        if (post) entries.push(...entriesForPost(post));
      }
    }
  }
  return entries;
}

/** What a reader of `shards` shards finds of the expected records, and what lies past them. */
async function readBack(deps: Deps, expected: IndexEntry[], shards: number, beyond = 0) {
  const groups = new Map<string, { side: IndexEntry["side"]; category: string; cells: Set<string> }>();
  for (const e of expected) {
    const group = groups.get(`${e.side}|${e.category}`) ?? {
      side: e.side,
      category: e.category,
      cells: new Set(),
    };
    group.cells.add(e.cell);
    groups.set(`${e.side}|${e.category}`, group);
  }
  const found = new Set<string>();
  const past = new Set<string>();
  for (const { side, category, cells } of groups.values()) {
    const all = addressesOf(side, category, [...cells], Math.max(shards, beyond));
    const read = await deps.matchIndex.read(all.filter((a) => a.shard < shards));
    for (const r of read.records) found.add(keyOf(r.entry));
    const rest = all.filter((a) => a.shard >= shards);
    if (rest.length > 0) for (const r of (await deps.matchIndex.read(rest)).records) past.add(keyOf(r.entry));
  }
  return { found, past };
}

const run = (deps: Deps) =>
  runIndexLayout(deps, {
    job: "match-index-layout",
    remainingMs: () => Number.POSITIVE_INFINITY,
    reserveMs: 0,
  });

it("moves every record to the new shards when the count grows, then when it shrinks, and a done pass stays done", async () => {
  const base = city.runtime.deps;
  const expected = await expectedEntries(base);
  const wanted = new Set(expected.map(keyOf));
  // The demo city's index holds a fair number of records (the test would prove nothing otherwise).
  expect(wanted.size).toBeGreaterThan(50);
  const shards = base.city.matching.digestShards;
  expect((await readBack(base, expected, shards)).found).toEqual(wanted);

  // More shards: nothing is missed even before the pass (the old shards are still read) ...
  const more = withShards(base, shards + 3);
  expect((await readBack(more, expected, shards + 3)).found).toEqual(wanted);
  const grown = await run(more);
  expect(grown).toMatchObject({ done: true, alreadyDone: false });
  expect(grown.state.members).toBeGreaterThan(30);
  expect(grown.state.posts).toBeGreaterThanOrEqual(10);
  // ... and after it, every record sits in its member's new shard, some past the old count.
  const spread = await readBack(more, expected, shards + 3);
  expect(spread.found).toEqual(wanted);
  const oldReach = await readBack(more, expected, shards, shards + 3);
  expect(oldReach.past.size).toBeGreaterThan(0);

  // One shard: before the pass, a reader of one misses the records in the others ...
  const one = withShards(base, 1);
  const before = await readBack(one, expected, 1, shards + 3);
  expect(before.found.size).toBeLessThan(wanted.size);
  await run(one);
  // ... after it, it finds them all, and nothing is left in the shards no longer read.
  const after = await readBack(one, expected, 1, shards + 3);
  expect(after.found).toEqual(wanted);
  expect(after.past).toEqual(new Set());

  // The pass for a count, once done, does nothing more.
  const again = await run(one);
  expect(again).toMatchObject({ done: true, alreadyDone: true, steps: 0 });
});
