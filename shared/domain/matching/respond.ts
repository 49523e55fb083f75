import type { Deps } from "#domain/deps.ts";
import { NotFoundError, RuleViolationError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Acting } from "#domain/membership/acting.ts";
import type { Member } from "#domain/membership/member.ts";
import { blockedEitherWay } from "#domain/membership/safeguarding.ts";
import { notify } from "#domain/notices/notify.ts";
import { isVisible, type Match, type MatchView } from "./match.ts";

type RespondDeps = Pick<Deps, "matches" | "members" | "posts" | "inbox" | "clock" | "ids">;

/**
 * The matches as `viewer` sees them, with the other person's name. A match across a block (either
 * way) is left out, as if it had closed: the blocked side cannot tell it from any other.
 */
async function withOther(
  deps: Pick<Deps, "members">,
  viewer: Member,
  matches: readonly Match[],
): Promise<MatchView[]> {
  const viewerId = viewer.memberId;
  const others = await deps.members.getMany(
    matches.map((m) => (m.candidateId === viewerId ? m.postOwnerId : m.candidateId)),
  );
  const blocked = (m: Match) => {
    const other = others.get(m.candidateId === viewerId ? m.postOwnerId : m.candidateId);
    return other !== undefined && blockedEitherWay(viewer, other);
  };
  return matches
    .filter((m) => !blocked(m))
    .map((m) => {
      const otherId = m.candidateId === viewerId ? m.postOwnerId : m.candidateId;
      return {
        ...m,
        other: { memberId: otherId, displayName: others.get(otherId)?.displayName ?? "A former member" },
      };
    });
}

/** The matches a member was found for (as the candidate), newest first, hidden ones left out. */
export async function myMatches(
  deps: Pick<Deps, "matches" | "members">,
  subject: Member,
  page: PageRequest,
): Promise<Page<MatchView>> {
  const result = await deps.matches.listForCandidate(subject.memberId, page);
  const visible = result.items.filter(isVisible);
  return {
    items: await withOther(deps, subject, visible),
    ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
  };
}

/**
 * A post's matches, best first, for its owner (or someone acting for them).
 * @throws NotFoundError when the post is not the subject's (the same as a missing post).
 */
export async function postMatches(
  deps: Pick<Deps, "matches" | "members" | "posts">,
  acting: Acting,
  postId: string,
): Promise<MatchView[]> {
  const post = await deps.posts.get(postId);
  if (!post || post.ownerId !== acting.subject.memberId) throw new NotFoundError("No such post");
  const [made, shortlist] = await Promise.all([
    deps.matches.listForPost(postId, 50),
    deps.matches.shortlist(postId),
  ]);
  // Matches made (told, digested or answered), then the shortlist's people not told yet.
  const madeWith = new Set(made.map((m) => m.candidateId));
  const matches = [...made, ...shortlist.filter((m) => !madeWith.has(m.candidateId))]
    .filter((m) => isVisible(m) || (m.status === "declined" && m.respondedBy !== post.ownerId))
    .sort((a, b) => b.score - a.score || a.candidateId.localeCompare(b.candidateId));
  return withOther(deps, acting.subject, matches);
}

/**
 * A candidate on the shortlist of the subject's own post, not told yet: answering it (the owner
 * reaching out first) makes it a match.
 */
async function fromShortlist(
  deps: RespondDeps,
  matchId: string,
  ownerId: string,
): Promise<Match | undefined> {
  const postId = matchId.slice(0, matchId.indexOf("_"));
  const candidate = (await deps.matches.shortlist(postId)).find((m) => m.matchId === matchId);
  if (candidate?.postOwnerId !== ownerId) return undefined;
  await deps.matches.createMissing([candidate]);
  return deps.matches.get(matchId);
}

/**
 * The candidate or the post's owner accepts or declines a match. Accepting opens the conversation
 * the exchange starts from and tells the other side; declining hides the match for good (and
 * counts as an answer for the candidate's responsiveness). Answering twice the same way is harmless.
 * @throws NotFoundError when the subject is not a side of the match, or either side blocked the
 * other; RuleViolationError when it was
 * already answered the other way or its post closed.
 */
export async function respondToMatch(
  deps: RespondDeps,
  acting: Acting,
  matchId: string,
  answer: "accept" | "decline",
): Promise<Match> {
  const me = acting.subject.memberId;
  const match = (await deps.matches.get(matchId)) ?? (await fromShortlist(deps, matchId, me));
  if (!match || (match.candidateId !== me && match.postOwnerId !== me))
    throw new NotFoundError("No such match");
  const other = await deps.members.get(me === match.candidateId ? match.postOwnerId : match.candidateId);
  // Across a block, a match is answered as one that does not exist (the blocked side never learns).
  if (other && blockedEitherWay(acting.subject, other)) throw new NotFoundError("No such match");
  const target = answer === "accept" ? "accepted" : "declined";
  if (match.status === target) return match;
  if (match.status === "accepted" || match.status === "declined" || match.status === "closed") {
    throw new RuleViolationError(`This match is already ${match.status}`);
  }
  const at = deps.clock.now().toISOString();
  const next: Match = {
    ...match,
    status: target,
    respondedBy: me,
    respondedAt: at,
    updatedAt: at,
    ...(answer === "accept" ? { conversationId: match.matchId } : {}),
  };
  await deps.matches.update(next, match.updatedAt);
  if (answer === "accept") {
    const otherId = me === match.candidateId ? match.postOwnerId : match.candidateId;
    await notify(deps, {
      memberId: otherId,
      kind: "match",
      title: `${acting.subject.displayName} would like to go ahead: ${match.postTitle}`,
      body: "Agree the details and propose an exchange from the match.",
      link: `/me/matches`,
      dedupeKey: `match-accepted#${match.matchId}`,
    });
  }
  return next;
}
