import { inQuietHours } from "../channels.ts";
import { ConflictError } from "../errors.ts";
import type { Member } from "../member.ts";
import { notify } from "../notify.ts";
import type { Deps } from "../ports.ts";
import type { Post } from "../post.ts";
import { localDate } from "../time.ts";
import { type FindDeps, type FindStats, findMatches, type RankedMatch } from "./find.ts";
import { isVisible, type Match, matchIdOf } from "./match.ts";
import { planNotices } from "./plan.ts";
import type { MatchRepository } from "./ports.ts";

export interface MatchDeps extends FindDeps, Pick<Deps, "clock" | "ids" | "inbox"> {
  matches: MatchRepository;
}

/** How many ranked candidates are kept as matches per post (the next rounds draw from them). */
export const KEPT_PER_POST = 20;
/** A post's candidates are told in at most this many rounds. */
export const MAX_ROUNDS = 3;

const told = (m: Match) => m.status !== "candidate";

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

/**
 * Tells chosen candidates: each now if their daily budget allows (and it is not quiet time),
 * otherwise their match waits for the daily digest. Every step is keyed by the match, so a
 * redelivered record neither tells anyone twice nor spends their budget twice.
 */
export async function tellCandidates(
  deps: MatchDeps,
  post: Post,
  matches: readonly Match[],
): Promise<{ now: string[]; digest: string[] }> {
  const now = deps.clock.now();
  const quiet = inQuietHours(now, deps.city);
  const day = localDate(now, deps.city.timezone);
  const ranked = matches.filter((m) => m.status === "candidate").sort((a, b) => b.score - a.score);
  const plan = planNotices(
    ranked.map((m) => ({ memberId: m.candidateId, score: m.score })),
    {
      topK: deps.city.matching.notifyTopK,
      alreadyTold: new Set(matches.filter(told).map((m) => m.candidateId)),
      budgetLeft: () => 1,
      quiet,
    },
  );
  const byCandidate = new Map(ranked.map((m) => [m.candidateId, m]));
  const owner = await deps.members.get(post.ownerId);
  const result = { now: [] as string[], digest: [] as string[] };
  for (const memberId of [...plan.now, ...plan.digest]) {
    const match = byCandidate.get(memberId);
    if (!match) continue;
    const immediate =
      plan.now.includes(memberId) &&
      (await deps.matches.takeBudget(
        memberId,
        day,
        deps.city.matching.dailyMatchNotifications,
        match.matchId,
      ));
    const at = now.toISOString();
    if (immediate) {
      await notify(deps, {
        memberId,
        kind: "match",
        ...noticeText(match, owner),
        link: `/me/matches`,
        dedupeKey: `match#${match.matchId}`,
      });
      result.now.push(memberId);
    } else {
      await deps.matches.addToDigest(match);
      result.digest.push(memberId);
    }
    const next: Match = {
      ...match,
      status: immediate ? "notified" : "digest",
      notifiedAt: at,
      updatedAt: at,
    };
    try {
      await deps.matches.update(next, match.updatedAt);
    } catch (error) {
      // A concurrent delivery already moved this match on; its notice is keyed and not repeated.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return result;
}

/**
 * Matches a new or changed open post: finds and scores candidates, stores the best as matches
 * (deterministic ids), tells the top k, and schedules the next round if nobody answers.
 * A post that is no longer open closes its matches instead.
 */
export async function matchPost(
  deps: MatchDeps,
  post: Post,
): Promise<{ created: number; told: { now: string[]; digest: string[] }; stats: FindStats | undefined }> {
  if (post.status !== "open") {
    await closeMatches(deps, post.postId);
    return { created: 0, told: { now: [], digest: [] }, stats: undefined };
  }
  const owner = await deps.members.get(post.ownerId);
  if (owner?.status !== "active") return { created: 0, told: { now: [], digest: [] }, stats: undefined };
  const now = deps.clock.now();
  const { ranked, stats } = await findMatches(deps, post, owner, now);
  const fresh = ranked.slice(0, KEPT_PER_POST).map((r) => matchOf(post, r, now.toISOString()));
  const created = await deps.matches.createMissing(fresh);
  const all = await deps.matches.listForPost(post.postId, 100);
  const toldNow = await tellCandidates(deps, post, all);
  if (toldNow.now.length + toldNow.digest.length > 0) {
    const due = new Date(now.getTime() + deps.city.matching.responseWindowHours * 3_600_000).toISOString();
    await deps.matches.scheduleFollowUp(post.postId, due);
  }
  return { created: created.length, told: toldNow, stats };
}

/** A post left "open": its matches are closed and drop out of everyone's lists. */
export async function closeMatches(
  deps: Pick<MatchDeps, "matches" | "clock">,
  postId: string,
): Promise<number> {
  let closed = 0;
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
    const post = await deps.posts.get(postId);
    const matches = await deps.matches.listForPost(postId, 100);
    const accepted = matches.some((m) => m.status === "accepted");
    const roundsSoFar = Math.ceil(matches.filter(told).length / deps.city.matching.notifyTopK);
    if (post?.status === "open" && !accepted && roundsSoFar < MAX_ROUNDS) {
      const result = await tellCandidates(deps, post, matches);
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

/** Sends each member with waiting matches one digest notice a day (outside quiet hours). */
export async function sendDigests(deps: MatchDeps) {
  const now = deps.clock.now();
  if (inQuietHours(now, deps.city)) return { sent: 0 };
  const day = localDate(now, deps.city.timezone);
  let sent = 0;
  for (const [memberId, waiting] of await deps.matches.pendingDigests(200)) {
    const lines = waiting.slice(0, 10).map((m) => `• ${m.postTitle} (${m.why.slice(0, 2).join("; ")})`);
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
      waiting.map((m) => m.matchId),
    );
    sent++;
  }
  return { sent };
}
