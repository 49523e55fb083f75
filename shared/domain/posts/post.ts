import { ValidationError } from "#domain/kernel/errors.ts";
import { insideBounds, type Point, pointSchema } from "#domain/kernel/geo.ts";
import { localDate } from "#domain/kernel/time.ts";
import { availabilityWindowSchema, coordinatesArea, type Member } from "#domain/membership/member.ts";
import type { City } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import { coarseCell, coarsePoint } from "./search/cells.ts";
import { postWordsOf } from "./search/text.ts";

export const postKinds = ["offer", "request"] as const;
export type PostKind = (typeof postKinds)[number];
export const postStatuses = ["open", "paused", "fulfilled", "expired", "withdrawn"] as const;
export type PostStatus = (typeof postStatuses)[number];
/** The statuses a member may set; `expired` is set by the expiry schedule only. */
export const settableStatuses = ["open", "paused", "fulfilled", "withdrawn"] as const;
export type SettableStatus = (typeof settableStatuses)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

/** The rules of a post's life, in one place so tests and docs quote the same numbers. */
export const postRules = {
  defaultLifetimeDays: 30,
  maxLifetimeDays: 180,
  /** The owner is reminded this long before expiry, once per expiry date. */
  reminderLeadDays: 3,
  /** Create and edit bodies: a full post is about 20 KB at most (4000 four-byte characters). */
  maxBodyBytes: 32 * 1024,
} as const;

const title = z.string().check(z.trim(), z.minLength(1), z.maxLength(120));
const description = z.string().check(z.trim(), z.maxLength(4000));
const tags = z
  .array(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(30)))
  .check(z.maxLength(10));
const category = z.string().check(z.minLength(1), z.maxLength(40));
const estimatedMinutes = z.int().check(z.gte(5), z.lte(1440));
/** More than 1 makes a group post: one provider, many receivers (a class, a shared lift). */
const capacity = z.int().check(z.gte(1), z.lte(100));
const expiresAt = z.iso.datetime({ offset: true });

/** Where the exchange happens. "my-place"/"your-place" use the owner's home, never shown exactly. */
export const placeSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("point"), point: pointSchema }),
  z.strictObject({ type: z.literal("online") }),
  z.strictObject({ type: z.literal("my-place") }),
  z.strictObject({ type: z.literal("your-place") }),
]);
export type Place = z.infer<typeof placeSchema>;

/** When: weekly windows (day 0 = Monday, city time) or a range of dates. */
export const postAvailabilitySchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("weekly"),
    windows: z.array(availabilityWindowSchema).check(z.minLength(1), z.maxLength(21)),
  }),
  z
    .strictObject({ type: z.literal("dates"), from: z.iso.date(), to: z.iso.date() })
    .check(z.refine((d) => d.to >= d.from, { message: "to must not be before from", path: ["to"] })),
]);
export type PostAvailability = z.infer<typeof postAvailabilitySchema>;

/** POST /posts: what a member (or someone acting for them) sends. */
export const newPostSchema = z.strictObject({
  kind: z.enum(postKinds),
  title,
  description: z.optional(description),
  category,
  tags: z.optional(tags),
  where: placeSchema,
  availability: z.optional(postAvailabilitySchema),
  estimatedMinutes,
  capacity: z.optional(capacity),
  /** Default 30 days after creation; at most 180 days ahead. */
  expiresAt: z.optional(expiresAt),
});
export type NewPost = z.infer<typeof newPostSchema>;

/** PATCH /posts/{postId}: any editable field; `availability: null` removes it. */
export const postPatchSchema = z
  .strictObject({
    title: z.optional(title),
    description: z.optional(description),
    category: z.optional(category),
    tags: z.optional(tags),
    where: z.optional(placeSchema),
    availability: z.optional(z.nullable(postAvailabilitySchema)),
    estimatedMinutes: z.optional(estimatedMinutes),
    capacity: z.optional(capacity),
    expiresAt: z.optional(expiresAt),
  })
  .check(z.refine((p) => Object.keys(p).length > 0, "Name at least one field to change"));
export type PostPatch = z.infer<typeof postPatchSchema>;

export const postStatusChangeSchema = z.strictObject({ status: z.enum(settableStatuses) });

/** A post as stored. Internal fields (location, words, reminderAt) never reach a client. */
export const postSchema = z.object({
  postId: z.string(),
  /** The member the post belongs to: a person or an organisation. */
  ownerId: z.string(),
  kind: z.enum(postKinds),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  where: placeSchema,
  /**
   * The point distances are measured from: the chosen point, or for a home-based post the centre
   * of the coarse cell around the home (never the home itself). Absent: not geolocated.
   */
  location: z.optional(pointSchema),
  availability: z.optional(postAvailabilitySchema),
  estimatedMinutes: z.int(),
  capacity: z.int(),
  expiresAt: z.iso.datetime(),
  /** When the expiry reminder is due; absent once sent or when the post is too short-lived for one. */
  reminderAt: z.optional(z.iso.datetime()),
  /** From the category: shown only to verified members, the owner and coordinators in scope. */
  sensitive: z.boolean(),
  status: z.enum(postStatuses),
  /** The owner's area when the post was made: decides which coordinators look after it. */
  area: z.string(),
  /** Folded title and tag words the post is found by. */
  words: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Who made the post (the owner, an organisation admin or a coordinator acting for the owner). */
  createdBy: z.string(),
  /** Who last changed it, or "system" for the expiry schedule: feeds the audit trail. */
  updatedBy: z.string(),
  /**
   * What settled exchanges took of it (see post-fulfilment.ts): places taken (one per receiver an
   * offer's owner gave to) and the exchanges counted, each once.
   */
  fulfilment: z.optional(z.object({ placesTaken: z.int(), exchangeIds: z.array(z.string()) })),
});
export type Post = z.infer<typeof postSchema>;

/** The part of a post that lists and search results carry (and the indexes copy). */
export const postCardSchema = z.pick(postSchema, {
  postId: true,
  ownerId: true,
  kind: true,
  title: true,
  category: true,
  tags: true,
  where: true,
  location: true,
  availability: true,
  estimatedMinutes: true,
  capacity: true,
  expiresAt: true,
  sensitive: true,
  status: true,
  area: true,
  words: true,
  createdAt: true,
});
export type PostCard = z.infer<typeof postCardSchema>;

/** Where, as others see it: the point a member chose, or only a coarse cell around a home. */
export const placeViewSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("point"), point: pointSchema }),
  z.object({ type: z.literal("online") }),
  z.object({ type: z.literal("my-place"), cell: z.optional(z.string()) }),
  z.object({ type: z.literal("your-place"), cell: z.optional(z.string()) }),
]);
export type PlaceView = z.infer<typeof placeViewSchema>;

export const postCardViewSchema = z.object({
  postId: z.string(),
  ownerId: z.string(),
  kind: z.enum(postKinds),
  title: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  where: placeViewSchema,
  availability: z.optional(postAvailabilitySchema),
  estimatedMinutes: z.int(),
  capacity: z.int(),
  sensitive: z.boolean(),
  status: z.enum(postStatuses),
  area: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Search results near a point: kilometres to the post (to the cell centre for home-based posts). */
  distanceKm: z.optional(z.number()),
});
export type PostCardView = z.infer<typeof postCardViewSchema>;

export const postViewSchema = z.extend(z.omit(postCardViewSchema, { distanceKm: true }), {
  description: z.string(),
  updatedAt: z.string(),
  /** Only for the owner's side and coordinators in scope. */
  createdBy: z.optional(z.string()),
  updatedBy: z.optional(z.string()),
});
export type PostView = z.infer<typeof postViewSchema>;

/** Everything a post's derived fields depend on besides its own fields. */
export interface PostContext {
  city: City;
  now: Date;
  /** The owner's home if the editor knows it (they are, or act for, the owner). */
  ownerHome: Point | undefined;
}

const transitions: Record<PostStatus, readonly PostStatus[]> = {
  open: ["paused", "fulfilled", "withdrawn", "expired"],
  paused: ["open", "fulfilled", "withdrawn", "expired"],
  fulfilled: [],
  expired: [],
  withdrawn: [],
};

/** Whether a post may move from one status to another (terminal statuses never change). */
export function canTransition(from: PostStatus, to: PostStatus): boolean {
  return transitions[from].includes(to);
}

/** Open and paused posts can still be edited, paused, reopened and expire. */
export function isLive(status: PostStatus): boolean {
  return status === "open" || status === "paused";
}

/** The city's sensitive categories: their posts are for verified eyes only. */
export function isSensitiveCategory(city: City, categoryId: string): boolean {
  return city.skills.some((s) => s.id === categoryId && s.sensitive === true);
}

/** @throws ValidationError naming `field` when the category is not one of the city's skills. */
export function requireCategory(city: City, categoryId: string, field = "category"): void {
  if (!city.skills.some((s) => s.id === categoryId)) {
    throw new ValidationError("Unknown category", [
      { path: field, message: `Must be one of: ${city.skills.map((s) => s.id).join(", ")}` },
    ]);
  }
}

/**
 * @throws ValidationError naming expiresAt when it is not in the future or more than
 * maxLifetimeDays ahead.
 */
export function requireExpiry(expires: string, now: Date): string {
  const at = new Date(expires);
  if (at.getTime() <= now.getTime()) {
    throw new ValidationError("The expiry must be in the future", [
      { path: "expiresAt", message: "Must be in the future" },
    ]);
  }
  if (at.getTime() > now.getTime() + postRules.maxLifetimeDays * DAY_MS) {
    throw new ValidationError("The expiry is too far ahead", [
      { path: "expiresAt", message: `Must be at most ${postRules.maxLifetimeDays} days ahead` },
    ]);
  }
  // Stored in UTC with milliseconds, so expiry keys sort as strings.
  return at.toISOString();
}

function requirePlace(city: City, where: Place): void {
  if (where.type === "point" && !insideBounds(where.point, city.map.bounds)) {
    throw new ValidationError("The place is outside the city", [
      { path: "where.point", message: `Must lie inside ${city.name}'s bounds` },
    ]);
  }
}

function requireAvailability(city: City, availability: PostAvailability | undefined, now: Date): void {
  if (availability?.type === "dates" && availability.to < localDate(now, city.timezone)) {
    throw new ValidationError("The dates have passed", [
      { path: "availability.to", message: "Must not be in the past" },
    ]);
  }
}

/** The point to measure distance from; home-based posts use the coarse cell centre, not the home. */
function locationFor(where: Place, context: PostContext, previous?: Post): Point | undefined {
  if (where.type === "point") return where.point;
  if (where.type === "online") return undefined;
  if (context.ownerHome) return coarsePoint(context.ownerHome, context.city.privacy.locationCellPrecision);
  // An editor who does not know the home keeps the home-based location the post already had.
  return previous && previous.where.type !== "point" && previous.where.type !== "online"
    ? previous.location
    : undefined;
}

function reminderFor(expiry: string, now: Date): string | undefined {
  const at = new Date(expiry).getTime() - postRules.reminderLeadDays * DAY_MS;
  // A post that expires within the lead time gets no reminder: the owner has just set the date.
  return at > now.getTime() ? new Date(at).toISOString() : undefined;
}

function uniqueTags(list: readonly string[] | undefined): string[] {
  return [...new Set(list ?? [])];
}

/**
 * A complete, checked post from a request. `ownerHome` is the owner's home when it is known.
 * @throws ValidationError naming the field for an unknown category, a place outside the city,
 * dates that are over or an expiry that is past or too far ahead.
 */
export function buildPost(
  fields: NewPost,
  ids: { postId: string; owner: Member; actorId: string },
  context: PostContext,
): Post {
  const { city, now } = context;
  requireCategory(city, fields.category);
  requirePlace(city, fields.where);
  requireAvailability(city, fields.availability, now);
  const expiry = requireExpiry(
    fields.expiresAt ?? new Date(now.getTime() + postRules.defaultLifetimeDays * DAY_MS).toISOString(),
    now,
  );
  const tagList = uniqueTags(fields.tags);
  const location = locationFor(fields.where, context);
  const reminderAt = reminderFor(expiry, now);
  const at = now.toISOString();
  return {
    postId: ids.postId,
    ownerId: ids.owner.memberId,
    kind: fields.kind,
    title: fields.title,
    description: fields.description ?? "",
    category: fields.category,
    tags: tagList,
    where: fields.where,
    ...(location ? { location } : {}),
    ...(fields.availability ? { availability: fields.availability } : {}),
    estimatedMinutes: fields.estimatedMinutes,
    capacity: fields.capacity ?? 1,
    expiresAt: expiry,
    ...(reminderAt ? { reminderAt } : {}),
    sensitive: isSensitiveCategory(city, fields.category),
    status: "open",
    area: ids.owner.area,
    words: postWordsOf(fields.title, tagList),
    createdAt: at,
    updatedAt: at,
    createdBy: ids.actorId,
    updatedBy: ids.actorId,
  };
}

/**
 * The post after an edit, with derived fields (words, sensitivity, location, reminder) redone.
 * @throws ValidationError naming the field, as buildPost does.
 */
export function applyPatch(post: Post, patch: PostPatch, actorId: string, context: PostContext): Post {
  const { city, now } = context;
  if (patch.category !== undefined) requireCategory(city, patch.category);
  if (patch.where) requirePlace(city, patch.where);
  if (patch.availability) requireAvailability(city, patch.availability, now);
  const expiry = patch.expiresAt !== undefined ? requireExpiry(patch.expiresAt, now) : post.expiresAt;
  const next: Post = {
    ...post,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.category !== undefined ? { category: patch.category } : {}),
    ...(patch.tags !== undefined ? { tags: uniqueTags(patch.tags) } : {}),
    ...(patch.where ? { where: patch.where } : {}),
    ...(patch.estimatedMinutes !== undefined ? { estimatedMinutes: patch.estimatedMinutes } : {}),
    ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
    expiresAt: expiry,
    updatedAt: now.toISOString(),
    updatedBy: actorId,
  };
  if (patch.availability === null) delete next.availability;
  else if (patch.availability) next.availability = patch.availability;
  if (patch.where) {
    const location = locationFor(patch.where, context, post);
    if (location) next.location = location;
    else delete next.location;
  }
  if (patch.expiresAt !== undefined) {
    // A new expiry date earns a new reminder (the dedupe key carries the date).
    const reminderAt = reminderFor(expiry, now);
    if (reminderAt) next.reminderAt = reminderAt;
    else delete next.reminderAt;
  }
  next.sensitive = isSensitiveCategory(city, next.category);
  next.words = postWordsOf(next.title, next.tags);
  return next;
}

/** The card lists and search results carry, as stored in the indexes. */
export function cardOf(post: Post): PostCard {
  return {
    postId: post.postId,
    ownerId: post.ownerId,
    kind: post.kind,
    title: post.title,
    category: post.category,
    tags: post.tags,
    where: post.where,
    ...(post.location ? { location: post.location } : {}),
    ...(post.availability ? { availability: post.availability } : {}),
    estimatedMinutes: post.estimatedMinutes,
    capacity: post.capacity,
    expiresAt: post.expiresAt,
    sensitive: post.sensitive,
    status: post.status,
    area: post.area,
    words: post.words,
    createdAt: post.createdAt,
  };
}

function viewPlace(card: Pick<PostCard, "where" | "location">, city: City): PlaceView {
  const { where, location } = card;
  if (where.type === "point" || where.type === "online") return where;
  // The stored location is already a cell centre; the shown cell is the one around it.
  return location
    ? { type: where.type, cell: coarseCell(location, city.privacy.locationCellPrecision) }
    : { type: where.type };
}

/** The coarse cell shown for a home-based post with a known home; undefined otherwise. */
export function homeCellOfPost(card: Pick<PostCard, "where" | "location">, city: City): string | undefined {
  const where = viewPlace(card, city);
  return "cell" in where ? where.cell : undefined;
}

/** A card as clients see it: no internal fields, a coarse cell instead of any home location. */
export function viewCard(card: PostCard, city: City, distanceKm?: number): PostCardView {
  return {
    postId: card.postId,
    ownerId: card.ownerId,
    kind: card.kind,
    title: card.title,
    category: card.category,
    tags: card.tags,
    where: viewPlace(card, city),
    ...(card.availability ? { availability: card.availability } : {}),
    estimatedMinutes: card.estimatedMinutes,
    capacity: card.capacity,
    sensitive: card.sensitive,
    status: card.status,
    area: card.area,
    createdAt: card.createdAt,
    expiresAt: card.expiresAt,
    ...(distanceKm !== undefined ? { distanceKm } : {}),
  };
}

/** The owner's side: the owner, or whoever acts for them (an organisation admin, a coordinator). */
export function isOwnerSide(
  acting: { actor: Member; subject: Member },
  post: Pick<Post, "ownerId">,
): boolean {
  return acting.subject.memberId === post.ownerId || acting.actor.memberId === post.ownerId;
}

/** A post as `acting.actor` may see it; who made and changed it only for the owner's side and coordinators. */
export function viewPost(post: Post, acting: { actor: Member; subject: Member }, city: City): PostView {
  const { distanceKm: _none, ...card } = viewCard(cardOf(post), city);
  const close = isOwnerSide(acting, post) || coordinatesArea(acting.actor, post.area);
  return {
    ...card,
    description: post.description,
    updatedAt: post.updatedAt,
    ...(close ? { createdBy: post.createdBy, updatedBy: post.updatedBy } : {}),
  };
}

/**
 * Whether the actor may see a post: sensitive posts only for verified members, the owner's side
 * and coordinators in scope. Everyone else gets the answer a missing post gets.
 */
export function maySeePost(
  acting: { actor: Member; subject: Member },
  post: Pick<Post, "ownerId" | "sensitive" | "area">,
): boolean {
  if (!post.sensitive) return true;
  return acting.actor.verified || isOwnerSide(acting, post) || coordinatesArea(acting.actor, post.area);
}

/** How an editor may change a post: as its owner's side, as a coordinator in scope, or not at all. */
export function editorRole(
  acting: { actor: Member; subject: Member },
  post: Pick<Post, "ownerId" | "area">,
): "owner" | "coordinator" | undefined {
  const { actor, subject } = acting;
  if (subject.memberId === post.ownerId) {
    const ownSide =
      actor.memberId === subject.memberId ||
      (subject.kind === "organisation" && subject.admins.includes(actor.memberId));
    // Anyone else acting for the owner got there as a coordinator (see mayActFor).
    return ownSide ? "owner" : "coordinator";
  }
  if (actor.memberId === post.ownerId) return "owner";
  return coordinatesArea(actor, post.area) ? "coordinator" : undefined;
}

/** The instant the schedule next has work on a live post: its reminder, then its expiry. */
export function nextDueAt(post: Pick<Post, "status" | "reminderAt" | "expiresAt">): string | undefined {
  if (!isLive(post.status)) return undefined;
  return post.reminderAt ?? post.expiresAt;
}
