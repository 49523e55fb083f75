import geohash from "ngeohash";
import { describe, expect, it } from "vitest";
import { distanceMetres } from "../../../../../shared/domain/geo.ts";
import { eligible, retrieveCandidates } from "../../../../../shared/domain/matching/find.ts";
import {
  COARSE_CELL,
  entriesForMember,
  FINE_CELL,
  type IndexEntry,
  NOWHERE,
  ONLINE,
  widening,
} from "../../../../../shared/domain/matching/index-entries.ts";
import type { MatchIndexRepository } from "../../../../../shared/domain/matching/ports.ts";
import { newMember } from "../../../../../shared/domain/member.ts";
import type { Post } from "../../../../../shared/domain/post.ts";
import { exampleCity } from "../../../../support/city.ts";

const city = exampleCity();
const centre = { lat: 50.8503, lon: 4.3517 };

function person(id: string, changes: Partial<Parameters<typeof newMember>[0]> = {}) {
  return newMember({
    memberId: id,
    kind: "person",
    displayName: id,
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "old-town",
    languages: ["en"],
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...changes,
  });
}

const request = {
  postId: "p1",
  ownerId: "owner",
  kind: "request",
  category: "gardening",
  tags: [],
  where: { type: "point", point: centre },
  location: centre,
  status: "open",
  sensitive: false,
  createdAt: "2026-01-01T00:00:00.000Z",
} as unknown as Post;

/** A fake index holding entries per cell, recording which rings were read. */
function fakeIndex(entries: IndexEntry[]): MatchIndexRepository & { rings: string[][] } {
  const rings: string[][] = [];
  return {
    rings,
    replace: async () => {},
    query: async (side, category, cells) => {
      rings.push([...cells]);
      const found = entries.filter(
        (e) => e.side === side && e.category === category && cells.includes(e.cell),
      );
      return { entries: found, read: found.length, calls: cells.length };
    },
  };
}

function helperAt(id: string, lat: number, lon: number) {
  return entriesForMember(
    person(id, { home: { lat, lon }, skills: { categories: ["gardening"], tags: [] } }),
    city,
  );
}

describe("the widening candidate search", () => {
  it("indexes a skilled member at a fine and a coarse cell, and one without a home as 'anywhere'", () => {
    const entries = helperAt("a", 50.85, 4.35);
    expect(entries.map((e) => e.cell.length)).toEqual([FINE_CELL, COARSE_CELL]);
    const homeless = entriesForMember(person("b", { skills: { categories: ["gardening"], tags: [] } }), city);
    expect(homeless.map((e) => e.cell)).toEqual([NOWHERE]);
  });

  it("stops at the first ring when it already holds enough people", async () => {
    const index = fakeIndex(Array.from({ length: 5 }, (_, i) => helperAt(`m${i}`, 50.8503, 4.3517)).flat());
    const { entries, stats } = await retrieveCandidates({ matchIndex: index, city }, request, 5);
    expect(entries.size).toBe(5);
    expect(stats.rings).toBe(1);
    expect(index.rings[0]).toEqual(expect.arrayContaining([ONLINE, NOWHERE]));
  });

  it("widens to neighbouring cells, then coarser cells, until enough are found", async () => {
    const rings = widening(centre, false, city);
    expect(rings).toHaveLength(3);
    expect(rings[1]).toHaveLength(8);
    // Someone within the radius but outside the fine cell and its neighbours.
    const near = new Set([...(rings[0] ?? []), ...(rings[1] ?? [])]);
    const spot = Array.from({ length: 40 }, (_, i) => ({
      lat: centre.lat,
      lon: centre.lon + 0.06 + i * 0.002,
    })).find((p) => !near.has(geohash.encode(p.lat, p.lon, FINE_CELL)) && distanceMetres(centre, p) < 9_900);
    if (!spot) throw new Error("no spot outside the first two rings within the radius");
    const far = helperAt("far", spot.lat, spot.lon);
    const index = fakeIndex(far);
    const { entries, stats } = await retrieveCandidates({ matchIndex: index, city }, request, 1);
    expect(stats.rings).toBe(3);
    expect([...entries.keys()]).toEqual(["far"]);
  });

  it("never reaches past the city's radius, and never matches the owner", async () => {
    const index = fakeIndex([...helperAt("owner", 50.8503, 4.3517), ...helperAt("toofar", 50.99, 4.2)]);
    const { entries } = await retrieveCandidates({ matchIndex: index, city }, request, 10);
    expect([...entries.keys()]).toEqual([]);
  });

  it("searches online posts across every coarse cell of the city", () => {
    const rings = widening(undefined, true, city);
    expect(rings[0]).toEqual([ONLINE, NOWHERE]);
    expect(rings[1]?.every((cell) => cell.length === COARSE_CELL)).toBe(true);
  });
});

describe("who may be matched", () => {
  const owner = person("owner", { verified: true });
  const entry = helperAt("c", 50.85, 4.35)[0] as IndexEntry;

  it("never the owner, suspended or blocked members", () => {
    expect(eligible(person("c"), owner, request, entry)).toBe(true);
    expect(eligible(owner, owner, request, entry)).toBe(false);
    expect(eligible(person("c", { status: "suspended" }), owner, request, entry)).toBe(false);
    expect(eligible(person("c", { blocked: ["owner"] }), owner, request, entry)).toBe(false);
    expect(eligible(person("c"), person("owner", { blocked: ["c"] }), request, entry)).toBe(false);
  });

  it("sensitive posts only with verified members, both ways", () => {
    const sensitive = { ...request, sensitive: true } as Post;
    expect(eligible(person("c", { verified: false }), owner, sensitive, entry)).toBe(false);
    expect(eligible(person("c", { verified: true }), owner, sensitive, entry)).toBe(true);
    // An unverified owner's sensitive post pairs nobody, however verified they are.
    expect(
      eligible(person("c", { verified: true }), person("owner", { verified: false }), sensitive, entry),
    ).toBe(false);
    expect(
      eligible(person("c"), person("owner", { verified: false }), request, { ...entry, sensitive: true }),
    ).toBe(false);
  });
});
