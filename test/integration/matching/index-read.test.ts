import geohash from "ngeohash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IndexEntry, partitionOf } from "#domain/matching/index-entries.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";

let city: TestCity;
const coarse = "u151";
/** Every fine cell of one coarse cell, three entries each (two people, one with a post too). */
const cells = "0123456789bcdefghjkmnpqrstuvwxyz".split("").map((c) => `${coarse}${c}`);
const entries: IndexEntry[] = cells.flatMap((cell, i) => {
  const { latitude: lat, longitude: lon } = geohash.decode(cell);
  const base = {
    side: "gives" as const,
    category: "cooking",
    cell,
    location: { lat, lon },
    tags: [],
    availability: [],
    sensitive: false,
    createdAt: "2026-01-01T00:00:00.000Z",
  };
  return [
    { ...base, memberId: `a${i}`, source: "SKILL" },
    { ...base, memberId: `b${i}`, source: "SKILL" },
    { ...base, memberId: `b${i}`, source: `post${i}` },
  ];
});

beforeAll(async () => {
  city = await startTestCity();
  await city.runtime.deps.matchIndex.replace([], entries);
});
afterAll(async () => {
  await city?.stop();
});

const keyOf = (e: IndexEntry) => `${e.cell}|${e.memberId}|${e.source}`;

describe("reading the candidate index", () => {
  it("reads one fine cell as a key range of its coarse partition", async () => {
    const cell = cells[5] as string;
    const found = await city.runtime.deps.matchIndex.read("gives", "cooking", [{ cell }]);
    expect(partitionOf(cell)).toBe(coarse);
    expect(found.entries.map(keyOf).sort()).toEqual(
      entries
        .filter((e) => e.cell === cell)
        .map(keyOf)
        .sort(),
    );
  });

  it("reads a coarse cell less the cells already read, every other entry exactly once", async () => {
    // Skipped cells at the edges, next to each other and on the cuts the reads are split at.
    for (const except of [[], ["u1510"], ["u151z"], ["u1518", "u1519", "u151h"], cells.slice(3, 12), cells]) {
      const found = await city.runtime.deps.matchIndex.read("gives", "cooking", [{ coarse, except }]);
      const expected = entries
        .filter((e) => !except.includes(e.cell))
        .map(keyOf)
        .sort();
      expect(found.entries.map(keyOf).sort(), except.join()).toEqual(expected);
      expect(found.read).toBe(expected.length);
      // The partition is read in several ranges at once: no chain longer than one range's pages.
      expect(found.calls).toBeGreaterThan(1);
    }
  });

  it("finds nothing of another side or category", async () => {
    const found = await city.runtime.deps.matchIndex.read("asks", "cooking", [{ coarse, except: [] }]);
    expect(found.entries).toEqual([]);
  });
});
