import type { Deps } from "#domain/deps.ts";
import { distanceMetres } from "#domain/kernel/geo.ts";
import { categoryName, languageName } from "#domain/kernel/names.ts";
import type { Member } from "#domain/membership/member.ts";
import type { Post } from "#domain/posts/post.ts";
import type { City } from "#shared/config/city.ts";
import {
  addressesOf,
  type DigestProfile,
  STEP_RULE,
  STEPS,
  type StepRule,
  searchCells,
  signalSteps,
} from "./digest.ts";
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
  /** People whose signals alone were read (ahead, in case their member item would be needed). */
  signalsOnly: number;
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
  // A partner's partner must be one of the owner's partners other than the candidate: the owner's
  // list is the one the exact score counts them in, so without one nobody is.
  const ownerHasOthers = Object.keys(ownerPartners).some(
    (id) => id !== entry.memberId && id !== owner.memberId,
  );
  const acquainted = twoHop === undefined ? profile.partners && ownerHasOthers : twoHop > 0;
  const acquaintance = past > 0 ? 1 : acquainted ? 0.6 : 0.3;
  return {
    ...known.parts,
    reciprocity: (candidateGives ? profile.giverReciprocity : profile.askerReciprocity) / STEPS,
    trust: Math.min(1, acquaintance * (profile.completion / STEPS)),
    responsiveness: profile.responsiveness / STEPS,
  };
}

/** Partners of the candidate's who are the owner's partners too, as `scoreCandidate` counts them. */
function twoHopOf(
  owner: Member,
  ownerPartners: Readonly<Record<string, number>>,
  candidate: MemberSignals | undefined,
): number {
  return Object.keys(candidate?.partners ?? {}).filter(
    (id) => id !== owner.memberId && ownerPartners[id] !== undefined,
  ).length;
}

/**
 * A likely low score from a digest record: its signals as far below the stored steps as the
 * lazy rule lets them fall unnoticed, nobody in common. Not a bound of anything (the member may
 * have changed since); it only guesses where the bar will be, to read ahead the signals of whoever
 * could reach it.
 */
function digestEstimate(
  city: City,
  post: Post,
  owner: Member,
  ownerPartners: Readonly<Record<string, number>>,
  entry: IndexEntry,
  profile: DigestProfile,
  now: Date,
  rule: StepRule = STEP_RULE,
): number {
  const low = (field: keyof StepRule["headroom"]) => Math.max(0, profile[field] - rule.headroom[field]);
  const lowered: DigestProfile = {
    ...profile,
    giverReciprocity: low("giverReciprocity"),
    askerReciprocity: low("askerReciprocity"),
    responsiveness: low("responsiveness"),
    completion: low("completion"),
  };
  return digestBound(city, post, owner, ownerPartners, entry, lowered, 0, now);
}

/** The k-th largest of some numbers (minus infinity when there are fewer). */
function kthLargest(values: readonly number[], k: number): number {
  if (values.length < k) return Number.NEGATIVE_INFINITY;
  return [...values].sort((a, b) => b - a)[k - 1] ?? Number.NEGATIVE_INFINITY;
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
    signalsOnly: 0,
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
  /** Reads these members and these people's signals (one round); scores whoever has both now. */
  const load = async (memberIds: readonly string[], signalIds: readonly string[]) => {
    const [loadedMembers, loadedSignals] = await Promise.all([
      memberIds.length > 0 ? deps.members.getMany(memberIds) : new Map<string, Member>(),
      signalIds.length > 0 ? deps.signals.getMany(signalIds) : new Map<string, MemberSignals>(),
    ]);
    stats.calls += Math.ceil(memberIds.length / 100) + Math.ceil(signalIds.length / 100);
    stats.depth += 1;
    for (const id of signalIds) signals.set(id, loadedSignals.get(id));
    for (const id of memberIds) members.set(id, loadedMembers.get(id));
    stats.loaded += memberIds.length;
    for (const id of memberIds) {
      const member = members.get(id);
      const entry = people.get(id);
      if (!member || !entry || !signals.has(id) || !eligible(member, owner, post, entry)) continue;
      const scored = scoreCandidate(
        city,
        post,
        owner,
        member,
        entry,
        { owner: ownerSignals, candidate: signals.get(id) },
        now,
      );
      exact.set(id, { member, entry, scored });
    }
  };
  const bestFirst = (a: { id: string; bound: number }, b: { id: string; bound: number }) =>
    b.bound - a.bound || a.id.localeCompare(b.id);

  // Round 2: the best by bound, loaded whole and scored exactly (their scores set the bar); and
  // the signals of everyone whose bound reaches what the digests say the bar will likely be at
  // least (a guess: whoever it leaves out is loaded whole in round 3 if their bound reaches the
  // bar). (The owner's partners' own partners are not used to sharpen bounds: partners are
  // counted on each side by separate events, so they may disagree for a while, and a bound from
  // one side would not be a bound for the other.)
  const bounds = boundsWith(undefined).sort(bestFirst);
  const first = bounds.slice(0, Math.max(FIRST_LOAD, want)).map((b) => b.id);
  if (first.length === 0) return { ranked: [], stats };
  const likelyBar = kthLargest(
    [...people].map(([id, entry]) =>
      digestEstimate(city, post, owner, ownerPartners, entry, profiles.get(id) as DigestProfile, now),
    ),
    want,
  );
  const chosen = new Set(first);
  const signalsOnly = bounds.filter((b) => b.bound >= likelyBar && !chosen.has(b.id)).map((b) => b.id);
  await load(first, [...first, ...signalsOnly]);
  stats.signalsOnly = signalsOnly.length;

  // Round 3: everyone who could still reach the `want`-th exact score, loaded whole: those whose
  // signals are known yet when their bound takes them as they are (their partners' partners among
  // them), the rest by their digest bound.
  const ranked = () => [...exact.values()].sort(byRank);
  const bar =
    exact.size >= want
      ? (ranked()[want - 1]?.scored.score ?? Number.NEGATIVE_INFINITY)
      : Number.NEGATIVE_INFINITY;
  const known: string[] = [];
  const unknown: string[] = [];
  for (const { id, bound } of bounds) {
    if (members.has(id) || bound < bar) continue;
    if (!signals.has(id)) {
      unknown.push(id);
      continue;
    }
    const entry = people.get(id) as IndexEntry;
    const candidate = signals.get(id);
    const sharper = digestBound(
      city,
      post,
      owner,
      ownerPartners,
      entry,
      { ...(profiles.get(id) as DigestProfile), ...signalSteps(candidate) },
      twoHopOf(owner, ownerPartners, candidate),
      now,
    );
    if (sharper >= bar) known.push(id);
  }
  if (known.length + unknown.length > 0) await load([...known, ...unknown], unknown);
  return { ranked: ranked(), stats };
}
