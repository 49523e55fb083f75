import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { type Area, type IndexEntry, partitionOf, type Side } from "#domain/matching/index-entries.ts";
import { type Match, matchSchema } from "#domain/matching/match.ts";
import type {
  MatchIndexRepository,
  MatchRepository,
  MatchSignalsRepository,
  MemberSignals,
  SignalsChange,
} from "#domain/matching/ports.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import { languageSchema } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import { batchGetItems } from "./batch-get.ts";
import { entityKeys, storePaging } from "./cursor.ts";
import { inboxDeliveryItems } from "./inbox-repository.ts";
import { keys } from "./keys.ts";
import { table } from "./table.ts";

const indexEntrySchema = z.object({
  side: z.enum(["gives", "asks"]),
  category: z.string(),
  cell: z.string(),
  memberId: z.string(),
  source: z.string(),
  location: z.optional(z.object({ lat: z.number(), lon: z.number() })),
  tags: z.array(z.string()),
  availability: z.array(z.object({ day: z.int(), from: z.string(), to: z.string() })),
  languages: z.optional(z.array(languageSchema)),
  sensitive: z.boolean(),
  createdAt: z.string(),
});

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, i * size + size),
  );
}

/** One key condition on a partition: sort keys from `from` (inclusive) up to `to` (exclusive of its cell). */
interface KeyRange {
  partition: string;
  range?: string;
  values: Record<string, string>;
}

/**
 * Where a coarse partition is cut into ranges read in parallel: a long partition read page by page
 * would otherwise make a deep chain of calls. Fine cells are `<coarse><c>`, `c` in geohash order.
 */
const PARTITION_CUTS = ["8", "h", "s"];

/**
 * The sort-key conditions that read an area: a cell's key range, or a coarse partition less the
 * cells already read, cut into a few ranges. Every key is `<fine cell>#...`, so the bare cell
 * `<cell>` sorts just before its keys and `<cell>$` just after them.
 */
function conditionsOf(area: Area): KeyRange[] {
  if ("cell" in area) {
    const partition = partitionOf(area.cell);
    return area.cell === partition
      ? [{ partition, values: {} }]
      : [{ partition, range: "begins_with(sk, :from)", values: { ":from": `${area.cell}#` } }];
  }
  // Bounds of the ranges to read, in key order: undefined = open-ended.
  const bounds: [string | undefined, string | undefined][] = [];
  let from: string | undefined;
  const stops = [
    ...area.except.map((cell) => ({ at: cell, skip: true })),
    ...PARTITION_CUTS.map((c) => ({ at: `${area.coarse}${c}`, skip: false })),
  ].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  for (const stop of stops) {
    if (from === undefined || from < stop.at) bounds.push([from, stop.at]);
    // After a skipped cell, reading resumes past its keys; at a cut, right at it.
    if (stop.skip) from = `${stop.at}$`;
    else if (from === undefined || from < stop.at) from = stop.at;
  }
  bounds.push([from, undefined]);
  return bounds.map(([lower, upper]): KeyRange => {
    // An upper bound is a bare cell name: BETWEEN includes it, but no key equals it.
    if (lower !== undefined && upper !== undefined)
      return {
        partition: area.coarse,
        range: "sk BETWEEN :from AND :to",
        values: { ":from": lower, ":to": upper },
      };
    if (upper !== undefined) return { partition: area.coarse, range: "sk < :to", values: { ":to": upper } };
    if (lower !== undefined)
      return { partition: area.coarse, range: "sk >= :from", values: { ":from": lower } };
    return { partition: area.coarse, values: {} };
  });
}

export class DynamoMatchIndexRepository implements MatchIndexRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private keyOf(e: IndexEntry) {
    return keys.matchIndex(e.side, e.category, partitionOf(e.cell), e.cell, e.memberId, e.source);
  }

  async replace(previous: readonly IndexEntry[], next: readonly IndexEntry[]): Promise<void> {
    const nextKeys = new Set(next.map((e) => JSON.stringify(this.keyOf(e))));
    const deletes = previous
      .map((e) => this.keyOf(e))
      .filter((k) => !nextKeys.has(JSON.stringify(k)))
      .map((Key) => ({ DeleteRequest: { Key } }));
    // Puts are whole-item and deletes are by key: replaying the same change leaves the same index.
    const puts = next.map((e) => ({
      PutRequest: { Item: { ...this.keyOf(e), entity: "MatchIndexEntry", ...e } },
    }));
    for (const batch of chunks([...deletes, ...puts], 25)) {
      let requests: typeof batch = batch;
      for (let attempt = 0; requests.length > 0 && attempt < 8; attempt++) {
        const result = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof batch;
      }
      if (requests.length > 0) throw new Error("match index write left unprocessed items");
    }
  }

  async read(side: Side, category: string, areas: readonly Area[]) {
    const pages = await Promise.all(
      areas.flatMap(conditionsOf).map(async ({ partition, range, values }) => {
        const found: IndexEntry[] = [];
        let read = 0;
        let calls = 0;
        let start: Record<string, unknown> | undefined;
        do {
          const page = await this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: range ? `pk = :pk AND ${range}` : "pk = :pk",
              ExpressionAttributeValues: {
                ":pk": keys.matchIndex(side, category, partition, "", "", "").pk,
                ...values,
              },
              ExclusiveStartKey: start,
            }),
          );
          calls += 1;
          // Count, not ScannedCount: the embedded store counts one item too many per page boundary.
          read += page.Count ?? 0;
          for (const item of page.Items ?? []) found.push(indexEntrySchema.parse(item));
          start = page.LastEvaluatedKey;
        } while (start);
        return { found, read, calls };
      }),
    );
    return {
      entries: pages.flatMap((p) => p.found),
      read: pages.reduce((n, p) => n + p.read, 0),
      calls: pages.reduce((n, p) => n + p.calls, 0),
      depth: Math.max(0, ...pages.map((p) => p.calls)),
    };
  }
}

const signalsSchema = z.object({
  memberId: z.string(),
  partners: z._default(z.record(z.string(), z.number()), {}),
  settled: z._default(z.number(), 0),
  cancelled: z._default(z.number(), 0),
  told: z._default(z.number(), 0),
  answered: z._default(z.number(), 0),
  lastSettledAt: z.optional(z.string()),
});

export class DynamoMatchSignalsRepository implements MatchSignalsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getMany(memberIds: readonly string[]): Promise<Map<string, MemberSignals>> {
    const items = await batchGetItems(
      this.db,
      this.tableName,
      memberIds.map((id) => keys.matchSignals(id)),
    );
    const found = new Map<string, MemberSignals>();
    for (const item of items) {
      const partners: Record<string, number> = {};
      let balance: number | undefined;
      let givenMinutes: number | undefined;
      for (const [name, value] of Object.entries(item)) {
        if (typeof value !== "number") continue;
        if (name.startsWith("partner#")) partners[name.slice(8)] = value;
        if (name.startsWith("balance#")) balance = (balance ?? 0) + value;
      }
      // Minutes given in settled exchanges; a member with an account who never gave has given 0.
      if (typeof item.givenToPeople === "number") givenMinutes = item.givenToPeople;
      else if (balance !== undefined) givenMinutes = 0;
      const signals = { ...signalsSchema.parse({ ...item, partners }), balance, givenMinutes };
      found.set(signals.memberId, signals);
    }
    return found;
  }

  async apply(eventKey: string, memberId: string, change: SignalsChange): Promise<void> {
    if (change.type === "ledger") {
      // A plain SET: replaying a book's records in order leaves its latest state.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.matchSignals(memberId),
          UpdateExpression: "SET memberId = :member, entity = :entity, #b = :balance",
          ExpressionAttributeNames: { "#b": `balance#${change.shard}` },
          ExpressionAttributeValues: {
            ":member": memberId,
            ":entity": "MatchSignals",
            ":balance": change.balance,
          },
        }),
      );
      return;
    }
    const names: Record<string, string> = { "#seen": "seen" };
    const values: Record<string, unknown> = {
      ":event": new Set([eventKey]),
      ":eventKey": eventKey,
      ":one": 1,
      ":member": memberId,
      ":entity": "MatchSignals",
    };
    const adds = ["#seen :event"];
    const sets = ["memberId = :member", "entity = :entity"];
    if (change.type === "exchange") {
      // The latest settlement the stream told of ("gone quiet" counts from it).
      if (change.outcome === "settled" && change.at) {
        sets.push("lastSettledAt = :at");
        values[":at"] = change.at;
      }
      adds.push(`${change.outcome} :one`);
      if (change.givenMinutes > 0) {
        adds.push("givenToPeople :given");
        values[":given"] = change.givenMinutes;
      }
      // Partners are top-level counters ("partner#<id>") so one update changes them atomically.
      if (change.outcome === "settled") {
        change.partnerIds.forEach((partner, i) => {
          names[`#p${i}`] = `partner#${partner}`;
          adds.push(`#p${i} :one`);
        });
      }
    } else adds.push(`${change.type} :one`);
    try {
      // The event key set makes each event count once, however often the stream delivers it.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.matchSignals(memberId),
          UpdateExpression: `SET ${sets.join(", ")} ADD ${adds.join(", ")}`,
          ConditionExpression: "attribute_not_exists(#seen) OR NOT contains(#seen, :eventKey)",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

function matchItem(match: Match): Record<string, unknown> {
  return {
    ...keys.match(match.matchId),
    entity: "Match",
    ...match,
    candidatePk: keys.matchesByCandidate(match.candidateId),
    candidateSk: `${match.createdAt}#${match.matchId}`,
    matchPostPk: keys.matchesByPost(match.postId),
    // Best first in ascending order: the score's complement, zero-padded.
    matchPostSk: `${String(1000 - Math.round(match.score * 1000)).padStart(4, "0")}#${match.candidateId}`,
  };
}

export class DynamoMatchRepository implements MatchRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createMissing(matches: readonly Match[]): Promise<Match[]> {
    const created: Match[] = [];
    await Promise.all(
      matches.map(async (match) => {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: matchItem(match),
              ConditionExpression: "attribute_not_exists(pk)",
            }),
          );
          created.push(match);
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
    return created;
  }

  async get(matchId: string): Promise<Match | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.match(matchId), ConsistentRead: true }),
    );
    return Item ? matchSchema.parse(Item) : undefined;
  }

  async update(next: Match, expectedUpdatedAt: string): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: matchItem(next),
          ConditionExpression: "attribute_exists(pk) AND updatedAt = :expected",
          ExpressionAttributeValues: { ":expected": expectedUpdatedAt },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new ConflictError("The match changed meanwhile", undefined, { cause: error });
      throw error;
    }
  }

  async listForCandidate(memberId: string, page: PageRequest): Promise<Page<Match>> {
    const partition = keys.matchesByCandidate(memberId);
    const paging = storePaging({ index: "matchesByCandidate", partition, item: entityKeys(keys.match("")) });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "matchesByCandidate",
        KeyConditionExpression: "candidatePk = :pk",
        ExpressionAttributeValues: { ":pk": partition },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
      }),
    );
    const nextCursor = paging.next(result.LastEvaluatedKey);
    return {
      items: (result.Items ?? []).map((i) => matchSchema.parse(i)),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async listForPost(postId: string, limit: number): Promise<Match[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "matchesByPost",
        KeyConditionExpression: "matchPostPk = :pk",
        ExpressionAttributeValues: { ":pk": keys.matchesByPost(postId) },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((i) => matchSchema.parse(i));
  }

  async saveShortlist(postId: string, candidates: readonly Match[]): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.shortlist(postId), entity: "MatchShortlist", postId, candidates },
      }),
    );
  }

  async shortlist(postId: string): Promise<Match[]> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.shortlist(postId), ConsistentRead: true }),
    );
    return Array.isArray(Item?.candidates) ? Item.candidates.map((m) => matchSchema.parse(m)) : [];
  }

  async dropShortlist(postId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.shortlist(postId) }));
  }

  /** The match item, create-only: it is what makes telling someone happen once. */
  private createOnce(match: Match) {
    return {
      Put: {
        TableName: this.tableName,
        Item: matchItem(match),
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  }

  /**
   * Runs a transaction that creates `match`; a cancellation means either the match exists (told
   * before: "already") or another condition failed ("refused"). A conflict with a concurrent
   * transaction is thrown, so the stream retries.
   */
  private async createWith(match: Match, others: TransactItem[]): Promise<"done" | "already" | "refused"> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [...others, this.createOnce(match)] }));
      return "done";
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.some((r) => r.Code === "TransactionConflict")) throw error;
      return (await this.get(match.matchId)) ? "already" : "refused";
    }
  }

  async tell(
    match: Match,
    notification: Notification,
    budget: { day: string; limit: number },
  ): Promise<"told" | "already" | "budget-spent"> {
    const result = await this.createWith(match, [
      {
        // Counts each match once and never past the limit; the item expires after two days.
        Update: {
          TableName: this.tableName,
          Key: keys.matchBudget(match.candidateId, budget.day),
          UpdateExpression: "ADD used :one, matchIds :match SET entity = :entity, #ttl = :ttl",
          ExpressionAttributeNames: { "#ttl": table.ttlAttribute },
          ConditionExpression: "attribute_not_exists(used) OR used < :limit",
          ExpressionAttributeValues: {
            ":one": 1,
            ":match": new Set([match.matchId]),
            ":limit": budget.limit,
            ":entity": "MatchBudget",
            // The day key already scopes the count; the TTL only tidies up, so wall-clock time is fine.
            ":ttl": Math.floor(Date.now() / 1000) + 2 * 86_400,
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.notification(notification.memberId, notification.notificationId),
            entity: "Notification",
            ...notification,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    ]);
    return result === "done" ? "told" : result === "already" ? "already" : "budget-spent";
  }

  async tellOwner(
    notification: Notification,
    dedupeKey: string,
    budget: { day: string; limit: number },
  ): Promise<"told" | "already" | "budget-spent"> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...inboxDeliveryItems(this.tableName, notification, dedupeKey),
            {
              // The same budget as the owner's own match notices: one count per notice.
              Update: {
                TableName: this.tableName,
                Key: keys.matchBudget(notification.memberId, budget.day),
                UpdateExpression: "ADD used :one, matchIds :notice SET entity = :entity, #ttl = :ttl",
                ExpressionAttributeNames: { "#ttl": table.ttlAttribute },
                ConditionExpression: "attribute_not_exists(used) OR used < :limit",
                ExpressionAttributeValues: {
                  ":one": 1,
                  ":notice": new Set([dedupeKey]),
                  ":limit": budget.limit,
                  ":entity": "MatchBudget",
                  ":ttl": Math.floor(Date.now() / 1000) + 2 * 86_400,
                },
              },
            },
          ],
        }),
      );
      return "told";
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
      if (codes[0] === "ConditionalCheckFailed") return "already";
      if (codes[2] === "ConditionalCheckFailed") return "budget-spent";
      throw error;
    }
  }

  async digestForOwner(match: Match): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.digestEntry(match.postOwnerId, match.matchId),
                entity: "DigestEntry",
                ...match,
              },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.digestDue(match.postOwnerId),
                entity: "DigestDue",
                memberId: match.postOwnerId,
              },
            },
          },
        ],
      }),
    );
  }

  async digest(match: Match): Promise<"digested" | "already"> {
    const result = await this.createWith(match, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.digestEntry(match.candidateId, match.matchId), entity: "DigestEntry", ...match },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.digestDue(match.candidateId), entity: "DigestDue", memberId: match.candidateId },
        },
      },
    ]);
    if (result === "refused") throw new ConflictError("digest entry write was cancelled");
    return result === "done" ? "digested" : "already";
  }

  async pendingDigests(limit: number): Promise<Map<string, Match[]>> {
    const due = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.digestDue("").pk },
        Limit: limit,
      }),
    );
    const out = new Map<string, Match[]>();
    for (const item of due.Items ?? []) {
      const memberId = String(item.memberId);
      const entries = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.digestEntry(memberId, "").pk },
        }),
      );
      out.set(
        memberId,
        (entries.Items ?? []).map((i) => matchSchema.parse(i)),
      );
    }
    return out;
  }

  async clearDigest(memberId: string, matchIds: readonly string[]): Promise<void> {
    await Promise.all(
      matchIds.map((id) =>
        this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.digestEntry(memberId, id) })),
      ),
    );
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.digestDue(memberId) }));
  }

  async scheduleFollowUp(postId: string, dueAt: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.followUp(dueAt, postId), entity: "MatchFollowUp", postId, dueAt },
      }),
    );
  }

  async dueFollowUps(until: string, limit: number): Promise<{ postId: string; dueAt: string }[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk <= :until",
        ExpressionAttributeValues: { ":pk": keys.followUp("", "").pk, ":until": `${until}#~` },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((i) => ({ postId: String(i.postId), dueAt: String(i.dueAt) }));
  }

  async clearFollowUp(postId: string, dueAt: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.followUp(dueAt, postId) }));
  }
}
