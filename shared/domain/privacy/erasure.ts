import type { Deps } from "#domain/deps.ts";
import { coordinatesArea, type Member } from "#domain/membership/member.ts";
import type { Post } from "#domain/posts/post.ts";
import type { ErasureStore, ExportArchiveEraser, LoginDirectory } from "./ports.ts";

/** What an erased post's title reads wherever it was copied. */
export const ERASED_POST_TITLE = "A post since erased";

export type ErasureDeps = Pick<
  Deps,
  "posts" | "matches" | "exchanges" | "members" | "clock" | "redemptionRequests"
> & {
  erasure: ErasureStore;
  logins: LoginDirectory;
  exportArchives: ExportArchiveEraser;
};

export interface ErasureReport {
  logins: number;
  itemsDeleted: number;
  posts: number;
  matches: number;
  exchanges: number;
  noticesRewritten: number;
  /** Export sections and archives deleted (an export made before closing holds the name). */
  exportObjects: number;
}

/**
 * Erases a closed member everywhere their personal data was copied, given the member as they were
 * before closing (the name and tags to find). Ledger lines and exchanges stay, under the
 * pseudonym; the audit trail keeps field names, never values. Every step is idempotent and the
 * posts go last, so a retry after a failure still finds the titles it must scrub elsewhere.
 * Runs on the stream when a member becomes closed (functions/streams/erasure.ts).
 */
export async function eraseClosedMember(
  deps: ErasureDeps,
  before: Member,
  closed: Member,
): Promise<ErasureReport> {
  const memberId = closed.memberId;
  const pseudonym = closed.displayName;
  const report: ErasureReport = {
    logins: 0,
    itemsDeleted: 0,
    posts: 0,
    matches: 0,
    exchanges: 0,
    noticesRewritten: 0,
    exportObjects: 0,
  };

  // 1. The sign-in identity: the provider's user first, then the link (a retry finds the link).
  for (const subject of await deps.erasure.loginsOf(memberId)) {
    await deps.logins.deleteLogin(subject);
    await deps.erasure.unlinkLogin(memberId, subject);
    report.logins++;
  }

  // 2. What the member wrote, and who holds copies of it.
  const posts = await allPosts(deps, memberId);
  const others = new Set<string>();
  const replacements = new Map<string, string>();
  if (before.displayName !== pseudonym) replacements.set(before.displayName, pseudonym);
  for (const post of posts) if (post.title.length > 0) replacements.set(post.title, ERASED_POST_TITLE);
  const quotes = [...replacements.keys()];
  // Tags show in reasons beside the name ("offers Gardening (roses)"): scrubbed where the name is.
  for (const tag of before.skills.tags) replacements.set(tag, "…");

  for (const post of posts) {
    for (const match of await deps.matches.listForPost(post.postId, 1000)) {
      others.add(match.candidateId);
      await deps.erasure.eraseMatch(match, { postTitle: ERASED_POST_TITLE });
      report.matches++;
    }
    await deps.matches.dropShortlist(post.postId);
  }
  let cursor: string | undefined;
  do {
    const page = await deps.matches.listForCandidate(memberId, { limit: 100, cursor });
    for (const match of page.items) {
      others.add(match.postOwnerId);
      await deps.erasure.eraseMatch(match, { dropReasons: true });
      await deps.erasure.dropFromShortlist(match.postId, memberId);
      report.matches++;
    }
    cursor = page.nextCursor;
  } while (cursor);

  cursor = undefined;
  do {
    const page = await deps.exchanges.listForParty(memberId, { limit: 100, cursor });
    for (const exchange of page.items) {
      for (const party of exchange.parties) if (party.memberId !== memberId) others.add(party.memberId);
      await deps.erasure.renameParty(exchange.exchangeId, memberId, pseudonym);
      report.exchanges++;
    }
    cursor = page.nextCursor;
  } while (cursor);

  // Redemptions venues recorded for the member carry their name; whoever recorded one that was
  // declined was told of it by name.
  cursor = undefined;
  do {
    const page = await deps.redemptionRequests.listForMember(memberId, { limit: 100, cursor });
    for (const request of page.items) {
      others.add(request.createdBy);
      await deps.redemptionRequests.renameMember(request.requestId, pseudonym);
    }
    cursor = page.nextCursor;
  } while (cursor);

  // Coordinators in scope were told of the member (joining, write-offs, disputes).
  for (const coordinator of await deps.members.listCoordinators()) {
    if (coordinatesArea(coordinator, before.area)) others.add(coordinator.memberId);
  }
  others.delete(memberId);

  // 3. Copies in other people's inboxes: the name and post titles become the pseudonym.
  if (quotes.length > 0) {
    for (const other of others) {
      report.noticesRewritten += await deps.erasure.scrubNotices(other, replacements, quotes);
    }
  }

  // 4. What was kept for the member alone (export jobs with it, then their archives), then the posts.
  report.itemsDeleted = await deps.erasure.forgetMemberItems(memberId);
  report.exportObjects = await deps.exportArchives.forgetMember(memberId);
  const at = deps.clock.now().toISOString();
  for (const post of posts) {
    await deps.erasure.erasePost(post.postId, at);
    report.posts++;
  }
  return report;
}

async function allPosts(deps: Pick<Deps, "posts">, ownerId: string) {
  const cards = [];
  let cursor: string | undefined;
  do {
    const page = await deps.posts.listByOwner(ownerId, { limit: 100, cursor });
    cards.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return cards;
}

/**
 * A post stripped of what its owner wrote and where it was (an exact point included); kind,
 * category, minutes, status and dates stay for the city's figures.
 */
export function erasedPost(post: Post, at: string): Post {
  const { location: _location, availability: _availability, ...rest } = post;
  return {
    ...rest,
    title: ERASED_POST_TITLE,
    description: "",
    tags: [],
    words: [],
    where: post.where.type === "point" ? { type: "my-place" } : post.where,
    updatedAt: at,
    updatedBy: "system",
  };
}

/**
 * A post removed by the city's retention rule (its TTL, `retention.postDays` after it ended) takes
 * its matches with it: each match and its copies in either side's digest, and the post's
 * shortlist. Its search words went when it ended, and the matching index follows the removal on
 * its own. Idempotent: a redelivered removal finds nothing left. @returns how many matches went.
 */
export async function forgetRemovedPost(
  deps: Pick<ErasureDeps, "matches" | "erasure">,
  post: Pick<Post, "postId">,
): Promise<number> {
  const gone = new Set<string>();
  for (;;) {
    // Each page is deleted before the next is read; an index that lags brings nothing new and ends it.
    const page = (await deps.matches.listForPost(post.postId, 100)).filter((m) => !gone.has(m.matchId));
    if (page.length === 0) break;
    for (const match of page) {
      await deps.erasure.forgetMatch(match);
      gone.add(match.matchId);
    }
  }
  await deps.matches.dropShortlist(post.postId);
  return gone.size;
}
