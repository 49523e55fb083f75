import geohash from "ngeohash";
import { describe, expect, it } from "vitest";
import type { City } from "../../../../../shared/config/city.ts";
import { distanceMetres } from "../../../../../shared/domain/kernel/geo.ts";
import {
  type DigestAddress,
  type DigestProfile,
  freshProfile,
  searchCells,
  shardOf,
} from "../../../../../shared/domain/matching/digest.ts";
import {
  digestBound,
  eligible,
  type FindDeps,
  findMatches,
  keepNearest,
  scoreCandidate,
} from "../../../../../shared/domain/matching/find.ts";
import {
  entriesForMember,
  FINE_CELL,
  type IndexEntry,
  NOWHERE,
  ONLINE,
} from "../../../../../shared/domain/matching/index-entries.ts";
import type { MatchIndexRepository, MemberSignals } from "../../../../../shared/domain/matching/ports.ts";
import type { Member, NewMember } from "../../../../../shared/domain/membership/member.ts";
import type { Post } from "../../../../../shared/domain/posts/post.ts";
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

/**
 * A fake digest index holding entries with their members' profiles as the table does (shard by
 * member id), recording the addresses each read asked for.
 */
function fakeIndex(
  entries: IndexEntry[],
  profileOf: (memberId: string) => DigestProfile,
  of: City = city,
): MatchIndexRepository & { reads: DigestAddress[][] } {
  const reads: DigestAddress[][] = [];
  const shards = of.matching.digestShards;
  return {
    reads,
    replace: async () => {},
    reprofile: async () => {},
    read: async (addresses) => {
      reads.push([...addresses]);
      const wanted = new Set(addresses.map((a) => `${a.side}|${a.category}|${a.cell}|${a.shard}`));
      const found = entries.filter((e) =>
        wanted.has(`${e.side}|${e.category}|${e.cell}|${shardOf(e.memberId, shards)}`),
      );
      return {
        records: found.map((entry) => ({ entry, profile: profileOf(entry.memberId) })),
        items: new Set(found.map((e) => `${e.cell}|${shardOf(e.memberId, shards)}`)).size,
        bytes: 0,
        calls: Math.ceil(addresses.length / 100),
        depth: 1,
      };
    },
  };
}

/**
 * Members and signals held in memory. Digest profiles come from `digestMembers`/`digestSignals`
 * (what the index consumer last saw) when given, else from the members and signals as they are.
 */
function fakeDeps(
  people: Member[],
  signals: MemberSignals[],
  entries: IndexEntry[],
  of: City = city,
  digested: { members?: Member[]; signals?: MemberSignals[] } = {},
) {
  const byId = new Map(people.map((m) => [m.memberId, m]));
  const signalsById = new Map(signals.map((s) => [s.memberId, s]));
  const digestMembers = new Map((digested.members ?? people).map((m) => [m.memberId, m]));
  const digestSignals = new Map((digested.signals ?? signals).map((s) => [s.memberId, s]));
  const index = fakeIndex(entries, (id) => freshProfile(digestMembers.get(id), digestSignals.get(id)), of);
  const loads: string[][] = [];
  return {
    index,
    loads,
    deps: {
      city: of,
      matchIndex: index,
      members: {
        getMany: async (ids: readonly string[]) => {
          loads.push([...ids]);
          return new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id) as Member] as const] : [])));
        },
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

describe("the digest candidate search", () => {
  it("indexes a skilled member once per skill, at a fine cell, and one without a home as 'anywhere'", () => {
    const entries = helperAt("a", 50.85, 4.35);
    expect(entries.map((e) => e.cell.length)).toEqual([FINE_CELL]);
    const homeless = entriesForMember(person("b", { skills: { categories: ["gardening"], tags: [] } }), city);
    expect(homeless.map((e) => e.cell)).toEqual([NOWHERE]);
  });

  it("reads every digest within the radius (with online and 'anywhere') in one round, and loads few", async () => {
    const people = Array.from({ length: 200 }, (_, i) =>
      helper(
        `m${String(i).padStart(3, "0")}`,
        centre.lat + (i % 20) * 0.004,
        centre.lon + Math.floor(i / 20) * 0.006,
      ),
    );
    const { deps, index } = fakeDeps(
      people,
      [],
      people.flatMap((m) => entriesForMember(m, plainCity)),
      plainCity,
    );
    const { ranked, stats } = await findMatches(deps, request, owner, now, 5);
    // Only those loaded are scored exactly: the top 5 and whoever could have beaten them.
    expect(ranked.length).toBeGreaterThanOrEqual(5);
    expect(ranked.length).toBe(stats.loaded);
    expect(index.reads).toHaveLength(1);
    const cells = new Set(index.reads[0]?.map((a) => a.cell));
    expect(cells).toEqual(new Set(searchCells(request, plainCity)));
    expect(cells.has(ONLINE) && cells.has(NOWHERE)).toBe(true);
    // Every shard of every cell, in one round of calls.
    expect(index.reads[0]).toHaveLength(cells.size * plainCity.matching.digestShards);
    expect(stats.depth).toBeLessThanOrEqual(3);
    // Skill and distance only: the nearest are loaded first and rule the rest out unread.
    expect(stats.loaded).toBeLessThan(100);
  });

  it("reads ahead the signals of whoever could make the top, and the member items only of those they leave a chance", async () => {
    // Everyone at one place, so only responsiveness tells them apart; the digests are behind and
    // say everyone answers nine notices in ten.
    const quick: City = {
      ...city,
      matching: {
        ...city.matching,
        weights: { ...plainCity.matching.weights, skill: 0.5, distance: 0.3, responsiveness: 0.2 },
      },
    };
    const ids = [
      ...Array.from({ length: 30 }, (_, i) => `a${String(i).padStart(2, "0")}`),
      ...Array.from({ length: 50 }, (_, i) => `b${String(i).padStart(2, "0")}`),
      ...Array.from({ length: 5 }, (_, i) => `z${i}`),
    ];
    const people = ids.map((id) => helper(id, centre.lat, centre.lon));
    const signalsOf = (id: string, told: number, answered: number): MemberSignals => ({
      memberId: id,
      partners: {},
      settled: 0,
      cancelled: 0,
      told,
      answered,
      balance: undefined,
      givenMinutes: undefined,
    });
    // As they are: the a's answer two in three, the b's never, the z's nine in ten.
    const signals = ids.map((id) =>
      id.startsWith("a")
        ? signalsOf(id, 4, 3)
        : id.startsWith("b")
          ? signalsOf(id, 8, 0)
          : signalsOf(id, 8, 8),
    );
    const { deps, loads } = fakeDeps(
      people,
      signals,
      people.flatMap((m) => entriesForMember(m, quick)),
      quick,
      { signals: ids.map((id) => signalsOf(id, 8, 8)) },
    );
    const { ranked, stats } = await findMatches(deps, request, owner, now, 5);
    expect(ranked.slice(0, 5).map((r) => r.member.memberId)).toEqual(["z0", "z1", "z2", "z3", "z4"]);
    // The 30 best by bound whole, everyone's signals; then only the z's members: the b's signals
    // leave them no chance.
    const membersRead = loads.flat();
    expect(membersRead.filter((id) => id.startsWith("b"))).toEqual([]);
    expect(membersRead).toHaveLength(35);
    expect(stats.loaded).toBe(35);
    expect(stats.signalsOnly).toBe(55);
    expect(stats.depth).toBe(3);
  });

  it("finds someone near the edge of the radius, in a cell the post's cell does not touch", async () => {
    const near = new Set([
      geohash.encode(centre.lat, centre.lon, FINE_CELL),
      ...geohash.neighbors(geohash.encode(centre.lat, centre.lon, FINE_CELL)),
    ]);
    const spot = Array.from({ length: 40 }, (_, i) => ({
      lat: centre.lat,
      lon: centre.lon + 0.06 + i * 0.002,
    })).find((p) => !near.has(geohash.encode(p.lat, p.lon, FINE_CELL)) && distanceMetres(centre, p) < 9_900);
    if (!spot) throw new Error("no spot outside the post's cell and its neighbours within the radius");
    const far = helper("far", spot.lat, spot.lon);
    const { deps } = fakeDeps([far], [], entriesForMember(far, city));
    const { ranked } = await findMatches(deps, request, owner, now);
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
    expect(index.reads).toEqual([]);
    expect(stats.calls).toBe(0);
  });

  it("searches online posts in every fine cell of the city's map", () => {
    const online = { ...request, where: { type: "online" }, location: undefined } as unknown as Post;
    const cells = searchCells(online, city);
    const { south, west, north, east } = city.map.bounds;
    for (const [lat, lon] of [
      [south + 0.001, west + 0.001],
      [north - 0.001, east - 0.001],
      [(south + north) / 2, (west + east) / 2],
    ] as const) {
      expect(cells).toContain(geohash.encode(lat, lon, FINE_CELL));
    }
    expect(cells).toEqual(expect.arrayContaining([ONLINE, NOWHERE]));
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
      const post = {
        ...request,
        tags: pickSome(),
        sensitive: trial % 4 === 0,
        availability: { type: "weekly", windows: [{ day: 2, from: "08:00", to: "13:00" }] },
      } as unknown as Post;
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
        const profile = freshProfile(r.member, signalsOf.get(r.member.memberId));
        for (const twoHop of [undefined, 0, 1, 2]) {
          if (twoHop === 0 && r.scored.parts.trust > 0.3 * 1.0001 && !(ownerPartners[r.member.memberId] ?? 0))
            continue;
          expect(
            digestBound(
              weighed,
              post,
              owner,
              ownerPartners,
              r.entry,
              profile,
              twoHop === 0 ? undefined : twoHop,
              now,
            ),
          ).toBeGreaterThanOrEqual(r.scored.score);
        }
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
