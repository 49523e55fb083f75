import type { City } from "../../config/city.ts";
import { distanceMetres } from "../geo.ts";
import type { Member } from "../member.ts";
import type { Deps } from "../ports.ts";
import type { Post } from "../post.ts";
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
  /** How many rings of cells were read before enough candidates were found. */
  rings: number;
}

/** How many distinct people are enough to stop widening. */
export const ENOUGH_CANDIDATES = 40;
const LIMIT_PER_CELL = 100;

/** Which side of the index answers a post: a request wants givers, an offer wants askers. */
export function answeringSide(post: Post): Side {
  return post.kind === "request" ? "gives" : "asks";
}

function distanceOf(post: Post, entry: IndexEntry): number | undefined {
  return post.location && entry.location ? distanceMetres(post.location, entry.location) : undefined;
}

/**
 * Candidate entries for a post, widening ring by ring (the fine cell, its neighbours, the coarse
 * cells) until enough distinct people within the city's radius are found. Never a scan.
 */
export async function retrieveCandidates(
  deps: Pick<FindDeps, "matchIndex" | "city">,
  post: Post,
  enough = ENOUGH_CANDIDATES,
): Promise<{ entries: Map<string, IndexEntry>; stats: FindStats }> {
  const maxMetres = deps.city.matching.maxRadiusKm * 1000;
  const best = new Map<string, IndexEntry>();
  const stats: FindStats = { calls: 0, depth: 0, itemsRead: 0, rings: 0 };
  for (const ring of widening(post.location, post.where.type === "online", deps.city)) {
    const { entries, read, calls } = await deps.matchIndex.query(
      answeringSide(post),
      post.category,
      ring,
      LIMIT_PER_CELL,
    );
    stats.calls += calls;
    stats.depth += 1;
    stats.itemsRead += read;
    stats.rings += 1;
    for (const entry of entries) {
      if (entry.memberId === post.ownerId) continue;
      const distance = distanceOf(post, entry);
      if (distance !== undefined && distance > maxMetres) continue;
      const kept = best.get(entry.memberId);
      // One entry per person: the nearest, and a post over a bare skill at equal distance.
      const keptDistance = kept
        ? (distanceOf(post, kept) ?? Number.POSITIVE_INFINITY)
        : Number.POSITIVE_INFINITY;
      const distanceHere = distance ?? Number.POSITIVE_INFINITY;
      if (
        !kept ||
        distanceHere < keptDistance ||
        (distanceHere === keptDistance && kept.source === "SKILL")
      ) {
        best.set(entry.memberId, entry);
      }
    }
    if (best.size >= enough) break;
  }
  return { entries: best, stats };
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
      skill: { category: post.category, sharedTags: entry.tags.filter((t) => postTags.has(t)) },
      distanceMetres: distanceOf(post, entry),
      online: post.where.type === "online",
      availabilityOverlapMinutes:
        postWindows.length > 0 && candidateWindows.length > 0
          ? weeklyOverlapMinutes(postWindows, candidateWindows)
          : undefined,
      sharedLanguages: candidate.languages.filter((l) => owner.languages.includes(l)),
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
 * The people most likely to answer a post, best first, each with a score and its reasons.
 * Calls: the widening index reads (one ring at a time), then members and signals in parallel.
 */
export async function findMatches(
  deps: FindDeps,
  post: Post,
  owner: Member,
  now: Date,
): Promise<{ ranked: RankedMatch[]; stats: FindStats }> {
  const { entries, stats } = await retrieveCandidates(deps, post);
  const ids = [...entries.keys()];
  if (ids.length === 0) return { ranked: [], stats };
  const [members, signals] = await Promise.all([
    deps.members.getMany(ids),
    deps.signals.getMany([owner.memberId, ...ids]),
  ]);
  stats.calls += Math.ceil(ids.length / 100) + Math.ceil((ids.length + 1) / 100);
  stats.depth += 1;
  const ranked: RankedMatch[] = [];
  for (const [memberId, entry] of entries) {
    const member = members.get(memberId);
    if (!member || !eligible(member, owner, post, entry)) continue;
    const scored = scoreCandidate(
      deps.city,
      post,
      owner,
      member,
      entry,
      { owner: signals.get(owner.memberId), candidate: signals.get(memberId) },
      now,
    );
    ranked.push({ member, entry, scored });
  }
  ranked.sort(
    (a, b) => b.scored.score - a.scored.score || a.member.memberId.localeCompare(b.member.memberId),
  );
  return { ranked, stats };
}
