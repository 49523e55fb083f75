import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { type Exchange, type ExchangeStatus, exchangeSchema } from "#domain/exchanges/exchange.ts";
import type { ExchangeRepository } from "#domain/exchanges/ports.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { IdempotencyRecord } from "#domain/ledger/idempotency.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import { batchGetItems } from "./batch-get.ts";
import { cancellationCodes, transactOrConflict } from "./cancellation.ts";
import { entityKeys, newestFirstPage, storePaging } from "./cursor.ts";
import { inboxDeliveryItems } from "./inbox-repository.ts";
import { keys } from "./keys.ts";
import { table } from "./table.ts";

/** The stored exchange: the exchange, its keys and the attributes of the exchangesByStatus index. */
export function exchangeItem(exchange: Exchange): Record<string, unknown> {
  return {
    ...keys.exchange(exchange.exchangeId),
    entity: "Exchange",
    ...exchange,
    exchangeStatusPk: keys.exchangesByStatus(exchange.status),
    exchangeStatusSk: `${exchange.statusAt}#${exchange.exchangeId}`,
  };
}

export function idempotencyItem(record: IdempotencyRecord): Record<string, unknown> {
  // The record's expiry is stored as the table's TTL: DynamoDB removes it after the retention period.
  const { expiresAt, ...rest } = record;
  return {
    ...keys.idempotency(record.scope, record.key),
    entity: "IdempotencyRecord",
    ...rest,
    [table.ttlAttribute]: expiresAt,
  };
}

export class DynamoExchangeRepository implements ExchangeRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(exchange: Exchange, notices: readonly InboxDelivery[] = []): Promise<void> {
    // The exchange, a pointer in each party's partition and the counterparts' notices, all or
    // nothing, never overwriting.
    const items = [
      exchangeItem(exchange),
      ...exchange.parties.map((party) => ({
        ...keys.exchangeParty(party.memberId, exchange.createdAt, exchange.exchangeId),
        entity: "ExchangeParty",
        exchangeId: exchange.exchangeId,
        role: party.role,
      })),
    ];
    await transactOrConflict(
      this.db,
      [
        ...items.map((Item) => ({
          Put: { TableName: this.tableName, Item, ConditionExpression: "attribute_not_exists(pk)" },
        })),
        ...notices.flatMap((n) => inboxDeliveryItems(this.tableName, n.notification, n.dedupeKey)),
      ],
      "That exchange already exists",
    );
  }

  async get(exchangeId: string): Promise<Exchange | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.exchange(exchangeId), ConsistentRead: true }),
    );
    return Item ? exchangeSchema.parse(Item) : undefined;
  }

  async getMany(exchangeIds: readonly string[]): Promise<Map<string, Exchange>> {
    const items = await batchGetItems(
      this.db,
      this.tableName,
      exchangeIds.map((id) => keys.exchange(id)),
      { consistent: true },
    );
    return new Map(items.map((item) => exchangeSchema.parse(item)).map((e) => [e.exchangeId, e]));
  }

  async update(
    next: Exchange,
    expectedVersion: number,
    idempotency: IdempotencyRecord | undefined,
    notices: readonly InboxDelivery[] = [],
  ): Promise<"updated" | "stale" | "idempotency-exists"> {
    // Optimistic lock on the version: a transition applies to the state it was decided on, and a
    // settled, declined or cancelled exchange (whose version nobody holds any more) never changes.
    // The notices are keyed by the new version, so they land exactly when the change does.
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: exchangeItem(next),
                ConditionExpression: "version = :expected",
                ExpressionAttributeValues: { ":expected": expectedVersion },
              },
            },
            ...(idempotency
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: idempotencyItem(idempotency),
                      ConditionExpression: "attribute_not_exists(pk)",
                    },
                  },
                ]
              : []),
            ...notices.flatMap((n) => inboxDeliveryItems(this.tableName, n.notification, n.dedupeKey)),
          ],
        }),
      );
      return "updated";
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = cancellationCodes(error);
      if (idempotency && codes[1] === "ConditionalCheckFailed") return "idempotency-exists";
      return "stale";
    }
  }

  async listForParty(memberId: string, page: PageRequest): Promise<Page<Exchange>> {
    const partition = keys.exchangeParty(memberId, "", "").pk;
    const { items: ids, nextCursor } = await newestFirstPage(
      this.db,
      this.tableName,
      { pk: partition },
      page,
      (item) => String(item.exchangeId),
    );
    const exchanges = await this.getMany(ids);
    return {
      items: ids.flatMap((id) => {
        const exchange = exchanges.get(id);
        return exchange ? [exchange] : [];
      }),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async saveQueueEntries(exchange: Exchange, areas: readonly string[]): Promise<void> {
    await Promise.all(
      areas.map(async (area) => {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...keys.exchangeQueueEntry(exchange.exchangeId, area),
                entity: "ExchangeQueueEntry",
                exchangeId: exchange.exchangeId,
                area,
                status: exchange.status,
                version: exchange.version,
                queuePk: keys.exchangesByStatusAndArea(exchange.status, area),
                queueSk: `${exchange.statusAt}#${exchange.exchangeId}`,
              },
              // A redelivered or late record never puts an exchange back in an older status.
              ConditionExpression: "attribute_not_exists(pk) OR version < :version",
              ExpressionAttributeValues: { ":version": exchange.version },
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
  }

  async listQueue(status: ExchangeStatus, area: string, page: PageRequest): Promise<Page<Exchange>> {
    const paging = storePaging({
      index: "exchangesByStatusAndArea",
      partition: keys.exchangesByStatusAndArea(status, area),
      item: { pk: { prefix: keys.exchange("").pk }, sk: { prefix: keys.exchangeQueueEntry("", "").sk } },
    });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "exchangesByStatusAndArea",
        KeyConditionExpression: "queuePk = :pk",
        ExpressionAttributeValues: { ":pk": keys.exchangesByStatusAndArea(status, area) },
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
      }),
    );
    const ids = (result.Items ?? []).map((item) => String(item.exchangeId));
    const exchanges = await this.getMany(ids);
    const nextCursor = paging.next(result.LastEvaluatedKey);
    return {
      // Entries follow the exchange from the stream, a moment behind: one whose exchange has moved
      // on since is left out (its entry is about to move too).
      items: ids.flatMap((id) => {
        const exchange = exchanges.get(id);
        return exchange?.status === status ? [exchange] : [];
      }),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async listByStatus(status: ExchangeStatus, page: PageRequest): Promise<Page<Exchange>> {
    const paging = storePaging({
      index: "exchangesByStatus",
      partition: keys.exchangesByStatus(status),
      item: entityKeys(keys.exchange("")),
    });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "exchangesByStatus",
        KeyConditionExpression: "exchangeStatusPk = :pk",
        ExpressionAttributeValues: { ":pk": keys.exchangesByStatus(status) },
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
      }),
    );
    const nextCursor = paging.next(result.LastEvaluatedKey);
    return {
      items: (result.Items ?? []).map((item) => exchangeSchema.parse(item)),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async listIdsByStatus(
    status: ExchangeStatus,
    before: string | undefined,
    page: PageRequest,
  ): Promise<Page<string>> {
    const paging = storePaging({
      index: "exchangesByStatus",
      partition: keys.exchangesByStatus(status),
      ...(before ? { sort: { below: before } } : {}),
      item: entityKeys(keys.exchange("")),
    });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "exchangesByStatus",
        KeyConditionExpression: before
          ? "exchangeStatusPk = :pk AND exchangeStatusSk < :before"
          : "exchangeStatusPk = :pk",
        ExpressionAttributeValues: {
          ":pk": keys.exchangesByStatus(status),
          ...(before ? { ":before": before } : {}),
        },
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
      }),
    );
    const nextCursor = paging.next(result.LastEvaluatedKey);
    return {
      items: (result.Items ?? []).map((item) => String(item.exchangeId)),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }
}
