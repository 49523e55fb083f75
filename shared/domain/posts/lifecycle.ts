import type { Deps } from "#domain/deps.ts";
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { withArticle } from "#domain/kernel/words.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { coordinatesArea } from "#domain/membership/member.ts";
import { requireArea, requireCoordinator } from "#domain/membership/members.ts";
import { requireVerified } from "#domain/membership/safeguarding.ts";
import * as z from "#shared/zod.ts";
import {
  applyPatch,
  buildPost,
  canTransition,
  editorRole,
  isLive,
  isSensitiveCategory,
  maySeePost,
  type NewPost,
  type Post,
  type PostCard,
  type PostPatch,
  postStatuses,
  type SettableStatus,
} from "./post.ts";

type PostDeps = Pick<Deps, "city" | "clock" | "ids" | "posts" | "inbox">;

/** The owner's home, when the caller is (or acts for) the owner; nobody else ever reads it. */
function ownerHomeFor(acting: Acting, ownerId: string) {
  return acting.subject.memberId === ownerId ? acting.subject.home : undefined;
}

/**
 * Posts an offer or request for the member acted for (the caller, an organisation they run, or a
 * member a coordinator helps). The post lives in the owner's area.
 * @throws ValidationError naming the field (unknown category, place outside the city, dates that
 * are over, an expiry in the past or too far ahead); VerificationRequiredError for a sensitive
 * category when the owner is not verified.
 */
export async function createPost(deps: PostDeps, acting: Acting, fields: NewPost): Promise<Post> {
  if (isSensitiveCategory(deps.city, fields.category)) {
    requireVerified(acting.subject, "category", acting.actor.memberId === acting.subject.memberId);
  }
  const now = deps.clock.now();
  const post = buildPost(
    fields,
    { postId: deps.ids.next(), owner: acting.subject, actorId: acting.actor.memberId },
    { city: deps.city, now, ownerHome: acting.subject.home },
  );
  await deps.posts.create(post);
  return post;
}

/**
 * A post the caller may see.
 * @throws NotFoundError when it does not exist or is sensitive and hidden from the caller (the
 * same answer, so a hidden post's existence never leaks).
 */
export async function getPost(deps: Pick<Deps, "posts">, acting: Acting, postId: string): Promise<Post> {
  const post = await deps.posts.get(postId);
  if (!post || !maySeePost(acting, post)) throw new NotFoundError("No such post");
  return post;
}

/** A post the caller may change, and in which capacity. */
async function editablePost(deps: PostDeps, acting: Acting, postId: string) {
  const post = await getPost(deps, acting, postId);
  const role = editorRole(acting, post);
  if (!role) throw new ForbiddenError("Only the owner or a coordinator for its area can change this post");
  return { post, role };
}

const changeNotice = {
  edited: "changed your post",
  open: "reopened your post",
  paused: "paused your post",
  fulfilled: "marked your post fulfilled",
  withdrawn: "withdrew your post",
} as const;

/**
 * A coordinator changed someone else's post: the owner hears about it in their inbox. The notice
 * is written in the same transaction as the change (one round trip, and never one without the other).
 */
function ownerNotice(deps: PostDeps, acting: Acting, post: Post, what: keyof typeof changeNotice) {
  return {
    notification: {
      notificationId: deps.ids.next(),
      memberId: post.ownerId,
      kind: "post-changed-by-coordinator" as const,
      title: `A coordinator ${changeNotice[what]}`,
      body: `${acting.actor.displayName} ${changeNotice[what]} "${post.title}".`,
      link: `/posts/${post.postId}`,
      createdAt: deps.clock.now().toISOString(),
    },
    // One notice per change: the new updatedAt identifies it.
    dedupeKey: `post-changed#${post.postId}#${post.updatedAt}`,
  };
}

/**
 * Edits an open or paused post: by its owner's side, or by a coordinator in scope of its area (the
 * owner is then told). Words, sensitivity, location and the expiry reminder are redone.
 * @throws NotFoundError (unseen), ForbiddenError (not an editor), RuleViolationError (closed post,
 * or a home-based place set by someone who does not know the home), ValidationError (a field),
 * VerificationRequiredError (a sensitive category for an unverified owner), ConflictError.
 */
export async function updatePost(
  deps: PostDeps & Pick<Deps, "members">,
  acting: Acting,
  postId: string,
  patch: PostPatch,
): Promise<Post> {
  const { post, role } = await editablePost(deps, acting, postId);
  if (!isLive(post.status))
    throw new RuleViolationError(`${withArticle(post.status, true)} post cannot be changed`);
  if (patch.category !== undefined && isSensitiveCategory(deps.city, patch.category)) {
    // Moving a post into a sensitive category is posting in it: its owner must be verified.
    const owner =
      acting.subject.memberId === post.ownerId ? acting.subject : await deps.members.get(post.ownerId);
    requireVerified(owner ?? { verified: false }, "category", acting.actor.memberId === post.ownerId);
  }
  const ownerHome = ownerHomeFor(acting, post.ownerId);
  const homeBased = patch.where?.type === "my-place" || patch.where?.type === "your-place";
  const wasHomeBased = post.where.type === "my-place" || post.where.type === "your-place";
  if (homeBased && !ownerHome && !wasHomeBased && acting.subject.memberId !== post.ownerId) {
    throw new RuleViolationError("To place a post at the owner's home, act for the owner (x-act-for)", [
      { path: "where", message: "Act for the owner to use their home" },
    ]);
  }
  const next = applyPatch(post, patch, acting.actor.memberId, {
    city: deps.city,
    now: deps.clock.now(),
    ownerHome,
  });
  await deps.posts.replace(
    next,
    post,
    role === "coordinator" ? ownerNotice(deps, acting, next, "edited") : undefined,
  );
  return next;
}

/**
 * Pauses, reopens, fulfils or withdraws a post. Open and paused move between each other and to
 * fulfilled or withdrawn; fulfilled, expired and withdrawn are final. Setting the current status
 * again changes nothing.
 * @throws NotFoundError, ForbiddenError, RuleViolationError (a move the rules forbid, or reopening
 * a post whose expiry has passed), ConflictError.
 */
export async function changePostStatus(
  deps: PostDeps,
  acting: Acting,
  postId: string,
  status: SettableStatus,
): Promise<Post> {
  const { post, role } = await editablePost(deps, acting, postId);
  if (post.status === status) return post;
  if (!canTransition(post.status, status)) {
    throw new RuleViolationError(`${withArticle(post.status, true)} post cannot become ${status}`);
  }
  const now = deps.clock.now();
  if (status === "open" && post.expiresAt <= now.toISOString()) {
    throw new RuleViolationError("The post's expiry has passed: extend expiresAt before reopening it");
  }
  const next: Post = { ...post, status, updatedAt: now.toISOString(), updatedBy: acting.actor.memberId };
  // Closed posts have nothing left to remind anyone about.
  if (!isLive(status)) delete next.reminderAt;
  await deps.posts.replace(
    next,
    post,
    role === "coordinator" ? ownerNotice(deps, acting, next, status) : undefined,
  );
  return next;
}

/** The posts of the member acted for, any status, newest first. */
export async function listMyPosts(
  deps: Pick<Deps, "posts">,
  acting: Acting,
  page: PageRequest,
): Promise<Page<PostCard>> {
  return deps.posts.listByOwner(acting.subject.memberId, page);
}

/** Most rows one export answers; a wider export is refused with a hint to narrow it. */
export const MAX_EXPORT_ROWS = 5000;

export const postExportQuerySchema = z.strictObject({
  area: z.optional(z.string().check(z.maxLength(60))),
  status: z.optional(z.enum(postStatuses)),
  /** Posts made on or after this day (UTC). */
  from: z.optional(z.iso.date()),
  /** Posts made on or before this day (UTC). */
  to: z.optional(z.iso.date()),
});
export type PostExportQuery = z.infer<typeof postExportQuerySchema>;

/**
 * Posts in the coordinator's areas (every area for city-wide coordinators and admins), newest
 * first, for a CSV export. Reads the area index, never the whole table.
 * @throws ForbiddenError for non-coordinators or an area outside their scope; ValidationError for
 * an unknown area or a range that ends before it starts; RuleViolationError past MAX_EXPORT_ROWS.
 */
export async function exportPosts(
  deps: Pick<Deps, "city" | "posts">,
  acting: Acting,
  query: PostExportQuery,
): Promise<PostCard[]> {
  const { actor } = acting;
  requireCoordinator(actor);
  if (query.area !== undefined) {
    requireArea(deps.city, query.area, "query.area");
    if (!coordinatesArea(actor, query.area)) throw new ForbiddenError("That area is outside your scope");
  }
  if (query.from && query.to && query.to < query.from) {
    throw new ValidationError("Query parameters are invalid", [
      { path: "query.to", message: "Must not be before from" },
    ]);
  }
  const areas = deps.city.areas
    .map((a) => a.id)
    .filter((id) => (query.area === undefined ? coordinatesArea(actor, id) : id === query.area));
  const range = { from: query.from ?? "0000", to: query.to ? `${query.to}T23:59:59.999Z` : "9999" };
  const perArea = await Promise.all(
    areas.map((area) => deps.posts.listByArea(area, range, MAX_EXPORT_ROWS + 1)),
  );
  const rows = perArea
    .flat()
    .filter((card) => query.status === undefined || card.status === query.status)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  // An area read that stopped at the cap may hide rows the status filter would have kept.
  if (rows.length > MAX_EXPORT_ROWS || perArea.some((list) => list.length > MAX_EXPORT_ROWS)) {
    throw new RuleViolationError(`More than ${MAX_EXPORT_ROWS} posts: narrow the export with from and to`);
  }
  return rows;
}
