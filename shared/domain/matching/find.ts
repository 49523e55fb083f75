import type { Deps } from "#domain/deps.ts";
import { distanceMetres } from "#domain/kernel/geo.ts";
import { categoryName, languageName } from "#domain/kernel/names.ts";
import type { Member } from "#domain/membership/member.ts";
import type { Post } from "#domain/posts/post.ts";
import type { City } from "#shared/config/city.ts";
import { type IndexEntry, type Side, widening } from "./index-entries.ts";
import type { MatchIndexRepository, MatchSignalsRepository, MemberSignals } from "./ports.ts";
import { type ScoredMatch, scoreMatch, weeklyOverlapMinutes } from "./score.ts";

export interface FindDeps extends Pick<Deps, "members" | "city"> {
  matchIndex: MatchIndexRepository;
  signals: MatchSignalsRepository;
}

export interface RankedMatch {
  member: Member;
  entry: IndexEntry;
  scored: ScoredMatch;
}

export interface FindStats {
  /** DynamoDB calls made to find and score the candidates. */
  calls: number;
  /** Longest chain of calls that had to wait for each other. */
  depth: number;
  /** Index items the store read. */
  itemsRead: number;
  /** How many rings of cells were read before no unread entry could make the top. */
  rings: number;
  /** People whose member item and signals were read to score them exactly. */
  loaded: number;
}

/** How many of the best a search must get exactly right (the matches a post keeps). */
export const KEPT_PER_POST = 20;
/** People loaded to be scored exactly per wave: one BatchGet of members and one of signals per 100, in parallel. */
const LOAD_WAVE = 500;

/** Which side of the index answers a post: a request wants givers, an offer wants askers. */
export function answeringSide(post: Post): Side {
  return post.kind === "request" ? "gives" : "asks";
}

function distanceOf(post: Post, entry: IndexEntry): number | undefined {
  return post.location && entry.location ? distanceMetres(post.location, entry.location) : undefined;
}

/**
 * One entry per person, as a search gathers them: within the city's radius, never the owner nor a
 * sensitive entry an unverified owner may not see, the nearest of their entries (`nearerThan`).
 * Returns whether `entry` became the person's.
 */
export function keepNearest(
  post: Post,
  owner: Member,
  people: Map<string, IndexEntry>,
  entry: IndexEntry,
  maxMetres: number,
): boolean {
  if (entry.memberId === post.ownerId || (entry.sensitive && !owner.verified)) return false;
  const distance = distanceOf(post, entry);
  if (distance !== undefined && distance > maxMetres) return false;
  const kept = people.get(entry.memberId);
  if (kept && !nearerThan(post, entry, kept)) return false;
  people.set(entry.memberId, entry);
  return true;
}

/**
 * Whether `a` is a person's better entry than `b`, whatever order they were read in: the nearer
 * (unplaced last), then a post over a bare skill, then the lower post id.
 */
function nearerThan(post: Post, a: IndexEntry, b: IndexEntry): boolean {
  const da = distanceOf(post, a) ?? Number.POSITIVE_INFINITY;
  const db = distanceOf(post, b) ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db;
  if ((a.source === "SKILL") !== (b.source === "SKILL")) return b.source === "SKILL";
  return a.source < b.source;
}

/** Whether a person may be matched with a post at all (never a reason to score lower: a gate). */
export function eligible(candidate: Member, owner: Member, post: Post, entry: IndexEntry): boolean {
  if (candidate.status !== "active" || candidate.memberId === owner.memberId) return false;
  if (candidate.blocked.includes(owner.memberId) || owner.blocked.includes(candidate.memberId)) return false;
  // Sensitive posts (e.g. home visits) only ever pair verified people, in both directions.
  if (post.sensitive && (!candidate.verified || !owner.verified)) return false;
  if (entry.sensitive && !owner.verified) return false;
  return true;
}

function hoursBetween(from: string, to: Date): number {
  return Math.max(0, (to.getTime() - Date.parse(from)) / 3_600_000);
}

/** Scores one eligible candidate from what the stream and the profiles say. */
export function scoreCandidate(
  city: City,
  post: Post,
  owner: Member,
  candidate: Member,
  entry: IndexEntry,
  signals: { owner: MemberSignals | undefined; candidate: MemberSignals | undefined },
  now: Date,
): ScoredMatch {
  const postWindows = post.availability?.type === "weekly" ? post.availability.windows : [];
  const candidateWindows = entry.availability.length > 0 ? entry.availability : candidate.availability;
  const ownerPartners = signals.owner?.partners ?? {};
  const candidatePartners = signals.candidate?.partners ?? {};
  const twoHop = Object.keys(candidatePartners).filter(
    (id) => id !== owner.memberId && ownerPartners[id] !== undefined,
  ).length;
  const finished = (signals.candidate?.settled ?? 0) + (signals.candidate?.cancelled ?? 0);
  const postTags = new Set(post.tags);
  return scoreMatch(
    {
      skill: {
        category: categoryName(city, post.category),
        sharedTags: entry.tags.filter((t) => postTags.has(t)),
      },
      distanceMetres: distanceOf(post, entry),
      online: post.where.type === "online",
      availabilityOverlapMinutes:
        postWindows.length > 0 && candidateWindows.length > 0
          ? weeklyOverlapMinutes(postWindows, candidateWindows)
          : undefined,
      sharedLanguages: candidate.languages.filter((l) => owner.languages.includes(l)).map(languageName),
      candidateGives: post.kind === "request",
      balance: signals.candidate?.balance,
      givenMinutes: signals.candidate?.givenMinutes,
      trust: {
        pastExchanges: ownerPartners[candidate.memberId] ?? 0,
        twoHopConnections: twoHop,
        completionRate: finished > 0 ? (signals.candidate?.settled ?? 0) / finished : undefined,
      },
      // Smoothed towards one in two, so a single unanswered notice does not bury anyone.
      responseRate:
        signals.candidate && signals.candidate.told > 0
          ? (signals.candidate.answered + 1) / (signals.candidate.told + 2)
          : undefined,
      postAgeHours: hoursBetween(post.createdAt, now),
    },
    city.matching.weights,
    city.matching.maxRadiusKm,
  );
}

/**
 * The highest score anyone could reach from what an index entry and the owner's own signals say
 * (or, with no entry, anyone at least `beyondMetres` away): what is known is scored as it is,
 * everything else as well as it could possibly be. Never below the exact score, so it can rule
 * people out unread.
 */
export function scoreBound(
  city: City,
  post: Post,
  owner: Member,
  ownerPartners: Readonly<Record<string, number>>,
  entry: IndexEntry | undefined,
  beyondMetres: number,
  now: Date,
): number {
  const postWindows = post.availability?.type === "weekly" ? post.availability.windows : [];
  const postTags = new Set(post.tags);
  const best = 1_000_000;
  // A skill entry carries the member's own windows; a post without windows falls back to the member's.
  let overlap: number | undefined = best;
  if (postWindows.length === 0) overlap = undefined;
  else if (entry && entry.availability.length > 0)
    overlap = weeklyOverlapMinutes(postWindows, entry.availability);
  else if (entry?.source === "SKILL") overlap = undefined;
  return scoreMatch(
    {
      skill: {
        category: post.category,
        sharedTags: entry ? entry.tags.filter((t) => postTags.has(t)) : post.tags,
      },
      distanceMetres: entry ? distanceOf(post, entry) : beyondMetres,
      online: post.where.type === "online",
      availabilityOverlapMinutes: overlap,
      sharedLanguages: entry?.languages
        ? entry.languages.filter((l) => owner.languages.includes(l))
        : ["any"],
      candidateGives: post.kind === "request",
      balance: -best,
      givenMinutes: best,
      // Past exchanges with the owner are known from the owner's signals; partners in common are not.
      trust: {
        pastExchanges: entry ? (ownerPartners[entry.memberId] ?? 0) : 1,
        twoHopConnections: 1,
        completionRate: undefined,
      },
      responseRate: 1,
      postAgeHours: hoursBetween(post.createdAt, now),
    },
    city.matching.weights,
    city.matching.maxRadiusKm,
  ).score;
}

const byRank = (a: RankedMatch, b: RankedMatch) =>
  b.scored.score - a.scored.score || a.member.memberId.localeCompare(b.member.memberId);

/**
 * The people most likely to answer a post, best first, each with a score and its reasons; the
 * best `want` are exactly those an exhaustive scoring of everyone in the city's radius would pick.
 *
 * The index is read ring by ring (every page), widening from the post's cell. Each person's entry
 * bounds their score from above (`scoreBound`); people are loaded (member and signals, in waves)
 * and scored exactly in the order of their bound, while a bound still reaches the `want`-th best
 * score. Widening stops once nobody farther out could reach it either. Never a scan.
 */
export async function findMatches(
  deps: FindDeps,
  post: Post,
  owner: Member,
  now: Date,
  want = KEPT_PER_POST,
): Promise<{ ranked: RankedMatch[]; stats: FindStats }> {
  const stats: FindStats = { calls: 0, depth: 0, itemsRead: 0, rings: 0, loaded: 0 };
  // A sensitive post of an unverified owner pairs nobody: nothing to read.
  if (post.sensitive && !owner.verified) return { ranked: [], stats };
  const maxMetres = deps.city.matching.maxRadiusKm * 1000;
  const people = new Map<string, IndexEntry>();
  const bounds = new Map<string, number>();
  const members = new Map<string, Member | undefined>();
  const signals = new Map<string, MemberSignals | undefined>();
  let ownerSignals: MemberSignals | undefined;
  const exact = new Map<string, RankedMatch>();
  let lastWave = 0;

  const score = (memberId: string) => {
    const member = members.get(memberId);
    const entry = people.get(memberId);
    exact.delete(memberId);
    if (!member || !entry || !eligible(member, owner, post, entry)) return;
    const scored = scoreCandidate(
      deps.city,
      post,
      owner,
      member,
      entry,
      { owner: ownerSignals, candidate: signals.get(memberId) },
      now,
    );
    exact.set(memberId, { member, entry, scored });
  };
  const wantedScore = () => {
    if (exact.size < want) return Number.NEGATIVE_INFINITY;
    return [...exact.values()].sort(byRank)[want - 1]?.scored.score ?? Number.NEGATIVE_INFINITY;
  };

  for (const [r, ring] of widening(post.location, post.where.type === "online", deps.city).entries()) {
    // The owner's signals come with the first ring: they tell who exchanged with the owner before.
    const [found, ownerRead] = await Promise.all([
      deps.matchIndex.read(answeringSide(post), post.category, ring.areas),
      r === 0 ? deps.signals.getMany([owner.memberId]) : undefined,
    ]);
    if (ownerRead) {
      ownerSignals = ownerRead.get(owner.memberId);
      stats.calls += 1;
    }
    const ownerPartners = ownerSignals?.partners ?? {};
    stats.calls += found.calls;
    stats.depth += found.depth;
    stats.itemsRead += found.read;
    stats.rings = r + 1;
    for (const entry of found.entries) {
      if (!keepNearest(post, owner, people, entry, maxMetres)) continue;
      bounds.set(entry.memberId, scoreBound(deps.city, post, owner, ownerPartners, entry, 0, now));
      // A nearer entry of someone already loaded: scored again from what was read.
      if (members.has(entry.memberId)) score(entry.memberId);
    }
    const farthest = Number.isFinite(ring.unreadBeyondMetres)
      ? scoreBound(
          deps.city,
          post,
          owner,
          ownerPartners,
          undefined,
          Math.max(ring.unreadBeyondMetres, 0),
          now,
        )
      : Number.NEGATIVE_INFINITY;
    const beyondReach = ring.unreadBeyondMetres > maxMetres;
    const floor = beyondReach ? Number.NEGATIVE_INFINITY : farthest;
    // Load, best bound first, everyone whose bound reaches both the current `want`-th score and
    // what anyone unread could score (they would be loaded after a wider ring anyway).
    for (;;) {
      const threshold = Math.max(wantedScore(), floor);
      const wave = [...bounds]
        .filter(([id, bound]) => !members.has(id) && bound >= threshold)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        // Short of `want` scored, smaller waves (each at least twice the last, in case few are
        // eligible): their scores set the bar for the rest.
        .slice(
          0,
          exact.size < want
            ? Math.min(LOAD_WAVE, Math.max(2 * (want - exact.size), 2 * lastWave))
            : LOAD_WAVE,
        )
        .map(([id]) => id);
      if (wave.length === 0) break;
      lastWave = wave.length;
      const [loadedMembers, loadedSignals] = await Promise.all([
        deps.members.getMany(wave),
        deps.signals.getMany(wave),
      ]);
      stats.calls += 2 * Math.ceil(wave.length / 100);
      stats.depth += 1;
      stats.loaded += wave.length;
      for (const id of wave) {
        members.set(id, loadedMembers.get(id));
        signals.set(id, loadedSignals.get(id));
        score(id);
      }
    }
    // Nobody beyond this ring could make the best `want`: the search need not widen.
    if (beyondReach || wantedScore() > farthest) break;
  }
  return { ranked: [...exact.values()].sort(byRank), stats };
}
