import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import type { DuePost, PostRepository, SearchSource, SourceRead } from "#domain/posts/ports.ts";
import {
  cardOf,
  nextDueAt,
  type Post,
  type PostCard,
  postCardSchema,
  postSchema,
} from "#domain/posts/post.ts";
import { PARTITION_PRECISION, positionHash } from "#domain/posts/search/cells.ts";
import * as z from "#shared/zod.ts";
import { entityKeys, storePaging } from "./cursor.ts";
import { inboxDeliveryItems } from "./inbox-repository.ts";
import { keys } from "./keys.ts";

/** Index attributes a post has only while it is open: removing them takes it out of search. */
const OPEN_INDEX_ATTRIBUTES = [
  "cellPk",
  "cellSk",
  "catCellPk",
  "catCellSk",
  "catPk",
  "catSk",
  "recentPk",
  "recentSk",
] as const;

const ONLINE_CELL = "online";

/**
 * The card is stored as JSON text: it is a read-only copy that no key, filter or update reaches
 * into (search filters run in code), and text is cheaper to write than a nested map, seven index
 * copies of it per open post included (measured on the embedded store: about a third faster).
 */
const cardText = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text): unknown => JSON.parse(text)),
  ),
  postCardSchema,
);
const indexedCardSchema = z.object({ card: cardText });
const dueEntrySchema = z.object({ dueSk: z.string(), card: cardText });

function cardTextOf(card: PostCard): string {
  return JSON.stringify(card);
}

/** The index attributes derived from a post; absent ones keep it out of that (sparse) index. */
function indexAttributes(post: Post): Record<string, string> {
  const at = keys.postAtSk(post.createdAt, post.postId);
  const attributes: Record<string, string> = {
    ownerPk: keys.postsByOwner(post.ownerId),
    ownerSk: at,
    areaPk: keys.postsByArea(post.area),
    areaSk: at,
  };
  const due = nextDueAt(post);
  if (due) {
    // UTC day partitions: the schedule reads a handful of small partitions, never one hot one.
    attributes.duePk = keys.postsByDueDay(due.slice(0, 10));
    attributes.dueSk = keys.postAtSk(due, post.postId);
  }
  if (post.status !== "open") return attributes;
  attributes.catPk = keys.openPostsByCategory(post.category, post.kind);
  attributes.catSk = at;
  attributes.recentPk = keys.openPostsRecent(post.kind);
  attributes.recentSk = at;
  if (post.where.type === "online") {
    attributes.cellPk = keys.openPostsByCell(post.kind, ONLINE_CELL);
    attributes.cellSk = at;
    attributes.catCellPk = keys.openPostsByCategoryCell(post.category, post.kind, ONLINE_CELL);
    attributes.catCellSk = at;
  } else if (post.location) {
    const hash = positionHash(post.location);
    const cell = hash.slice(0, PARTITION_PRECISION);
    attributes.cellPk = keys.openPostsByCell(post.kind, cell);
    attributes.cellSk = keys.postPlaceSk(hash, post.postId);
    attributes.catCellPk = keys.openPostsByCategoryCell(post.category, post.kind, cell);
    attributes.catCellSk = keys.postPlaceSk(hash, post.postId);
  }
  return attributes;
}

/** The stored item: the post, its card (what indexes copy) and its index attributes. */
function itemOf(post: Post): Record<string, unknown> {
  return {
    ...keys.post(post.postId),
    entity: "Post",
    ...post,
    card: cardTextOf(cardOf(post)),
    ...indexAttributes(post),
  };
}

/** The words an open post is found by; a paused or closed post is found by none. */
function searchWords(post: Pick<Post, "status" | "words">): string[] {
  return post.status === "open" ? post.words : [];
}

function wordItem(post: Post, word: string): Record<string, unknown> {
  return {
    ...keys.postWord(word, post.kind, post.createdAt, post.postId),
    entity: "PostWord",
    postId: post.postId,
    card: cardTextOf(cardOf(post)),
  };
}

function wordPut(tableName: string, post: Post, word: string) {
  return { Put: { TableName: tableName, Item: wordItem(post, word) } };
}

function wordDelete(tableName: string, card: Pick<PostCard, "kind" | "createdAt" | "postId">, word: string) {
  return {
    Delete: { TableName: tableName, Key: keys.postWord(word, card.kind, card.createdAt, card.postId) },
  };
}

/**
 * The items `create` writes for a post (the post and its word entries), for bulk loads such as
 * benchmarks and imports, which write them unconditionally with BatchWriteItem.
 */
export function postItemsForBulkLoad(post: Post): Record<string, unknown>[] {
  return [itemOf(post), ...searchWords(post).map((word) => wordItem(post, word))];
}

export class DynamoPostRepository implements PostRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(post: Post): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // Create-only: an id collision must never overwrite someone's post.
              Put: {
                TableName: this.tableName,
                Item: itemOf(post),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            ...searchWords(post).map((word) => wordPut(this.tableName, post, word)),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException)
        throw new ConflictError("A post with this id exists", undefined, { cause: error });
      throw error;
    }
  }

  async get(postId: string): Promise<Post | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.post(postId), ConsistentRead: true }),
    );
    return Item ? postSchema.parse(Item) : undefined;
  }

  async replace(
    next: Post,
    previous: Post,
    notice?: { notification: Notification; dedupeKey: string },
  ): Promise<void> {
    const before = searchWords(previous);
    const after = new Set(searchWords(next));
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // Optimistic lock: lands only if nobody changed the post (or its status) since it was
              // read, so a pause and a withdraw, or two edits, cannot both win.
              Put: {
                TableName: this.tableName,
                Item: itemOf(next),
                ConditionExpression: "attribute_exists(pk) AND updatedAt = :updatedAt AND #status = :status",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":updatedAt": previous.updatedAt, ":status": previous.status },
              },
            },
            ...before.filter((w) => !after.has(w)).map((w) => wordDelete(this.tableName, previous, w)),
            // Every remaining word is rewritten: each entry carries the card, which may have changed.
            ...[...after].map((word) => wordPut(this.tableName, next, word)),
            // The owner's notice lands with the change or not at all.
            ...(notice ? inboxDeliveryItems(this.tableName, notice.notification, notice.dedupeKey) : []),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        throw new ConflictError("The post was changed by someone else; reload and try again", undefined, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async listByOwner(ownerId: string, page: PageRequest): Promise<Page<PostCard>> {
    const partition = keys.postsByOwner(ownerId);
    const paging = storePaging({ index: "postsByOwner", partition, item: entityKeys(keys.post("")) });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "postsByOwner",
        KeyConditionExpression: "ownerPk = :pk",
        ExpressionAttributeValues: { ":pk": partition },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
      }),
    );
    const nextCursor = paging.next(result.LastEvaluatedKey);
    return {
      items: (result.Items ?? []).map((item) => indexedCardSchema.parse(item).card),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async listByArea(area: string, range: { from: string; to: string }, limit: number): Promise<PostCard[]> {
    const out: PostCard[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: "postsByArea",
          KeyConditionExpression: "areaPk = :pk AND areaSk BETWEEN :from AND :to",
          ExpressionAttributeValues: {
            ":pk": keys.postsByArea(area),
            ":from": range.from,
            // Sort keys are `<createdAt>#<postId>`: "~" sorts after every id character.
            ":to": `${range.to}~`,
          },
          ScanIndexForward: false,
          Limit: limit - out.length,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(result.Items ?? []).map((item) => indexedCardSchema.parse(item).card));
      start = result.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out;
  }

  async listDue(days: readonly string[], until: string, limit: number): Promise<DuePost[]> {
    const pages = await Promise.all(
      days.map((day) =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: "postsByDueDay",
            KeyConditionExpression: "duePk = :pk AND dueSk <= :until",
            ExpressionAttributeValues: { ":pk": keys.postsByDueDay(day), ":until": `${until}#~` },
            Limit: limit,
          }),
        ),
      ),
    );
    return pages.flatMap((page) =>
      (page.Items ?? []).map((item) => {
        const entry = dueEntrySchema.parse(item);
        return { card: entry.card, dueAt: entry.dueSk.slice(0, entry.dueSk.indexOf("#")) };
      }),
    );
  }

  async expire(card: PostCard, at: string): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.post(card.postId),
                UpdateExpression: `SET #status = :expired, card = :card, updatedAt = :at, updatedBy = :system REMOVE reminderAt, duePk, dueSk, ${OPEN_INDEX_ATTRIBUTES.join(", ")}`,
                // Only a live post with the expiry we saw: an owner who extended it meanwhile wins.
                ConditionExpression: "#status IN (:open, :paused) AND expiresAt = :expiresAt",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: {
                  ":expired": "expired",
                  ":card": cardTextOf({ ...card, status: "expired" }),
                  ":at": at,
                  ":system": "system",
                  ":open": "open",
                  ":paused": "paused",
                  ":expiresAt": card.expiresAt,
                },
              },
            },
            ...searchWords(card).map((word) => wordDelete(this.tableName, card, word)),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException)
        throw new ConflictError("The post changed", undefined, { cause: error });
      throw error;
    }
  }

  async reminderSent(card: PostCard): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.post(card.postId),
          // updatedAt stays: this is the schedule's bookkeeping, not a change an editor must reload for.
          UpdateExpression: "SET duePk = :pk, dueSk = :sk REMOVE reminderAt",
          ConditionExpression:
            "#status IN (:open, :paused) AND expiresAt = :expiresAt AND attribute_exists(reminderAt)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":pk": keys.postsByDueDay(card.expiresAt.slice(0, 10)),
            ":sk": keys.postAtSk(card.expiresAt, card.postId),
            ":open": "open",
            ":paused": "paused",
            ":expiresAt": card.expiresAt,
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new ConflictError("The post changed", undefined, { cause: error });
      throw error;
    }
  }

  async readSource(source: SearchSource, limit: number, after?: string): Promise<SourceRead> {
    const query = this.sourceQuery(source, after);
    // A position at or past the end of the range (a cursor edited by hand) leaves nothing to read;
    // the store would refuse a range whose lower bound is above its upper bound.
    if (!query) return { items: [], read: 0, exhausted: true };
    const result = await this.db.send(
      new QueryCommand({ ...query, TableName: this.tableName, Limit: limit }),
    );
    const sortKey = query.sortKey;
    const items = (result.Items ?? []).map((item) => ({
      card: indexedCardSchema.parse(item).card,
      position: z.string().parse(item[sortKey]),
    }));
    return { items, read: result.ScannedCount ?? items.length, exhausted: !result.LastEvaluatedKey };
  }

  /** The key condition for one search source; positions resume by key condition, never a raw key. */
  private sourceQuery(
    source: SearchSource,
    after: string | undefined,
  ): (Omit<QueryCommandInput, "TableName" | "Limit"> & { sortKey: string }) | undefined {
    if (source.index === "place") {
      const [index, pk, sk] = source.category
        ? (["openPostsByCategoryCell", "catCellPk", "catCellSk"] as const)
        : (["openPostsByCell", "cellPk", "cellSk"] as const);
      const partition = source.category
        ? keys.openPostsByCategoryCell(source.category, source.kind, source.partition)
        : keys.openPostsByCell(source.kind, source.partition);
      // Place positions are fixed-length (`<geohash9>#<ulid>`), so position + " " is the first key after it.
      const resume = after === undefined ? undefined : `${after} `;
      const low =
        resume !== undefined && (source.from === undefined || resume > source.from) ? resume : source.from;
      const high = source.to;
      const values: Record<string, string> = { ":pk": partition };
      let condition = `${pk} = :pk`;
      if (low !== undefined && high !== undefined && low > high) return undefined;
      if (low !== undefined && high !== undefined) {
        condition += ` AND ${sk} BETWEEN :low AND :high`;
        values[":low"] = low;
        values[":high"] = high;
      } else if (low !== undefined) {
        condition += ` AND ${sk} >= :low`;
        values[":low"] = low;
      } else if (high !== undefined) {
        condition += ` AND ${sk} <= :high`;
        values[":high"] = high;
      }
      return {
        IndexName: index,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        ScanIndexForward: true,
        sortKey: sk,
      };
    }
    let index: string | undefined;
    let pk: string;
    let sk: string;
    let partition: string;
    if (source.index === "word") {
      [pk, sk] = ["pk", "sk"];
      partition = keys.postWord(source.word, source.kind, "", "").pk;
    } else if (source.online) {
      [index, pk, sk] = source.category
        ? ["openPostsByCategoryCell", "catCellPk", "catCellSk"]
        : ["openPostsByCell", "cellPk", "cellSk"];
      partition = source.category
        ? keys.openPostsByCategoryCell(source.category, source.kind, ONLINE_CELL)
        : keys.openPostsByCell(source.kind, ONLINE_CELL);
    } else {
      [index, pk, sk] = source.category
        ? ["openPostsByCategory", "catPk", "catSk"]
        : ["openPostsRecent", "recentPk", "recentSk"];
      partition = source.category
        ? keys.openPostsByCategory(source.category, source.kind)
        : keys.openPostsRecent(source.kind);
    }
    return {
      ...(index ? { IndexName: index } : {}),
      KeyConditionExpression: after === undefined ? `${pk} = :pk` : `${pk} = :pk AND ${sk} < :after`,
      ExpressionAttributeValues: { ":pk": partition, ...(after === undefined ? {} : { ":after": after }) },
      ScanIndexForward: false,
      sortKey: sk,
    };
  }
}
