import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type AuditEntry, auditEntrySchema } from "#domain/notices/audit-trail.ts";
import type { AuditRepository } from "#domain/notices/ports.ts";
import { keys } from "./keys.ts";

export class DynamoAuditRepository implements AuditRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records an entry once: a redelivered stream record finds its entry already there. */
  async record(entry: AuditEntry): Promise<"recorded" | "duplicate"> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.auditEntry(entry.subjectId, entry.at, entry.eventId),
            entity: "AuditEntry",
            ...entry,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return "recorded";
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return "duplicate";
      throw error;
    }
  }

  /** The newest entries about one member, newest first. */
  async listForSubject(subjectId: string, limit = 50): Promise<AuditEntry[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.auditEntry(subjectId, "", "").pk },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => auditEntrySchema.parse(item));
  }
}
