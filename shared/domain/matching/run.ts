import type { Deps } from "#domain/deps.ts";
import { ConflictError } from "#domain/kernel/errors.ts";
import { localDate } from "#domain/kernel/time.ts";
import type { Member } from "#domain/membership/member.ts";
import { blockedEitherWay } from "#domain/membership/safeguarding.ts";
import { inQuietHours } from "#domain/notices/channels.ts";
import { notify } from "#domain/notices/notify.ts";
import type { Post } from "#domain/posts/post.ts";
import { type FindDeps, type FindStats, findMatches, KEPT_PER_POST, type RankedMatch } from "./find.ts";
import { isVisible, type Match, matchIdOf } from "./match.ts";
import { planNotices } from "./plan.ts";
import type { MatchRepository } from "./ports.ts";

export interface MatchDeps extends FindDeps, Pick<Deps, "clock" | "ids" | "inbox"> {
  matches: MatchRepository;
}

/** How many ranked candidates are kept as matches per post (the next rounds draw from them). */
export { KEPT_PER_POST };
/** A post's candidates are told in at most this many rounds. */
export const MAX_ROUNDS = 3;

function matchOf(post: Post, ranked: RankedMatch, now: string): Match {
  return {
    matchId: matchIdOf(post.postId, ranked.member.memberId),
    postId: post.postId,
    postOwnerId: post.ownerId,
    postKind: post.kind,
    postTitle: post.title,
    category: post.category,
    candidateId: ranked.member.memberId,
    ...(ranked.entry.source !== "SKILL" ? { counterpartPostId: ranked.entry.source } : {}),
    score: ranked.scored.score,
    parts: ranked.scored.parts,
    why: ranked.scored.why,
    status: "candidate",
    createdAt: now,
    updatedAt: now,
  };
}

function noticeText(match: Match, owner: Member | undefined): { title: string; body: string } {
  const reasons = match.why.slice(0, 3).join("; ");
  return match.postKind === "request"
    ? {
        title: `Could you help? ${match.postTitle}`,
        body: `${owner?.displayName ?? "A neighbour"} asks for help you may give: ${reasons}.`,
      }
    : {
        title: `Someone offers what you asked for: ${match.postTitle}`,
        body: `${owner?.displayName ?? "A neighbour"} offers help that fits your request: ${reasons}.`,
      };
}

function ownerNoticeText(
  post: Pick<Post, "kind" | "title">,
  chosen: readonly Match[],
  names: ReadonlyMap<string, Member>,
): { title: string; body: string } {
  const count = chosen.length;
  const people = count === 1 ? "1 person" : `${count} people`;
  const title =
    post.kind === "request"
      ? `${people} could help with your request: ${post.title}`
      : `${people} may want your offer: ${post.title}`;
  const lines = chosen.map(
    (m) => `• ${names.get(m.candidateId)?.displayName ?? "A neighbour"}: ${m.why.slice(0, 3).join("; ")}`,
  );
  return {
    title,
    body: `${lines.join("\n")}\nThey have been told too. You may answer any of them first.`,
  };
}

/**
 * Tells a post's owner of the round's best candidates, once per round (`roundKey`): now if the
 * owner's daily budget allows (the same budget as their own match notices) and it is not quiet
 * time; otherwise the best of them waits in the owner's digest.
 */
async function tellOwner(
  deps: MatchDeps,
  post: Post,
  chosen: readonly Match[],
  roundKey: string,
  options: { day: string; limit: number; quiet: boolean; at: string },
): Promise<"told" | "already" | "digest"> {
  const [best] = chosen;
  if (!best) return "already";
  const names = await deps.members.getMany(chosen.map((m) => m.candidateId));
  if (!options.quiet) {
    const outcome = await deps.matches.tellOwner(
      {
        notificationId: deps.ids.next(),
        memberId: post.ownerId,
        kind: "post-matches",
        ...ownerNoticeText(post, chosen, names),
        link: `/posts/${post.postId}/matches`,
        params: { postId: post.postId, candidates: chosen.length, round: roundKey },
        createdAt: options.at,
      },
      `post-matches#${post.postId}#${roundKey}`,
      { day: options.day, limit: options.limit },
    );
    if (outcome !== "budget-spent") return outcome;
  }
  await deps.matches.digestForOwner(best);
  return "digest";
}

/**
 * Tells the best of `shortlist` not told before (at most the city's k): each now if their daily
 * budget allows (and it is not quiet time), otherwise their match waits for the daily digest.
 * Telling creates the match, so a redelivered record neither tells anyone twice nor spends their
 * budget twice: one transaction per person (match, notice and budget together). The post's owner
 * hears of the same candidates first, once per round (`roundKey`), within their own budget: a
 * retry after the owner was told finds the same candidates and the same key.
 */
export async function tellCandidates(
  deps: MatchDeps,
  post: Post,
  shortlist: readonly Match[],
  alreadyTold: ReadonlySet<string>,
  roundKey: string,
): Promise<{ now: string[]; digest: string[] }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const day = localDate(now, deps.city.timezone);
  const limit = deps.city.matching.dailyMatchNotifications;
  const ranked = [...shortlist].sort((a, b) => b.score - a.score);
  const plan = planNotices(
    ranked.map((m) => ({ memberId: m.candidateId, score: m.score })),
    {
      topK: deps.city.matching.notifyTopK,
      alreadyTold,
      budgetLeft: () => limit,
      quiet: inQuietHours(now, deps.city),
    },
  );
  const byCandidate = new Map(ranked.map((m) => [m.candidateId, m]));
  const chosen = [...plan.now, ...plan.digest].flatMap((id) => byCandidate.get(id) ?? []);
  const quiet = inQuietHours(now, deps.city);
  await tellOwner(deps, post, chosen, roundKey, { day, limit, quiet, at });
  const owner = plan.now.length > 0 ? await deps.members.get(post.ownerId) : undefined;
  const result = { now: [] as string[], digest: [] as string[] };
  for (const memberId of [...plan.now, ...plan.digest]) {
    const candidate = byCandidate.get(memberId);
    if (!candidate) continue;
    let outcome: "told" | "already" | "budget-spent" = "budget-spent";
    if (plan.now.includes(memberId)) {
      outcome = await deps.matches.tell(
        { ...candidate, status: "notified", notifiedAt: at, createdAt: at, updatedAt: at },
        {
          notificationId: deps.ids.next(),
          memberId,
          kind: "match",
          ...noticeText(candidate, owner),
          link: "/me/matches",
          createdAt: at,
        },
        { day, limit },
      );
    }
    if (outcome === "told") result.now.push(memberId);
    if (outcome !== "budget-spent") continue;
    const queued = await deps.matches.digest({
      ...candidate,
      status: "digest",
      notifiedAt: at,
      createdAt: at,
      updatedAt: at,
    });
    if (queued === "digested") result.digest.push(memberId);
  }
  return result;
}

/** The members a post's matches were already made with (told, digested or answered). */
async function toldFor(deps: Pick<MatchDeps, "matches">, postId: string): Promise<Set<string>> {
  return new Set((await deps.matches.listForPost(postId, 100)).map((m) => m.candidateId));
}

/**
 * Matches a new or changed open post: finds and scores candidates, keeps the best as the post's
 * shortlist, tells those of the top k not told before, and schedules the next round if nobody
 * answers. A redelivered record finds the same top k already told. A post that is no longer open
 * closes its matches instead.
 */
export async function matchPost(
  deps: MatchDeps,
  post: Post,
): Promise<{ kept: number; told: { now: string[]; digest: string[] }; stats: FindStats | undefined }> {
  const nothing = { kept: 0, told: { now: [], digest: [] }, stats: undefined };
  if (post.status !== "open") {
    await closeMatches(deps, post.postId);
    return nothing;
  }
  const owner = await deps.members.get(post.ownerId);
  if (owner?.status !== "active") return nothing;
  const now = deps.clock.now();
  // Scored as of the post's version (freshness included), so replaying a record ranks the same.
  const [{ ranked, stats }, told] = await Promise.all([
    findMatches(deps, post, owner, new Date(post.updatedAt)),
    toldFor(deps, post.postId),
  ]);
  const shortlist = ranked.slice(0, KEPT_PER_POST).map((r) => matchOf(post, r, post.updatedAt));
  await deps.matches.saveShortlist(post.postId, shortlist);
  // This round is the top k of the ranking: whoever of them was not told yet.
  // The round is keyed by the post's version: a replayed record tells the owner nothing new.
  const round = await tellCandidates(
    deps,
    post,
    shortlist.slice(0, deps.city.matching.notifyTopK),
    told,
    post.updatedAt,
  );
  if (round.now.length + round.digest.length > 0) {
    const due = new Date(now.getTime() + deps.city.matching.responseWindowHours * 3_600_000).toISOString();
    await deps.matches.scheduleFollowUp(post.postId, due);
  }
  return { kept: shortlist.length, told: round, stats };
}

/** A post left "open": its matches are closed and drop out of everyone's lists. */
export async function closeMatches(
  deps: Pick<MatchDeps, "matches" | "clock">,
  postId: string,
): Promise<number> {
  let closed = 0;
  await deps.matches.dropShortlist(postId);
  for (const match of await deps.matches.listForPost(postId, 100)) {
    if (!isVisible(match) || match.status === "accepted") continue;
    const at = deps.clock.now().toISOString();
    try {
      await deps.matches.update({ ...match, status: "closed", updatedAt: at }, match.updatedAt);
      closed++;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return closed;
}

/**
 * The shortlist's people who may still be told: drawn hours ago, it may name someone suspended
 * since, or someone the owner blocked (or who blocked the owner) meanwhile.
 */
async function stillEligible(
  deps: Pick<MatchDeps, "members">,
  post: Post,
  shortlist: readonly Match[],
): Promise<Match[]> {
  const people = await deps.members.getMany([post.ownerId, ...shortlist.map((m) => m.candidateId)]);
  const owner = people.get(post.ownerId);
  return shortlist.filter((m) => {
    const candidate = people.get(m.candidateId);
    return owner && candidate?.status === "active" && !blockedEitherWay(owner, candidate);
  });
}

/**
 * The follow-up round: for each post whose answer window passed with nobody accepting, the next
 * k candidates are told (at most MAX_ROUNDS rounds in all).
 */
export async function followUpMatches(
  deps: MatchDeps & { posts: { get(postId: string): Promise<Post | undefined> } },
) {
  const now = deps.clock.now();
  const due = await deps.matches.dueFollowUps(now.toISOString(), 100);
  let rounds = 0;
  for (const { postId, dueAt } of due) {
    const [post, matches, shortlist] = await Promise.all([
      deps.posts.get(postId),
      deps.matches.listForPost(postId, 100),
      deps.matches.shortlist(postId),
    ]);
    const accepted = matches.some((m) => m.status === "accepted");
    const roundsSoFar = Math.ceil(matches.length / deps.city.matching.notifyTopK);
    if (post?.status === "open" && !accepted && roundsSoFar < MAX_ROUNDS) {
      const told = new Set(matches.map((m) => m.candidateId));
      const result = await tellCandidates(
        deps,
        post,
        await stillEligible(deps, post, shortlist),
        told,
        `followup-${dueAt}`,
      );
      if (result.now.length + result.digest.length > 0) {
        rounds++;
        const next = new Date(
          now.getTime() + deps.city.matching.responseWindowHours * 3_600_000,
        ).toISOString();
        await deps.matches.scheduleFollowUp(postId, next);
      }
    }
    await deps.matches.clearFollowUp(postId, dueAt);
  }
  return { due: due.length, rounds };
}

/** A digest's waiting matches less those with someone blocked (either way) since they were queued. */
async function notBlocked(
  deps: Pick<MatchDeps, "members">,
  memberId: string,
  waiting: readonly Match[],
): Promise<Match[]> {
  // The other side of each entry: the post's owner, or (on the owner's own entries) the candidate.
  const otherOf = (m: Match) => (m.postOwnerId === memberId ? m.candidateId : m.postOwnerId);
  const people = await deps.members.getMany([memberId, ...waiting.map(otherOf)]);
  const reader = people.get(memberId);
  if (!reader) return [];
  return waiting.filter((m) => {
    const other = people.get(otherOf(m));
    return !other || !blockedEitherWay(reader, other);
  });
}

/** Sends each member with waiting matches one digest notice a day (outside quiet hours). */
export async function sendDigests(deps: MatchDeps) {
  const now = deps.clock.now();
  if (inQuietHours(now, deps.city)) return { sent: 0 };
  const day = localDate(now, deps.city.timezone);
  let sent = 0;
  for (const [memberId, queued] of await deps.matches.pendingDigests(200)) {
    const waiting = await notBlocked(deps, memberId, queued);
    if (waiting.length === 0) {
      await deps.matches.clearDigest(
        memberId,
        queued.map((m) => m.matchId),
      );
      continue;
    }
    // A post owner's entries are candidates for their own post: named, with why.
    const owned = waiting.filter((m) => m.postOwnerId === memberId);
    const names =
      owned.length > 0
        ? await deps.members.getMany(owned.map((m) => m.candidateId))
        : new Map<string, Member>();
    const lines = waiting
      .slice(0, 10)
      .map((m) =>
        m.postOwnerId === memberId
          ? `• Your ${m.postKind} "${m.postTitle}": ${names.get(m.candidateId)?.displayName ?? "a neighbour"} could answer (${m.why.slice(0, 2).join("; ")})`
          : `• ${m.postTitle} (${m.why.slice(0, 2).join("; ")})`,
      );
    const result = await notify(deps, {
      memberId,
      kind: "digest",
      title: `${waiting.length} ${waiting.length === 1 ? "match" : "matches"} for you`,
      body: lines.join("\n"),
      link: "/me/matches",
      dedupeKey: `digest#${day}`,
    });
    // Already had today's digest: what waits goes out tomorrow.
    if (result === "duplicate") continue;
    await deps.matches.clearDigest(
      memberId,
      queued.map((m) => m.matchId),
    );
    sent++;
  }
  return { sent };
}
