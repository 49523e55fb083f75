import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ChannelName, DeliveryRepository } from "#domain/notices/ports.ts";
import { keys } from "./keys.ts";

/** Records of notices sent on outside channels; they expire after 30 days (TTL). */
export class DynamoDeliveryRepository implements DeliveryRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async wasSent(notificationId: string, channel: ChannelName): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.delivery(notificationId, channel),
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async recordSent(notificationId: string, channel: ChannelName, at: string): Promise<void> {
    const expiresAt = Math.floor(Date.parse(at) / 1000) + 30 * 24 * 3600;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.delivery(notificationId, channel),
            entity: "Delivery",
            notificationId,
            channel,
            at,
            expiresAt,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      // Already recorded by a concurrent delivery of the same record: nothing more to do.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
