import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { CheckpointRepository, PassCheckpoint } from "#domain/kernel/passes.ts";
import { keys } from "./keys.ts";

export class DynamoCheckpointRepository implements CheckpointRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(job: string): Promise<PassCheckpoint | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.scheduleCheckpoint(job), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      pass: String(Item.pass ?? ""),
      state: typeof Item.state === "string" ? JSON.parse(Item.state) : undefined,
      done: Item.done === true,
      startedAt: String(Item.startedAt ?? ""),
      updatedAt: String(Item.updatedAt ?? ""),
      version: typeof Item.version === "number" ? Item.version : 0,
    };
  }

  async save(
    job: string,
    checkpoint: Omit<PassCheckpoint, "version">,
    expectedVersion: number,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.scheduleCheckpoint(job),
            entity: "ScheduleCheckpoint",
            job,
            ...checkpoint,
            state: JSON.stringify(checkpoint.state),
            version: expectedVersion + 1,
          },
          // The version as read: a second run of the same job (a duplicate timer event) stops.
          ConditionExpression: expectedVersion === 0 ? "attribute_not_exists(pk)" : "version = :expected",
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ":expected": expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
