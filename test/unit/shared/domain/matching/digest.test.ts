import fc from "fast-check";
import geohash from "ngeohash";
import { describe, expect, it } from "vitest";
import type { City } from "../../../../../shared/config/city.ts";
import { distanceMetres } from "../../../../../shared/domain/kernel/geo.ts";
import {
  cellsWithin,
  type DigestProfile,
  freshProfile,
  STEP_RULE,
  STEPS,
  settledProfile,
  shardOf,
  signalParts,
  stepUp,
} from "../../../../../shared/domain/matching/digest.ts";
import {
  digestBoundParts,
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
} from "../../../../../shared/domain/matching/index-entries.ts";
import { refreshDigestSignals, reprofileMember } from "../../../../../shared/domain/matching/indexing.ts";
import type { MatchIndexRepository, MemberSignals } from "../../../../../shared/domain/matching/ports.ts";
import { scoreParts } from "../../../../../shared/domain/matching/score.ts";
import type { Member, NewMember } from "../../../../../shared/domain/membership/member.ts";
import type { Post } from "../../../../../shared/domain/posts/post.ts";
import { aMember } from "../../../../support/builders.ts";
import { exampleCity } from "../../../../support/city.ts";
import { withSeed } from "../../../../support/seed.ts";

const city = exampleCity();
const centre = { lat: 50.8503, lon: 4.3517 };
const now = new Date("2026-01-02T00:00:00.000Z");

function person(id: string, changes: Partial<NewMember> = {}) {
  return aMember({
    memberId: id,
    displayName: id,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...changes,
  });
}

describe("digest profiles", () => {
  it("round every signal part up to its step, never below it", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (part) => {
        const step = stepUp(part);
        expect(step / STEPS).toBeGreaterThanOrEqual(part);
        expect(step / STEPS - part).toBeLessThanOrEqual(1 / STEPS);
      }),
      withSeed(),
    );
  });

  it("store a step with headroom, keep it until it rises above it or falls far below it; flags follow the member", () => {
    const rule = STEP_RULE;
    const room = rule.headroom.responsiveness;
    const first = settledProfile(undefined, freshProfile(person("a"), undefined));
    const fresh = freshProfile(person("a"), undefined);
    expect(first.responsiveness).toBe(Math.min(STEPS, fresh.responsiveness + room));
    const at = (responsiveness: number) => ({ ...fresh, responsiveness });
    // A rise within the headroom, or a fall of less than `fall` below the step it was stored from: kept.
    expect(settledProfile(first, at(fresh.responsiveness + room)).responsiveness).toBe(first.responsiveness);
    expect(settledProfile(first, at(fresh.responsiveness - rule.fall + 1)).responsiveness).toBe(
      first.responsiveness,
    );
    // Above what is stored: stored again, with headroom.
    expect(settledProfile(first, at(fresh.responsiveness + room + 1)).responsiveness).toBe(
      Math.min(STEPS, fresh.responsiveness + 2 * room + 1),
    );
    // A fall of `fall` steps: stored again, lower.
    expect(settledProfile(first, at(fresh.responsiveness - rule.fall)).responsiveness).toBe(
      fresh.responsiveness - rule.fall + room,
    );
    expect(settledProfile(first, { ...first, languages: ["fr"], verified: false }).languages).toEqual(["fr"]);
    // Having had partners is never forgotten: a bound that assumed none would not be one.
    expect(settledProfile({ ...first, partners: true }, fresh).partners).toBe(true);
  });

  it("stay bounds of the member's parts through any run of signal changes", () => {
    const signalsArb = fc.record({
      settled: fc.nat(20),
      cancelled: fc.nat(5),
      told: fc.nat(30),
      answered: fc.nat(30),
      balance: fc.option(fc.integer({ min: -3000, max: 3000 }), { nil: undefined }),
      givenMinutes: fc.option(fc.nat(6000), { nil: undefined }),
      partners: fc.dictionary(fc.constantFrom("x", "y", "z"), fc.integer({ min: 1, max: 3 })),
    });
    fc.assert(
      fc.property(
        fc.array(signalsArb, { minLength: 1, maxLength: 40 }),
        // The city's rule, or any other: none may let a stored step fall below the member's own.
        fc.option(
          fc.record({
            headroom: fc.record({
              giverReciprocity: fc.nat(8),
              askerReciprocity: fc.nat(8),
              responsiveness: fc.nat(8),
              completion: fc.nat(8),
            }),
            fall: fc.integer({ min: 1, max: 8 }),
          }),
          { nil: undefined },
        ),
        (states, rule) => {
          let stored: DigestProfile | undefined;
          for (const state of states) {
            const signals = { memberId: "a", ...state, answered: Math.min(state.answered, state.told) };
            stored = settledProfile(stored, freshProfile(person("a"), signals), rule ?? STEP_RULE);
            const parts = signalParts(signals);
            expect(stored.giverReciprocity / STEPS).toBeGreaterThanOrEqual(parts.giverReciprocity);
            expect(stored.askerReciprocity / STEPS).toBeGreaterThanOrEqual(parts.askerReciprocity);
            expect(stored.responsiveness / STEPS).toBeGreaterThanOrEqual(parts.responsiveness);
            expect(stored.completion / STEPS).toBeGreaterThanOrEqual(parts.completion);
            if (Object.keys(signals.partners).length > 0) expect(stored.partners).toBe(true);
          }
        },
      ),
      withSeed(),
    );
  });

  it("keep what the member item says through a signal refresh, and take the signals' new steps", async () => {
    const member = person("a", {
      languages: ["fr", "nl"],
      verified: true,
      blocked: ["b"],
      availability: [{ day: 3, from: "09:00", to: "12:00" }],
    });
    let stored = freshProfile(member, undefined);
    const index = {
      reprofile: async (_: string, settle: (p: DigestProfile) => DigestProfile) => {
        stored = settle(stored);
      },
    } as unknown as MatchIndexRepository;
    const signals: MemberSignals = {
      memberId: "a",
      partners: { b: 1 },
      settled: 1,
      cancelled: 0,
      told: 10,
      answered: 10,
      balance: -600,
      givenMinutes: 600,
    };
    await refreshDigestSignals(
      { matchIndex: index, signals: { getMany: async () => new Map([["a", signals]]) } } as never,
      "a",
    );
    expect(stored).toEqual(settledProfile(freshProfile(member, undefined), freshProfile(member, signals)));
    expect(stored.languages).toEqual(["fr", "nl"]);
    expect(stored.windows).toEqual(member.availability);
  });

  it("put each member in one shard, the same in every digest", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const shard = shardOf(`M${i}`, 4);
      counts[shard] = (counts[shard] ?? 0) + 1;
      expect(shardOf(`M${i}`, 4)).toBe(shard);
    }
    // Even enough that no shard carries much more than its share.
    for (const n of counts) expect(n).toBeGreaterThan(800);
  });

  it("read every cell with a part within the radius", () => {
    const cells = new Set(cellsWithin(centre, 10_000));
    for (let i = 0; i < 500; i++) {
      const angle = (i / 500) * 2 * Math.PI;
      const point = {
        lat: centre.lat + (9_990 / 111_320) * Math.sin(angle),
        lon: centre.lon + ((9_990 / 111_320) * Math.cos(angle)) / Math.cos((centre.lat * Math.PI) / 180),
      };
      if (distanceMetres(centre, point) <= 10_000)
        expect(cells).toContain(geohash.encode(point.lat, point.lon, FINE_CELL));
    }
  });
});

describe("a digest bound", () => {
  const windowArb = fc
    .record({
      day: fc.integer({ min: 0, max: 6 }),
      from: fc.constantFrom(8, 9, 13, 17),
      hours: fc.integer({ min: 1, max: 4 }),
    })
    .map(({ day, from, hours }) => ({
      day,
      from: `${String(from).padStart(2, "0")}:00`,
      to: `${String(from + hours).padStart(2, "0")}:00`,
    }));
  const signalsArb = fc.option(
    fc.record({
      settled: fc.nat(6),
      cancelled: fc.nat(2),
      told: fc.nat(8),
      answered: fc.nat(8),
      balance: fc.option(fc.integer({ min: -900, max: 2000 }), { nil: undefined }),
      givenMinutes: fc.option(fc.nat(3000), { nil: undefined }),
      partners: fc.subarray(["x", "y", "owner"]),
    }),
    { nil: undefined },
  );

  it("counts nobody as a partner's partner when the owner has no partner but them", () => {
    const owner = person("owner", { verified: true, languages: ["en"] });
    const candidate = person("c", { languages: ["en"] });
    const entry: IndexEntry = {
      side: "gives",
      category: "gardening",
      cell: "anywhere",
      memberId: "c",
      source: "SKILL",
      location: undefined,
      tags: [],
      availability: [],
      languages: ["en"],
      sensitive: false,
    };
    const post = {
      postId: "p1",
      ownerId: "owner",
      kind: "request",
      category: "gardening",
      tags: [],
      where: { type: "online" },
      status: "open",
      sensitive: false,
      createdAt: "2026-01-01T00:00:00.000Z",
    } as unknown as Post;
    // The candidate has partners; whether one of them is the owner's, only the owner's list can say.
    const profile = { ...freshProfile(candidate, undefined), partners: true, completion: STEPS };
    const trust = (ownerPartners: Record<string, number>) =>
      digestBoundParts(city, post, owner, ownerPartners, entry, profile, undefined, now).trust;
    expect(trust({})).toBeCloseTo(0.3);
    expect(trust({ owner: 1 })).toBeCloseTo(0.3);
    expect(trust({ x: 1 })).toBeCloseTo(0.6);
    // Past exchanges with the candidate themselves are known exactly.
    expect(trust({ c: 1 })).toBeCloseTo(1);
  });

  it("is never below the exact part, for any entry of a member as the digest has them", () => {
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom("request", "offer"),
          online: fc.boolean(),
          postTags: fc.subarray(["roses", "hedge", "lawn"]),
          postWindows: fc.array(windowArb, { maxLength: 2 }),
          memberWindows: fc.array(windowArb, { maxLength: 3 }),
          // The entry: a skill (the member's windows) or a post, with windows of its own or none.
          entry: fc.constantFrom("skill", "post", "post-without-windows"),
          entryWindows: fc.array(windowArb, { minLength: 1, maxLength: 2 }),
          entryTags: fc.subarray(["roses", "hedge", "lawn"]),
          languages: fc.subarray(["en", "fr", "nl"] as const, { minLength: 1 }),
          dLat: fc.double({ min: -0.08, max: 0.08, noNaN: true }),
          placed: fc.boolean(),
          signals: signalsArb,
          ownerPartners: fc.subarray(["c", "x", "y"]),
          hours: fc.nat(400),
        }),
        (d) => {
          const owner = person("owner", { verified: true, languages: ["en", "nl"] });
          const candidate = person("c", {
            languages: [...d.languages],
            availability: d.memberWindows,
            skills: { categories: ["gardening"], tags: d.entryTags },
          });
          const location = { lat: centre.lat + d.dLat, lon: centre.lon };
          const entry: IndexEntry = {
            side: d.kind === "request" ? "gives" : "asks",
            category: "gardening",
            cell: d.placed ? geohash.encode(location.lat, location.lon, FINE_CELL) : "anywhere",
            memberId: "c",
            source: d.entry === "skill" ? "SKILL" : "post-c",
            location: d.placed ? location : undefined,
            tags: d.entryTags,
            availability: d.entry === "skill" ? d.memberWindows : d.entry === "post" ? d.entryWindows : [],
            languages: d.entry === "skill" ? candidate.languages : undefined,
            sensitive: false,
          };
          const signals: MemberSignals | undefined = d.signals && {
            memberId: "c",
            ...d.signals,
            answered: Math.min(d.signals.answered, d.signals.told),
            partners: Object.fromEntries(d.signals.partners.map((id) => [id, 1])),
          };
          // One-sided partners: the owner's list and the candidate's need not agree.
          const ownerSignals: MemberSignals = {
            memberId: "owner",
            partners: Object.fromEntries(d.ownerPartners.map((id) => [id, 2])),
            settled: 2,
            cancelled: 0,
            told: 0,
            answered: 0,
            balance: 0,
            givenMinutes: 0,
          };
          const post = {
            postId: "p1",
            ownerId: "owner",
            kind: d.kind,
            category: "gardening",
            tags: d.postTags,
            where: d.online ? { type: "online" } : { type: "point", point: centre },
            location: d.online ? undefined : centre,
            status: "open",
            sensitive: false,
            ...(d.postWindows.length > 0 ? { availability: { type: "weekly", windows: d.postWindows } } : {}),
            createdAt: "2026-01-01T00:00:00.000Z",
          } as unknown as Post;
          const at = new Date(Date.parse(post.createdAt) + d.hours * 3_600_000);
          const profile = freshProfile(candidate, signals);
          const bound = digestBoundParts(
            city,
            post,
            owner,
            ownerSignals.partners,
            entry,
            profile,
            undefined,
            at,
          );
          const exact = scoreCandidate(
            city,
            post,
            owner,
            candidate,
            entry,
            { owner: ownerSignals, candidate: signals },
            at,
          ).parts;
          for (const part of scoreParts)
            expect({ part, bound: bound[part] >= exact[part] }).toEqual({ part, bound: true });
          // With the candidate's signals read, their partners in common with the owner's are known.
          const twoHop = Object.keys(signals?.partners ?? {}).filter(
            (id) => id !== "owner" && ownerSignals.partners[id] !== undefined,
          ).length;
          const known = digestBoundParts(
            city,
            post,
            owner,
            ownerSignals.partners,
            entry,
            profile,
            twoHop,
            at,
          );
          for (const part of scoreParts)
            expect({ part, known: known[part] >= exact[part] }).toEqual({ part, known: true });
        },
      ),
      withSeed({ numRuns: 400 }),
    );
  });
});

/** A digest index over entries, profiles as the index consumer last wrote them. */
function digestIndex(
  entries: readonly IndexEntry[],
  profileOf: (id: string) => DigestProfile,
  of: City,
): MatchIndexRepository {
  const shards = of.matching.digestShards;
  return {
    replace: async () => {},
    reprofile: async () => {},
    read: async (addresses) => {
      const wanted = new Set(addresses.map((a) => `${a.side}|${a.category}|${a.cell}|${a.shard}`));
      const found = entries.filter((e) =>
        wanted.has(`${e.side}|${e.category}|${e.cell}|${shardOf(e.memberId, shards)}`),
      );
      return {
        records: found.map((entry) => ({ entry, profile: profileOf(entry.memberId) })),
        items: 0,
        bytes: 0,
        calls: 1,
        depth: 1,
      };
    },
  };
}

describe("matching from digests", () => {
  const tags = ["roses", "hedge", "lawn", "compost"];
  const windowArb = fc.record({
    day: fc.integer({ min: 0, max: 6 }),
    from: fc.constantFrom("08:00", "09:00", "13:00"),
    to: fc.constantFrom("14:00", "17:00"),
  });
  const helperArb = fc.record({
    dLat: fc.double({ min: -0.12, max: 0.12, noNaN: true }),
    dLon: fc.double({ min: -0.18, max: 0.18, noNaN: true }),
    homeless: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    tags: fc.subarray(tags),
    languages: fc.subarray(["en", "fr", "nl"] as const, { minLength: 1 }),
    windows: fc.array(windowArb, { maxLength: 2 }),
    // A post of theirs on the answering side, with windows of its own or none (then scoring takes
    // the member's, as it does for any entry without windows).
    postWindows: fc.option(fc.array(windowArb, { maxLength: 2 }), { nil: undefined }),
    verified: fc.boolean(),
    suspended: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    blocksOwner: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    signals: fc.option(
      fc.record({
        settled: fc.nat(6),
        cancelled: fc.nat(2),
        told: fc.nat(8),
        answered: fc.nat(8),
        balance: fc.option(fc.integer({ min: -900, max: 900 }), { nil: undefined }),
        givenMinutes: fc.option(fc.nat(900), { nil: undefined }),
        partnerOf: fc.subarray([0, 1, 2, 3, 4, 5]),
        ownersPartner: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      }),
      { nil: undefined },
    ),
    // Since the digest was written: signals fell (steps kept up to 3 higher), the member dropped a
    // language, or moved home (the digest still has the old place, as the index does).
    stepsKeptHigher: fc.nat(3),
    droppedLanguage: fc.boolean(),
    moved: fc.boolean(),
    // Or added the owner's language, or was verified by a coordinator: changes that raise what
    // their digest bounds, saved through the member's own change (which rewrites their profile).
    addedLanguage: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    becameVerified: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  });

  it("returns exactly the top an exhaustive scoring of everyone picks, stale digests included", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Enough people that many are never loaded: their bounds alone must rule them out.
        fc.array(helperArb, { minLength: 1, maxLength: 160, size: "max" }),
        fc.subarray(tags),
        fc.constantFrom("request", "offer"),
        fc.boolean(),
        fc.integer({ min: 1, max: 12 }),
        // The city's weights, drawn: a part that weighs much shows any bound that under-estimates it.
        fc.option(fc.array(fc.constantFrom(0, 0.05, 0.2, 1), { minLength: 8, maxLength: 8 }), {
          nil: undefined,
        }),
        async (drawn, postTags, kind, sensitive, want, drawnWeights) => {
          const weighed: City = drawnWeights
            ? {
                ...city,
                matching: {
                  ...city.matching,
                  weights: Object.fromEntries(
                    scoreParts.map((part, i) => [part, (drawnWeights[i] ?? 0) + (i === 0 ? 0.01 : 0)]),
                  ) as City["matching"]["weights"],
                },
              }
            : city;
          const owner = person("owner", { verified: true, languages: ["en"] });
          const ids = drawn.map((_, i) => `h${String(i).padStart(2, "0")}`);
          const then = drawn.map((h, i) =>
            person(ids[i] as string, {
              ...(h.homeless ? {} : { home: { lat: centre.lat + h.dLat, lon: centre.lon + h.dLon } }),
              skills: { categories: ["gardening"], tags: h.tags },
              languages: [...h.languages],
              availability: h.windows,
              verified: h.verified,
              status: h.suspended ? "suspended" : "active",
              blocked: h.blocksOwner ? ["owner"] : [],
            }),
          );
          const signals: MemberSignals[] = drawn.flatMap((h, i) =>
            h.signals
              ? [
                  {
                    memberId: ids[i] as string,
                    partners: Object.fromEntries(
                      [
                        ...h.signals.partnerOf
                          .filter((j) => j < ids.length && j !== i)
                          .map((j) => ids[j] as string),
                        ...(h.signals.ownersPartner ? ["owner"] : []),
                      ].map((id) => [id, 1]),
                    ),
                    settled: h.signals.settled,
                    cancelled: h.signals.cancelled,
                    told: h.signals.told,
                    answered: Math.min(h.signals.answered, h.signals.told),
                    balance: h.signals.balance,
                    givenMinutes: h.signals.givenMinutes,
                  },
                ]
              : [],
          );
          // Partners as the stream left them: on one side only, if the other side's event is still
          // on its way (or, as in the bench's city, was never symmetric).
          const ownerSignals: MemberSignals = {
            memberId: "owner",
            partners: Object.fromEntries(signals.filter((s) => s.partners.owner).map((s) => [s.memberId, 1])),
            settled: 1,
            cancelled: 0,
            told: 0,
            answered: 0,
            balance: 0,
            givenMinutes: 0,
          };
          const signalsById = new Map([...signals, ownerSignals].map((s) => [s.memberId, s]));
          // The digests were written from `then`; the members are now as `current` says.
          const profiles = new Map(
            then.map((m, i) => {
              const fresh = settledProfile(undefined, freshProfile(m, signalsById.get(m.memberId)));
              const up = drawn[i]?.stepsKeptHigher ?? 0;
              const higher = (n: number) => Math.min(STEPS, n + up);
              return [
                m.memberId,
                {
                  ...fresh,
                  giverReciprocity: higher(fresh.giverReciprocity),
                  askerReciprocity: higher(fresh.askerReciprocity),
                  responsiveness: higher(fresh.responsiveness),
                  completion: higher(fresh.completion),
                },
              ];
            }),
          );
          const current: Member[] = then.map((m, i) => {
            const h = drawn[i];
            const languages =
              h?.droppedLanguage && m.languages.length > 1 ? m.languages.slice(1) : m.languages;
            return {
              ...m,
              languages: h?.addedLanguage && !languages.includes("en") ? [...languages, "en"] : languages,
              verified: m.verified || (h?.becameVerified ?? false),
              ...(h?.moved && m.home ? { home: { lat: m.home.lat + 0.01, lon: m.home.lon } } : {}),
            };
          });
          // The raising changes are saved as members save them: the member item, then their
          // digest profile (signals' steps as stored); the rest is left for the index consumer.
          const reprofiling = {
            reprofile: async (id: string, settle: (stored: DigestProfile) => DigestProfile) => {
              const known = profiles.get(id);
              if (known) profiles.set(id, settle(known));
            },
          } as unknown as MatchIndexRepository;
          for (const [i, m] of current.entries()) {
            if (drawn[i]?.addedLanguage || drawn[i]?.becameVerified)
              await reprofileMember({ matchIndex: reprofiling }, m);
          }
          // A request answered by skills and offers; an offer by requests (post entries carry no
          // languages, and their own windows or none).
          const entries = then.flatMap((m, i) => {
            const skills = entriesForMember(m, city);
            const postWindows = drawn[i]?.postWindows;
            const posts =
              postWindows === undefined
                ? []
                : skills.map((e) => ({
                    ...e,
                    side: kind === "request" ? ("gives" as const) : ("asks" as const),
                    source: `post-${e.memberId}`,
                    availability: postWindows,
                    languages: undefined,
                  }));
            if (kind === "request") return [...skills, ...posts];
            return posts.length > 0
              ? posts
              : skills.map((e) => ({
                  ...e,
                  side: "asks" as const,
                  source: `post-${e.memberId}`,
                  languages: undefined,
                }));
          });
          const post = {
            postId: "p1",
            ownerId: "owner",
            kind,
            category: "gardening",
            tags: postTags,
            where: { type: "point", point: centre },
            location: centre,
            status: "open",
            sensitive,
            availability: {
              type: "weekly",
              windows: [
                { day: 2, from: "08:00", to: "13:00" },
                { day: 4, from: "09:00", to: "17:00" },
              ],
            },
            createdAt: "2026-01-01T00:00:00.000Z",
          } as unknown as Post;
          const byId = new Map(current.map((m) => [m.memberId, m]));
          const deps = {
            city: weighed,
            matchIndex: digestIndex(entries, (id) => profiles.get(id) as DigestProfile, weighed),
            members: {
              getMany: async (wanted: readonly string[]) =>
                new Map(
                  wanted.flatMap((id) => (byId.has(id) ? [[id, byId.get(id) as Member] as const] : [])),
                ),
            },
            signals: {
              getMany: async (wanted: readonly string[]) =>
                new Map(
                  wanted.flatMap((id) =>
                    signalsById.has(id) ? [[id, signalsById.get(id) as MemberSignals] as const] : [],
                  ),
                ),
              apply: async () => {},
            },
          } as unknown as FindDeps;
          const { ranked, stats } = await findMatches(deps, post, owner, now, want);

          const everyone = new Map<string, IndexEntry>();
          for (const e of entries) keepNearest(post, owner, everyone, e, city.matching.maxRadiusKm * 1000);
          const truth = [...everyone]
            .flatMap(([id, entry]) => {
              const member = byId.get(id) as Member;
              if (!eligible(member, owner, post, entry)) return [];
              const both = { owner: ownerSignals, candidate: signalsById.get(id) };
              return [{ id, score: scoreCandidate(weighed, post, owner, member, entry, both, now).score }];
            })
            .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
          expect(ranked.slice(0, want).map((r) => [r.member.memberId, r.scored.score])).toEqual(
            truth.slice(0, want).map((t) => [t.id, t.score]),
          );
          expect(stats.depth).toBeLessThanOrEqual(3);
        },
      ),
      withSeed({ numRuns: 60 }),
    );
  });
});
