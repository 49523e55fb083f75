import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { NotFoundError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { type Notification, notificationSchema } from "#domain/notices/inbox.ts";
import type { InboxRepository } from "#domain/notices/ports.ts";
import { transactUnlessRefused } from "./cancellation.ts";
import { newestFirstPage } from "./cursor.ts";
import { keys } from "./keys.ts";

/**
 * The two writes that deliver a notice exactly once per (member, dedupeKey): a guard item and the
 * notification, both create-only. Other transactions include them to notify atomically.
 */
export function inboxDeliveryItems(tableName: string, notification: Notification, dedupeKey: string) {
  return [
    {
      Put: {
        TableName: tableName,
        Item: { ...keys.inboxGuard(notification.memberId, dedupeKey), entity: "InboxGuard" },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.notification(notification.memberId, notification.notificationId),
          entity: "Notification",
          ...notification,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  ];
}

export class DynamoInboxRepository implements InboxRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async deliver(notification: Notification, dedupeKey: string): Promise<"delivered" | "duplicate"> {
    const written = await transactUnlessRefused(
      this.db,
      inboxDeliveryItems(this.tableName, notification, dedupeKey),
    );
    return written ? "delivered" : "duplicate";
  }

  async list(memberId: string, page: PageRequest): Promise<Page<Notification>> {
    const first = keys.notification(memberId, "");
    return newestFirstPage(this.db, this.tableName, { pk: first.pk, prefix: first.sk }, page, (item) =>
      notificationSchema.parse(item),
    );
  }

  async markRead(memberId: string, notificationId: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.notification(memberId, notificationId),
          // Keep the first read time: marking read twice changes nothing.
          UpdateExpression: "SET readAt = if_not_exists(readAt, :at)",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":at": at },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new NotFoundError("No such notification");
      throw error;
    }
  }
}
