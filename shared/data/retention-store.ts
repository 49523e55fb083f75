import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { runtimeConfig } from "#shared/config/runtime.ts";
import { createDocumentClient } from "./client.ts";
import { imagesOf } from "./stream.ts";
import { table } from "./table.ts";

/** Sets the table's TTL attribute on the item a stream record changed. */
export class DynamoRetentionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async setExpiry(record: DynamoDBRecord, expiry: number): Promise<void> {
    const { newImage } = imagesOf(record);
    if (typeof newImage?.pk !== "string" || typeof newImage.sk !== "string") return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: newImage.pk, sk: newImage.sk },
          UpdateExpression: "SET #ttl = :at",
          ExpressionAttributeNames: { "#ttl": table.ttlAttribute },
          // Never brings back an item that went meanwhile (erased, or already expired).
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":at": expiry },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

let cached: { store: DynamoRetentionStore; city: ReturnType<typeof runtimeConfig>["city"] } | undefined;
let cachedConfig: ReturnType<typeof runtimeConfig> | undefined;

/** The retention consumer's dependencies: the city (its periods) and the store. */
export function retentionDeps() {
  const config = runtimeConfig();
  if (cached && cachedConfig === config) return cached;
  cachedConfig = config;
  cached = {
    store: new DynamoRetentionStore(createDocumentClient(config.endpoint), config.tableName),
    city: config.city,
  };
  return cached;
}
