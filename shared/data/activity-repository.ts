import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { type Activity, activitySchema } from "#domain/ledger/activity.ts";
import type { ActivityRepository } from "#domain/ledger/ports.ts";
import { newestFirstPage } from "./cursor.ts";
import { keys } from "./keys.ts";

export class DynamoActivityRepository implements ActivityRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(activity: Activity): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.activity(activity.activityId), entity: "Activity", ...activity },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(activityId: string): Promise<Activity | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.activity(activityId), ConsistentRead: true }),
    );
    return Item ? activitySchema.parse(Item) : undefined;
  }

  async list(page: PageRequest): Promise<Page<Activity>> {
    const first = keys.activity("");
    // ULIDs sort by time: newest first.
    return newestFirstPage(this.db, this.tableName, { pk: first.pk, prefix: first.sk }, page, (item) =>
      activitySchema.parse(item),
    );
  }
}
