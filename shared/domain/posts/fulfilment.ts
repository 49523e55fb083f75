import type { Deps } from "#domain/deps.ts";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { ConflictError } from "#domain/kernel/errors.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import { isLive, type Post } from "./post.ts";

/**
 * A post whose exchange settled is closed, so nobody finds, matches or answers help that has been
 * given. What "closed" means depends on the kind:
 * - a request is fulfilled by the first exchange that settles it with its owner as a receiver;
 * - an offer has `capacity` places (1 unless it is a group post): each receiver its owner gave to
 *   in a settled exchange takes one, and the offer is fulfilled when all are taken; until then it
 *   stays open.
 * The exchange names the post (`postId`), or its match does (the match's post and the post the
 * candidate answered through). Only the owner's own post on their own side counts: a request
 * whose owner received, an offer whose owner gave. Each exchange counts once per post, so a
 * redelivered settlement changes nothing; the owner is told when the post closes.
 */
type FulfilmentDeps = Pick<Deps, "posts" | "matches" | "clock" | "ids">;

const MAX_ATTEMPTS = 3;

/** The posts an exchange answers: the one it names and those of the match it came from. */
async function postIdsOf(deps: Pick<Deps, "matches">, exchange: Exchange): Promise<string[]> {
  const ids = new Set<string>();
  if (exchange.postId) ids.add(exchange.postId);
  if (exchange.matchId) {
    const match = await deps.matches.get(exchange.matchId);
    if (match) {
      ids.add(match.postId);
      if (match.counterpartPostId) ids.add(match.counterpartPostId);
    }
  }
  return [...ids];
}

/** Places an exchange takes of a post, or undefined when it does not answer the post at all. */
export function placesTaken(post: Pick<Post, "kind" | "ownerId">, exchange: Exchange): number | undefined {
  const side = exchange.parties.find((p) => p.memberId === post.ownerId)?.role;
  if (post.kind === "request") return side === "receiver" ? 1 : undefined;
  if (side !== "provider") return undefined;
  return exchange.legs.filter((leg) => leg.providerId === post.ownerId).length;
}

/** The post after a settled exchange counted against it (pure); undefined when it does not count. */
export function fulfilled(post: Post, exchange: Exchange, at: string): Post | undefined {
  if (!isLive(post.status) || post.fulfilment?.exchangeIds.includes(exchange.exchangeId)) return undefined;
  const places = placesTaken(post, exchange);
  if (places === undefined) return undefined;
  const taken = (post.fulfilment?.placesTaken ?? 0) + places;
  const full = post.kind === "request" || taken >= post.capacity;
  const next: Post = {
    ...post,
    ...(full ? { status: "fulfilled" as const } : {}),
    fulfilment: {
      placesTaken: taken,
      exchangeIds: [...(post.fulfilment?.exchangeIds ?? []), exchange.exchangeId],
    },
    updatedAt: at,
    updatedBy: "system",
  };
  // A closed post has nothing left to remind anyone about.
  if (full) delete next.reminderAt;
  return next;
}

function closedNotice(deps: Pick<Deps, "ids">, post: Post, exchange: Exchange, at: string): InboxDelivery {
  const what = exchange.description ? ` ("${exchange.description}")` : "";
  const text =
    post.kind === "request"
      ? {
          title: `Your request is fulfilled: ${post.title}`,
          body: `The exchange${what} settled, so your request is closed: it no longer shows in searches or matches.`,
        }
      : {
          title: `All places of your offer are taken: ${post.title}`,
          body: `The exchange${what} settled and took the last of its ${post.capacity} ${post.capacity === 1 ? "place" : "places"}, so your offer is closed. Post it again to offer more.`,
        };
  return {
    notification: {
      notificationId: deps.ids.next(),
      memberId: post.ownerId,
      kind: "post-fulfilled",
      ...text,
      link: `/posts/${post.postId}`,
      params: {
        postId: post.postId,
        exchangeId: exchange.exchangeId,
        placesTaken: post.fulfilment?.placesTaken ?? 1,
      },
      createdAt: at,
    },
    dedupeKey: `post-fulfilled#${post.postId}`,
  };
}

/**
 * Counts a settled exchange against the posts it answers, closing those it fulfils (see above).
 * @throws ConflictError when a post keeps changing under it (the stream retries).
 */
export async function fulfilPostsOfExchange(
  deps: FulfilmentDeps,
  exchange: Exchange,
): Promise<{ postId: string; outcome: "fulfilled" | "counted" | "unchanged" }[]> {
  if (exchange.status !== "settled") return [];
  const results: { postId: string; outcome: "fulfilled" | "counted" | "unchanged" }[] = [];
  for (const postId of await postIdsOf(deps, exchange)) {
    results.push({ postId, outcome: await fulfilPost(deps, postId, exchange) });
  }
  return results;
}

async function fulfilPost(
  deps: FulfilmentDeps,
  postId: string,
  exchange: Exchange,
): Promise<"fulfilled" | "counted" | "unchanged"> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const post = await deps.posts.get(postId);
    if (!post) return "unchanged";
    const at = deps.clock.now().toISOString();
    const next = fulfilled(post, exchange, at);
    if (!next) return "unchanged";
    const closed = next.status === "fulfilled";
    try {
      await deps.posts.replace(next, post, closed ? closedNotice(deps, next, exchange, at) : undefined);
      return closed ? "fulfilled" : "counted";
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new ConflictError(`Post ${postId} kept changing while its exchange was counted`);
}
