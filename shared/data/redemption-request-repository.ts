import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { IdempotencyRecord } from "#domain/ledger/idempotency.ts";
import type { RedemptionRequestRepository } from "#domain/ledger/ports.ts";
import {
  REDEMPTION_REQUEST_KEPT_DAYS,
  type RedemptionRequest,
  redemptionRequestSchema,
} from "#domain/ledger/redemption-request.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import * as z from "#shared/zod.ts";
import { batchGetItems } from "./batch-get.ts";
import { cancellationCodes } from "./cancellation.ts";
import { newestFirstPage } from "./cursor.ts";
import { idempotencyItem } from "./exchange-repository.ts";
import { inboxDeliveryItems } from "./inbox-repository.ts";
import { keys } from "./keys.ts";
import { table } from "./table.ts";

const pointerSchema = z.object({ requestId: z.string() });

/**
 * A recorded redemption is one item (its status changes there, and only under a condition); the
 * venue's day and the member's list point at it with items written once, in the transaction that
 * creates it. Lists read a page of pointers and then the requests themselves, so a status is
 * never copied and never stale. All three go with the table's TTL a month after the request
 * expires.
 */
export class DynamoRedemptionRequestRepository implements RedemptionRequestRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(
    request: RedemptionRequest,
    effects: { idempotency?: IdempotencyRecord; notice: InboxDelivery },
  ): Promise<boolean> {
    const ttl =
      Math.floor(new Date(request.expiresAt).getTime() / 1000) + REDEMPTION_REQUEST_KEPT_DAYS * 24 * 3600;
    const pointer = {
      entity: "RedemptionRequestEntry",
      requestId: request.requestId,
      [table.ttlAttribute]: ttl,
    };
    const put = (Item: Record<string, unknown>) => ({
      Put: { TableName: this.tableName, Item, ConditionExpression: "attribute_not_exists(pk)" },
    });
    const items = [
      put({
        ...keys.redemptionRequest(request.requestId),
        entity: "RedemptionRequest",
        ...request,
        [table.ttlAttribute]: ttl,
      }),
      put({
        ...keys.venueRedemptionDay(request.venueId, request.day, request.createdAt, request.requestId),
        ...pointer,
      }),
      put({ ...keys.memberRedemption(request.memberId, request.createdAt, request.requestId), ...pointer }),
      ...(effects.idempotency ? [put(idempotencyItem(effects.idempotency))] : []),
      ...inboxDeliveryItems(this.tableName, effects.notice.notification, effects.notice.dedupeKey),
    ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = cancellationCodes(error);
      if (codes.some((code) => code === "ConditionalCheckFailed")) return false;
      throw error;
    }
  }

  async get(requestId: string): Promise<RedemptionRequest | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.redemptionRequest(requestId),
        ConsistentRead: true,
      }),
    );
    return Item ? redemptionRequestSchema.parse(Item) : undefined;
  }

  async decline(requestId: string, decision: { decidedAt: string; decidedBy: string }): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.redemptionRequest(requestId),
          UpdateExpression: "SET #status = :declined, decidedAt = :at, decidedBy = :by",
          // Only a request still waiting: an approval that committed first has moved the credits.
          ConditionExpression: "#status = :pending AND expiresAt > :at",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":declined": "declined",
            ":pending": "pending",
            ":at": decision.decidedAt,
            ":by": decision.decidedBy,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async renameMember(requestId: string, name: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.redemptionRequest(requestId),
          UpdateExpression: "SET memberName = :name",
          // Never recreate a request the table's TTL removed meanwhile.
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":name": name },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  listForMember(memberId: string, page: PageRequest): Promise<Page<RedemptionRequest>> {
    return this.list(keys.memberRedemptionPk(memberId), page);
  }

  listForVenueDay(venueId: string, day: string, page: PageRequest): Promise<Page<RedemptionRequest>> {
    return this.list(keys.venueRedemptionDayPk(venueId, day), page);
  }

  private async list(pk: string, page: PageRequest): Promise<Page<RedemptionRequest>> {
    const pointers = await newestFirstPage(this.db, this.tableName, { pk }, page, (item) =>
      pointerSchema.parse(item),
    );
    const found = await batchGetItems(
      this.db,
      this.tableName,
      pointers.items.map((p) => keys.redemptionRequest(p.requestId)),
      { consistent: true },
    );
    const byId = new Map(
      found.map((item) => {
        const request = redemptionRequestSchema.parse(item);
        return [request.requestId, request];
      }),
    );
    const items = pointers.items.flatMap((p) => {
      const request = byId.get(p.requestId);
      return request ? [request] : [];
    });
    return { items, ...(pointers.nextCursor ? { nextCursor: pointers.nextCursor } : {}) };
  }
}
