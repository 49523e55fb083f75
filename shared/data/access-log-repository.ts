import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { type AccessRecord, accessRecordSchema } from "#domain/privacy/access-record.ts";
import type { AccessLogRepository } from "#domain/privacy/ports.ts";
import { newestFirstPage } from "./cursor.ts";
import { keys } from "./keys.ts";
import { table } from "./table.ts";

export class DynamoAccessLogRepository implements AccessLogRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(record: AccessRecord, keepDays: number): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.accessRecord(record.memberId, record.at, record.recordId),
          entity: "AccessRecord",
          ...record,
          // The table's TTL attribute: the store removes the record after the city's period.
          [table.ttlAttribute]: Math.floor(Date.parse(record.at) / 1000) + keepDays * 86_400,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async list(memberId: string, page: PageRequest): Promise<Page<AccessRecord>> {
    const partition = keys.accessRecord(memberId, "", "").pk;
    return newestFirstPage(this.db, this.tableName, { pk: partition }, page, (item) =>
      accessRecordSchema.parse(item),
    );
  }
}
