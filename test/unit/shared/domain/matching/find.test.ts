import geohash from "ngeohash";
import { describe, expect, it } from "vitest";
import { distanceMetres } from "#domain/kernel/geo.ts";
import {
  eligible,
  type FindDeps,
  findMatches,
  keepNearest,
  scoreBound,
  scoreCandidate,
} from "#domain/matching/find.ts";
import {
  type Area,
  COARSE_CELL,
  entriesForMember,
  FINE_CELL,
  type IndexEntry,
  NOWHERE,
  ONLINE,
  partitionOf,
  widening,
} from "#domain/matching/index-entries.ts";
import type { MatchIndexRepository, MemberSignals } from "#domain/matching/ports.ts";
import type { Member, NewMember } from "#domain/membership/member.ts";
import type { Post } from "#domain/posts/post.ts";
import type { City } from "#shared/config/city.ts";
import { aMember, aPost } from "../../../../support/builders.ts";
import { exampleCity } from "../../../../support/city.ts";
import { seededRandom } from "../../../../support/seed.ts";

const city = exampleCity();
const centre = { lat: 50.8503, lon: 4.3517 };

function person(id: string, changes: Partial<NewMember> = {}) {
  return aMember({ memberId: id, displayName: id, ...changes });
}

const request = aPost({
  postId: "p1",
  ownerId: "owner",
  kind: "request",
  category: "gardening",
  where: { type: "point", point: centre },
});

/** A fake index holding entries as the table does, recording the areas each ring read. */
function fakeIndex(entries: IndexEntry[]): MatchIndexRepository & { rings: Area[][] } {
  const rings: Area[][] = [];
  const inArea = (e: IndexEntry, area: Area) =>
    "cell" in area
      ? e.cell === area.cell
      : partitionOf(e.cell) === area.coarse && !area.except.includes(e.cell);
  return {
    rings,
    replace: async () => {},
    read: async (side, category, areas) => {
      rings.push([...areas]);
      const found = entries.filter(
        (e) => e.side === side && e.category === category && areas.some((a) => inArea(e, a)),
      );
      return { entries: found, read: found.length, calls: areas.length, depth: 1 };
    },
  };
}

/** Members and signals held in memory, counting the people read. */
function fakeDeps(people: Member[], signals: MemberSignals[], entries: IndexEntry[], of: City = city) {
  const byId = new Map(people.map((m) => [m.memberId, m]));
  const signalsById = new Map(signals.map((s) => [s.memberId, s]));
  const index = fakeIndex(entries);
  return {
    index,
    deps: {
      city: of,
      matchIndex: index,
      members: {
        getMany: async (ids: readonly string[]) =>
          new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id) as Member] as const] : []))),
      },
      signals: {
        getMany: async (ids: readonly string[]) =>
          new Map(
            ids.flatMap((id) =>
              signalsById.has(id) ? [[id, signalsById.get(id) as MemberSignals] as const] : [],
            ),
          ),
        apply: async () => {},
      },
    } as unknown as FindDeps,
  };
}

function helper(id: string, lat: number, lon: number, changes: Partial<NewMember> = {}) {
  return person(id, { home: { lat, lon }, skills: { categories: ["gardening"], tags: [] }, ...changes });
}
function helperAt(id: string, lat: number, lon: number) {
  return entriesForMember(helper(id, lat, lon), city);
}

/** A city that weighs only skill and distance, so scores are easy to reason about. */
const plainCity: City = {
  ...city,
  matching: {
    ...city.matching,
    weights: {
      skill: 0.5,
      distance: 0.5,
      availability: 0,
      language: 0,
      reciprocity: 0,
      trust: 0,
      responsiveness: 0,
      freshness: 0,
    },
  },
};
const owner = person("owner", { verified: true });
const now = new Date("2026-01-02T00:00:00.000Z");

describe("the widening candidate search", () => {
  it("indexes a skilled member once per skill, at a fine cell, and one without a home as 'anywhere'", () => {
    const entries = helperAt("a", 50.85, 4.35);
    expect(entries.map((e) => e.cell.length)).toEqual([FINE_CELL]);
    expect(partitionOf(entries[0]?.cell ?? "")).toHaveLength(COARSE_CELL);
    const homeless = entriesForMember(person("b", { skills: { categories: ["gardening"], tags: [] } }), city);
    expect(homeless.map((e) => e.cell)).toEqual([NOWHERE]);
  });

  it("stops at the first ring when nobody farther out could make the top", async () => {
    // The middle of the centre's fine cell: everything unread is at least half a cell away.
    const middle = geohash.decode(geohash.encode(centre.lat, centre.lon, FINE_CELL));
    const at = { lat: middle.latitude, lon: middle.longitude };
    const people = Array.from({ length: 5 }, (_, i) =>
      helper(`m${i}`, at.lat, at.lon, { skills: { categories: ["gardening"], tags: ["roses"] } }),
    );
    const tagged = { ...request, tags: ["roses"], location: at, where: { type: "point", point: at } } as Post;
    const { deps, index } = fakeDeps(
      people,
      [],
      people.flatMap((m) => entriesForMember(m, plainCity)),
      plainCity,
    );
    const { ranked, stats } = await findMatches(deps, tagged, owner, now, 5);
    expect(ranked).toHaveLength(5);
    expect(stats.rings).toBe(1);
    expect(index.rings[0]).toEqual(expect.arrayContaining([{ cell: ONLINE }, { cell: NOWHERE }]));
  });

  it("widens to neighbouring cells, then coarser cells, reading no cell twice", async () => {
    const rings = widening(centre, false, city);
    expect(rings).toHaveLength(3);
    expect(rings[1]?.areas).toHaveLength(8);
    const near = new Set(rings.slice(0, 2).flatMap((r) => r.areas.map((a) => ("cell" in a ? a.cell : ""))));
    // The coarse ring skips exactly the fine cells already read.
    const skipped = (rings[2]?.areas ?? []).flatMap((a) => ("except" in a ? a.except : []));
    expect(new Set(skipped)).toEqual(new Set([...near].filter((c) => c.length === FINE_CELL)));
    // Someone within the radius but outside the fine cell and its neighbours.
    const spot = Array.from({ length: 40 }, (_, i) => ({
      lat: centre.lat,
      lon: centre.lon + 0.06 + i * 0.002,
    })).find((p) => !near.has(geohash.encode(p.lat, p.lon, FINE_CELL)) && distanceMetres(centre, p) < 9_900);
    if (!spot) throw new Error("no spot outside the first two rings within the radius");
    const far = helper("far", spot.lat, spot.lon);
    const { deps } = fakeDeps([far], [], entriesForMember(far, city));
    const { ranked, stats } = await findMatches(deps, request, owner, now);
    expect(stats.rings).toBe(3);
    expect(ranked.map((r) => r.member.memberId)).toEqual(["far"]);
  });

  it("never reaches past the city's radius, and never matches the owner", async () => {
    const people = [helper("owner", 50.8503, 4.3517), helper("toofar", 50.99, 4.2)];
    const { deps } = fakeDeps(
      people,
      [],
      people.flatMap((m) => entriesForMember(m, city)),
    );
    const { ranked } = await findMatches(deps, request, owner, now);
    expect(ranked).toEqual([]);
  });

  it("reads nothing for a sensitive post of an unverified owner: nobody may pair with it", async () => {
    const helpers = [helper("c", centre.lat, centre.lon, { verified: true })];
    const { deps, index } = fakeDeps(
      helpers,
      [],
      helpers.flatMap((m) => entriesForMember(m, city)),
    );
    const sensitive = { ...request, sensitive: true } as Post;
    const { ranked, stats } = await findMatches(deps, sensitive, person("owner", { verified: false }), now);
    expect(ranked).toEqual([]);
    expect(index.rings).toEqual([]);
    expect(stats.calls).toBe(0);
  });

  it("searches online posts across every coarse cell of the city", () => {
    const rings = widening(undefined, true, city);
    expect(rings[0]?.areas).toEqual([{ cell: ONLINE }, { cell: NOWHERE }]);
    expect(rings[1]?.areas.every((a) => "coarse" in a && a.coarse.length === COARSE_CELL)).toBe(true);
  });

  it("finds exactly the top an exhaustive scoring picks, reading only some of the people", async () => {
    // A seeded city of helpers: tags, windows, languages, balances, partners and answers all vary.
    const random = seededRandom("exhaustive-top");
    const tags = ["roses", "hedge", "lawn", "compost", "herbs"];
    const pickSome = () => tags.filter(() => random() < 0.35);
    for (let trial = 0; trial < 12; trial++) {
      const people = Array.from({ length: 600 }, (_, i) =>
        helper(
          `h${trial}-${String(i).padStart(3, "0")}`,
          centre.lat + (random() - 0.5) * 0.2,
          centre.lon + (random() - 0.5) * 0.3,
          {
            skills: { categories: ["gardening"], tags: pickSome() },
            languages: random() < 0.5 ? ["en"] : ["fr"],
            availability:
              random() < 0.6 ? [{ day: Math.floor(random() * 7), from: "09:00", to: "12:00" }] : [],
            verified: random() < 0.9,
            ...(random() < 0.05 ? { status: "suspended" as const } : {}),
          },
        ),
      );
      const signals = people
        .filter(() => random() < 0.5)
        .map((m) => ({
          memberId: m.memberId,
          partners: random() < 0.2 ? { owner: 1 } : {},
          settled: Math.floor(random() * 4),
          cancelled: random() < 0.3 ? 1 : 0,
          told: 4,
          answered: Math.floor(random() * 5),
          balance: Math.round(-600 + random() * 1200),
          givenMinutes: Math.round(random() * 900),
        })) as MemberSignals[];
      // The owner exchanged with a few of them before.
      const ownerPartners = Object.fromEntries(
        people.filter(() => random() < 0.03).map((m) => [m.memberId, 1 + Math.floor(random() * 3)]),
      );
      signals.push({
        memberId: "owner",
        partners: ownerPartners,
        settled: 3,
        cancelled: 0,
        told: 0,
        answered: 0,
        balance: 0,
        givenMinutes: 0,
      });
      const post = aPost({
        ...request,
        tags: pickSome(),
        sensitive: trial % 4 === 0,
        availability: { type: "weekly", windows: [{ day: 2, from: "08:00", to: "13:00" }] },
      });
      const entries = people.flatMap((m) => entriesForMember(m, city));
      // Every other trial weighs only skill and distance: there, far people are ruled out unread.
      const weighed = trial % 2 === 1 ? plainCity : city;
      const { deps } = fakeDeps(people, signals, entries, weighed);
      const { ranked, stats } = await findMatches(deps, post, owner, now, 10);

      // Exhaustive: every person in the radius scored with the same function.
      const signalsOf = new Map(signals.map((s) => [s.memberId, s]));
      const everyone = new Map<string, IndexEntry>();
      for (const e of entries) keepNearest(post, owner, everyone, e, city.matching.maxRadiusKm * 1000);
      const truth = [...everyone]
        .flatMap(([id, entry]) => {
          const member = people.find((m) => m.memberId === id) as Member;
          if (!eligible(member, owner, post, entry)) return [];
          const signals = { owner: signalsOf.get("owner"), candidate: signalsOf.get(id) };
          return [{ id, score: scoreCandidate(weighed, post, owner, member, entry, signals, now).score }];
        })
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
      expect(ranked.slice(0, 10).map((r) => r.member.memberId)).toEqual(truth.slice(0, 10).map((t) => t.id));
      // The bound never falls below the exact score.
      for (const r of ranked) {
        expect(scoreBound(weighed, post, owner, ownerPartners, r.entry, 0, now)).toBeGreaterThanOrEqual(
          r.scored.score,
        );
      }
      expect(stats.loaded).toBeLessThanOrEqual(everyone.size);
      if (weighed === plainCity) expect(stats.loaded).toBeLessThan(everyone.size / 2);
    }
  });
});

describe("who may be matched", () => {
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

describe("match reasons", () => {
  const now = new Date("2026-01-02T00:00:00.000Z");
  const entry = helperAt("c", 50.851, 4.352)[0] as IndexEntry;
  const signals = { owner: undefined, candidate: undefined };
  const speaker = person("c", { languages: ["nl", "en"] });
  const dutchOwner = person("owner", { verified: true, languages: ["nl"] });

  it("use the city's category names and language names, as notices do", () => {
    const { why } = scoreCandidate(city, request, dutchOwner, speaker, entry, signals, now);
    expect(why).toContain("offers Gardening");
    expect(why).toContain("speaks Dutch");
    expect(why.join("; ")).not.toMatch(/\bgardening\b|\bnl\b/);
  });

  it("describe a candidate on an offer's list as asking, not offering", () => {
    const offer = { ...request, kind: "offer" } as Post;
    const { why } = scoreCandidate(city, offer, dutchOwner, speaker, entry, signals, now);
    expect(why).toContain("asks for Gardening");
    expect(why.join("; ")).not.toContain("offers");
  });
});
