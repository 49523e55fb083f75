import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type Notification, notificationSchema } from "#domain/notices/inbox.ts";
import type { HeldNoticeRepository } from "#domain/notices/ports.ts";
import { firstItemExists, transactUnlessRefused } from "./cancellation.ts";
import { keys } from "./keys.ts";
import { table } from "./table.ts";

/** Held notices and their releases expire after a week (TTL) if nothing sends them. */
const KEEP_SECONDS = 7 * 24 * 3600;

export class DynamoHeldNoticeRepository implements HeldNoticeRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private expiresAt(): number {
    // Only tidies up: wall-clock time is fine here.
    return Math.floor(Date.now() / 1000) + KEEP_SECONDS;
  }

  async hold(notification: Notification): Promise<"held" | "already"> {
    const { memberId, notificationId } = notification;
    // Only the notice's own item existing means "held before"; a conflict is retried.
    const written = await transactUnlessRefused(
      this.db,
      [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.heldNotice(memberId, notificationId),
              entity: "HeldNotice",
              notification,
              [table.ttlAttribute]: this.expiresAt(),
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        {
          // The count lets a release forget the member only when nothing was held meanwhile.
          Update: {
            TableName: this.tableName,
            Key: keys.heldDue(memberId),
            UpdateExpression: "SET entity = :entity, memberId = :member, #ttl = :ttl ADD held :one",
            ExpressionAttributeNames: { "#ttl": table.ttlAttribute },
            ExpressionAttributeValues: {
              ":entity": "HeldDue",
              ":member": memberId,
              ":ttl": this.expiresAt(),
              ":one": 1,
            },
          },
        },
      ],
      firstItemExists,
    );
    return written ? "held" : "already";
  }

  async membersWaiting(limit: number): Promise<string[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.heldDue("").pk },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => String(item.memberId));
  }

  async heldFor(memberId: string, limit: number): Promise<Notification[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.heldNotice(memberId, "").pk },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((item) => notificationSchema.parse(item.notification));
  }

  async release(memberId: string, notifications: readonly Notification[]): Promise<"released" | "already"> {
    const [first] = notifications;
    if (!first) return "already";
    // The release item existing means another run released these; anything else is retried.
    const written = await transactUnlessRefused(
      this.db,
      [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.noticeRelease(memberId, first.notificationId),
              entity: "NoticeRelease",
              memberId,
              notifications,
              [table.ttlAttribute]: this.expiresAt(),
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        ...notifications.map((n) => ({
          Delete: {
            TableName: this.tableName,
            Key: keys.heldNotice(memberId, n.notificationId),
            ConditionExpression: "attribute_exists(pk)",
          },
        })),
        {
          Update: {
            TableName: this.tableName,
            Key: keys.heldDue(memberId),
            UpdateExpression: "ADD held :minus",
            ConditionExpression: "held >= :count",
            ExpressionAttributeValues: {
              ":minus": -notifications.length,
              ":count": notifications.length,
            },
          },
        },
      ],
      firstItemExists,
    );
    return written ? "released" : "already";
  }

  async forget(memberId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.heldDue(memberId),
          // Something held since the count was last lowered keeps the member waiting.
          ConditionExpression: "attribute_not_exists(held) OR held <= :zero",
          ExpressionAttributeValues: { ":zero": 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
