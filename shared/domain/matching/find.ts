import type { Deps } from "#domain/deps.ts";
import { distanceMetres } from "#domain/kernel/geo.ts";
import { categoryName, languageName } from "#domain/kernel/names.ts";
import type { Member } from "#domain/membership/member.ts";
import type { Post } from "#domain/posts/post.ts";
import type { City } from "#shared/config/city.ts";
import { addressesOf, type DigestProfile, STEPS, searchCells } from "./digest.ts";
import type { IndexEntry, Side } from "./index-entries.ts";
import type { MatchIndexRepository, MatchSignalsRepository, MemberSignals } from "./ports.ts";
import { type ScoredMatch, type ScorePart, scoreMatch, scoreOfParts, weeklyOverlapMinutes } from "./score.ts";

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
  /** Longest chain of calls that had to wait for each other (rounds of parallel calls). */
  depth: number;
  /** Digest items the store returned. */
  itemsRead: number;
  /** Size of the records in them. */
  digestBytes: number;
  /** Entries (records) the digests held for this side and category within reach. */
  records: number;
  /** People whose member item and signals were read to score them exactly. */
  loaded: number;
  /** Signals items read beyond those of the loaded people: the owner's and their partners'. */
  partnersRead: number;
}

/** How many of the best a search must get exactly right (the matches a post keeps). */
export const KEPT_PER_POST = 20;
/**
 * People loaded in the second round, best bound first (with the owner's partners): enough that
 * their exact scores usually set the bar the third round loads everyone else above.
 */
const FIRST_LOAD = 30;

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
 * Whether a digest's record rules a person out before anything is loaded (a gate, as `eligible`
 * is; `eligible` checks again on the loaded member, in case the digest is behind).
 */
export function ruledOut(memberId: string, profile: DigestProfile, owner: Member, post: Post): boolean {
  if (!profile.active) return true;
  if (profile.blocked.includes(owner.memberId) || owner.blocked.includes(memberId)) return true;
  return post.sensitive && !profile.verified;
}

/**
 * The highest score a person could reach from what their digest record and the owner's signals
 * say: place, tags, windows and languages scored as they are; reciprocity, responsiveness and
 * completion at their rounded-up steps; acquaintance from the owner's partners (and, once the
 * partners' own partners are known, `twoHop`). Never below the exact score from the same data,
 * so it can rule people out unread.
 */
export function digestBound(
  city: City,
  post: Post,
  owner: Member,
  ownerPartners: Readonly<Record<string, number>>,
  entry: IndexEntry,
  profile: DigestProfile,
  twoHop: number | undefined,
  now: Date,
): number {
  return scoreOfParts(
    digestBoundParts(city, post, owner, ownerPartners, entry, profile, twoHop, now),
    city.matching.weights,
  );
}

/** The parts of `digestBound`: each never below the part `scoreCandidate` finds from the same data. */
export function digestBoundParts(
  city: City,
  post: Post,
  owner: Member,
  ownerPartners: Readonly<Record<string, number>>,
  entry: IndexEntry,
  profile: DigestProfile,
  twoHop: number | undefined,
  now: Date,
): Record<ScorePart, number> {
  const postWindows = post.availability?.type === "weekly" ? post.availability.windows : [];
  const postTags = new Set(post.tags);
  // An entry without windows of its own (a post that gave none) is scored with its member's, as
  // scoreCandidate does.
  const candidateWindows = entry.availability.length > 0 ? entry.availability : profile.windows;
  const overlap =
    postWindows.length > 0 && candidateWindows.length > 0
      ? weeklyOverlapMinutes(postWindows, candidateWindows)
      : undefined;
  const candidateGives = post.kind === "request";
  const known = scoreMatch(
    {
      skill: { category: post.category, sharedTags: entry.tags.filter((t) => postTags.has(t)) },
      distanceMetres: distanceOf(post, entry),
      online: post.where.type === "online",
      availabilityOverlapMinutes: overlap,
      sharedLanguages: profile.languages.filter((l) => owner.languages.includes(l)),
      candidateGives,
      balance: undefined,
      givenMinutes: undefined,
      trust: { pastExchanges: 0, twoHopConnections: 0, completionRate: undefined },
      responseRate: undefined,
      postAgeHours: hoursBetween(post.createdAt, now),
    },
    city.matching.weights,
    city.matching.maxRadiusKm,
  );
  const past = ownerPartners[entry.memberId] ?? 0;
  const acquainted = twoHop === undefined ? profile.partners : twoHop > 0;
  const acquaintance = past > 0 ? 1 : acquainted ? 0.6 : 0.3;
  return {
    ...known.parts,
    reciprocity: (candidateGives ? profile.giverReciprocity : profile.askerReciprocity) / STEPS,
    trust: Math.min(1, acquaintance * (profile.completion / STEPS)),
    responsiveness: profile.responsiveness / STEPS,
  };
}

const byRank = (a: RankedMatch, b: RankedMatch) =>
  b.scored.score - a.scored.score || a.member.memberId.localeCompare(b.member.memberId);

/**
 * The people most likely to answer a post, best first, each with a score and its reasons; the
 * best `want` are exactly those an exhaustive scoring of everyone in the city's radius would pick.
 *
 * Three rounds of parallel reads: (1) every cell digest within the radius (or the whole city for
 * an online post) and the owner's signals: each person's record bounds their score from above
 * (`digestBound`); (2) the best `FIRST_LOAD` by bound, loaded (member and signals) and scored
 * exactly; (3) everyone whose bound still reaches the `want`-th exact score. Nobody left unread could make the best `want`. Never a scan.
 */
export async function findMatches(
  deps: FindDeps,
  post: Post,
  owner: Member,
  now: Date,
  want = KEPT_PER_POST,
): Promise<{ ranked: RankedMatch[]; stats: FindStats }> {
  const stats: FindStats = {
    calls: 0,
    depth: 0,
    itemsRead: 0,
    digestBytes: 0,
    records: 0,
    loaded: 0,
    partnersRead: 0,
  };
  // A sensitive post of an unverified owner pairs nobody: nothing to read.
  if (post.sensitive && !owner.verified) return { ranked: [], stats };
  const { city } = deps;
  const maxMetres = city.matching.maxRadiusKm * 1000;
  const side = answeringSide(post);
  const addresses = addressesOf(side, post.category, searchCells(post, city), city.matching.digestShards);

  // Round 1: the digests and the owner's signals.
  const [digests, ownerRead] = await Promise.all([
    deps.matchIndex.read(addresses),
    deps.signals.getMany([owner.memberId]),
  ]);
  stats.calls += digests.calls + 1;
  stats.depth += Math.max(1, digests.depth);
  stats.itemsRead = digests.items;
  stats.digestBytes = digests.bytes;
  stats.records = digests.records.length;
  const ownerSignals = ownerRead.get(owner.memberId);
  const ownerPartners = ownerSignals?.partners ?? {};
  const people = new Map<string, IndexEntry>();
  const profiles = new Map<string, DigestProfile>();
  for (const { entry, profile } of digests.records) {
    if (ruledOut(entry.memberId, profile, owner, post)) continue;
    if (keepNearest(post, owner, people, entry, maxMetres)) profiles.set(entry.memberId, profile);
  }
  const boundsWith = (twoHop: ((id: string) => number) | undefined) =>
    [...people].map(([id, entry]) => ({
      id,
      bound: digestBound(
        city,
        post,
        owner,
        ownerPartners,
        entry,
        profiles.get(id) as DigestProfile,
        twoHop?.(id),
        now,
      ),
    }));

  const members = new Map<string, Member | undefined>();
  const signals = new Map<string, MemberSignals | undefined>();
  const exact = new Map<string, RankedMatch>();
  const load = async (ids: readonly string[], extraSignals: readonly string[] = []) => {
    const wanted = [...new Set([...ids, ...extraSignals])];
    const [loadedMembers, loadedSignals] = await Promise.all([
      ids.length > 0 ? deps.members.getMany(ids) : new Map<string, Member>(),
      wanted.length > 0 ? deps.signals.getMany(wanted) : new Map<string, MemberSignals>(),
    ]);
    stats.calls += Math.ceil(ids.length / 100) + Math.ceil(wanted.length / 100);
    stats.depth += 1;
    stats.loaded += ids.length;
    stats.partnersRead += wanted.length - ids.length;
    for (const id of ids) {
      const member = loadedMembers.get(id);
      const entry = people.get(id);
      members.set(id, member);
      signals.set(id, loadedSignals.get(id));
      if (!member || !entry || !eligible(member, owner, post, entry)) continue;
      const scored = scoreCandidate(
        city,
        post,
        owner,
        member,
        entry,
        { owner: ownerSignals, candidate: loadedSignals.get(id) },
        now,
      );
      exact.set(id, { member, entry, scored });
    }
    return loadedSignals;
  };
  const bestFirst = (a: { id: string; bound: number }, b: { id: string; bound: number }) =>
    b.bound - a.bound || a.id.localeCompare(b.id);

  // Round 2: the best by bound. (The owner's partners' own partners are not used to sharpen
  // bounds: partners are counted on each side by separate events, so they may disagree for a
  // while, and a bound from one side would not be a bound for the other.)
  const first = boundsWith(undefined)
    .sort(bestFirst)
    .slice(0, Math.max(FIRST_LOAD, want))
    .map((b) => b.id);
  if (first.length === 0) return { ranked: [], stats };
  await load(first);

  // Round 3: everyone whose bound still reaches the `want`-th exact score.
  const ranked = () => [...exact.values()].sort(byRank);
  const bar =
    exact.size >= want
      ? (ranked()[want - 1]?.scored.score ?? Number.NEGATIVE_INFINITY)
      : Number.NEGATIVE_INFINITY;
  const rest = boundsWith(undefined)
    .filter((b) => !members.has(b.id) && b.bound >= bar)
    .sort(bestFirst)
    .map((b) => b.id);
  if (rest.length > 0) await load(rest);
  return { ranked: ranked(), stats };
}
