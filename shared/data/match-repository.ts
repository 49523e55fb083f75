import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "../domain/errors.ts";
import type { IndexEntry, Side } from "../domain/matching/index-entries.ts";
import { type Match, matchSchema } from "../domain/matching/match.ts";
import type {
  MatchIndexRepository,
  MatchRepository,
  MatchSignalsRepository,
  MemberSignals,
  SignalsChange,
} from "../domain/matching/ports.ts";
import type { Page, PageRequest } from "../domain/paging.ts";
import * as z from "../zod.ts";
import { batchGetItems } from "./batch-get.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { keys } from "./keys.ts";

const indexEntrySchema = z.object({
  side: z.enum(["gives", "asks"]),
  category: z.string(),
  cell: z.string(),
  memberId: z.string(),
  source: z.string(),
  location: z.optional(z.object({ lat: z.number(), lon: z.number() })),
  tags: z.array(z.string()),
  availability: z.array(z.object({ day: z.int(), from: z.string(), to: z.string() })),
  sensitive: z.boolean(),
  createdAt: z.string(),
});

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, i * size + size),
  );
}

export class DynamoMatchIndexRepository implements MatchIndexRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private keyOf(e: IndexEntry) {
    return keys.matchIndex(e.side, e.category, e.cell, e.memberId, e.source);
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

  async query(side: Side, category: string, cells: readonly string[], limitPerCell: number) {
    const results = await Promise.all(
      cells.map((cell) =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": keys.matchIndex(side, category, cell, "", "").pk },
            Limit: limitPerCell,
          }),
        ),
      ),
    );
    const entries = results.flatMap((r) => (r.Items ?? []).map((item) => indexEntrySchema.parse(item)));
    return { entries, read: results.reduce((n, r) => n + (r.ScannedCount ?? 0), 0), calls: cells.length };
  }
}

const signalsSchema = z.object({
  memberId: z.string(),
  partners: z._default(z.record(z.string(), z.number()), {}),
  settled: z._default(z.number(), 0),
  cancelled: z._default(z.number(), 0),
  told: z._default(z.number(), 0),
  answered: z._default(z.number(), 0),
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
        if (name.startsWith("given#")) givenMinutes = (givenMinutes ?? 0) + value;
      }
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
          UpdateExpression: "SET memberId = :member, entity = :entity, #b = :balance, #g = :given",
          ExpressionAttributeNames: { "#b": `balance#${change.shard}`, "#g": `given#${change.shard}` },
          ExpressionAttributeValues: {
            ":member": memberId,
            ":entity": "MatchSignals",
            ":balance": change.balance,
            ":given": change.totalIn,
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
    if (change.type === "exchange") {
      adds.push(`${change.outcome} :one`);
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
          UpdateExpression: `SET memberId = :member, entity = :entity ADD ${adds.join(", ")}`,
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
        throw new ConflictError("The match changed meanwhile");
      throw error;
    }
  }

  async listForCandidate(memberId: string, page: PageRequest): Promise<Page<Match>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "matchesByCandidate",
        KeyConditionExpression: "candidatePk = :pk",
        ExpressionAttributeValues: { ":pk": keys.matchesByCandidate(memberId) },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor),
      }),
    );
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
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

  async takeBudget(memberId: string, day: string, limit: number, matchId: string): Promise<boolean> {
    const key = keys.matchBudget(memberId, day);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          // Counts each match once and never past the limit; the item expires after two days.
          UpdateExpression: "ADD used :one, matchIds :match SET entity = :entity, expiresAt = :ttl",
          ConditionExpression:
            "attribute_not_exists(used) OR (used < :limit AND NOT contains(matchIds, :matchId))",
          ExpressionAttributeValues: {
            ":one": 1,
            ":match": new Set([matchId]),
            ":matchId": matchId,
            ":limit": limit,
            ":entity": "MatchBudget",
            // The day key already scopes the count; the TTL only tidies up, so wall-clock time is fine.
            ":ttl": Math.floor(Date.now() / 1000) + 2 * 86_400,
          },
        }),
      );
      return limit > 0;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Either the budget is spent, or this very match was already counted (a redelivery).
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const counted = Item?.matchIds instanceof Set && Item.matchIds.has(matchId);
      return counted;
    }
  }

  async addToDigest(match: Match): Promise<void> {
    await this.db
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.digestEntry(match.candidateId, match.matchId),
                  entity: "DigestEntry",
                  ...match,
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.digestDue(match.candidateId),
                  entity: "DigestDue",
                  memberId: match.candidateId,
                },
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof TransactionCanceledException)) throw error;
        throw new ConflictError("digest entry write was cancelled");
      });
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
