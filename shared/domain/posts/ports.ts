import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import type { Post, PostCard, PostKind } from "./post.ts";

/**
 * One ordered run of open posts the search reads (a key range of one index partition).
 * - place: posts of a kind (and category) in one geohash cell, ascending by position; `from`/`to`
 *   narrow it to a finer cell (inclusive position bounds). Positions are `<geohash9>#<postId>`.
 * - recent: posts of a kind (and category) city-wide, or the online ones, newest first.
 * - word: posts of a kind found by one search word, newest first.
 * Recent and word positions are `<createdAt>#<postId>`, comparable across sources.
 */
export type SearchSource =
  | {
      index: "place";
      kind: PostKind;
      category?: string | undefined;
      partition: string;
      from?: string | undefined;
      to?: string | undefined;
    }
  | { index: "recent"; kind: PostKind; category?: string | undefined; online?: boolean | undefined }
  | { index: "word"; kind: PostKind; word: string };

export interface SourceRead {
  /** In the source's order, each with its position (the index sort key). */
  items: { card: PostCard; position: string }[];
  /** Items the store read for this call (what capacity is charged for). */
  read: number;
  /** true when the source has nothing after the last item returned. */
  exhausted: boolean;
}

/** A live post whose reminder or expiry has fallen due. */
export interface DuePost {
  card: PostCard;
  /** The instant its next step fell due: the reminder time, or the expiry itself. */
  dueAt: string;
}

/** Storage port for posts and their search indexes; the DynamoDB adapter lives in shared/data. */
export interface PostRepository {
  /**
   * Stores a new post with its index entries, atomically.
   * @throws ConflictError when the post id is taken.
   */
  create(post: Post): Promise<void>;
  get(postId: string): Promise<Post | undefined>;
  /**
   * Replaces `previous` with `next` if nobody changed it since it was read (optimistic lock on
   * updatedAt and status); index entries follow in the same transaction.
   * @throws ConflictError when it changed meanwhile.
   */
  replace(
    next: Post,
    previous: Post,
    notice?: { notification: Notification; dedupeKey: string },
  ): Promise<void>;
  /** A member's posts, any status, newest first. */
  listByOwner(ownerId: string, page: PageRequest): Promise<Page<PostCard>>;
  /** Posts made in an area between two instants (inclusive), any status, newest first; at most `limit`. */
  listByArea(area: string, range: { from: string; to: string }, limit: number): Promise<PostCard[]>;
  /** Live posts whose next step fell due on these UTC days, up to `until`; at most `limit` per day. */
  listDue(days: readonly string[], until: string, limit: number): Promise<DuePost[]>;
  /**
   * Marks a live post expired and takes it out of every search index, if its expiry is still the
   * one seen (an extension in between wins).
   * @throws ConflictError when the post changed or is no longer live.
   */
  expire(card: PostCard, at: string): Promise<void>;
  /**
   * After the reminder: the post is next due at its expiry.
   * @throws ConflictError when the post changed or is no longer live.
   */
  reminderSent(card: PostCard): Promise<void>;
  /** Reads up to `limit` items of a source, after `after` (a position) when given. */
  readSource(source: SearchSource, limit: number, after?: string): Promise<SourceRead>;
}

export interface PostsPorts {
  posts: PostRepository;
}
