import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { CityStats, StatsRepository } from "#domain/notices/ports.ts";
import * as z from "#shared/zod.ts";
import { keys } from "./keys.ts";

const cityStatsSchema = z.object({
  date: z.string(),
  membersByStatusAndArea: z.record(z.string(), z.record(z.string(), z.number())),
  takenAt: z.string(),
});

export class DynamoStatsRepository implements StatsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async saveSnapshot(stats: CityStats): Promise<void> {
    // A plain put on purpose: a snapshot is a derived value and a re-run on the same day replaces it.
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.cityStats(stats.date), entity: "CityStats", ...stats },
      }),
    );
  }

  async getSnapshot(date: string): Promise<CityStats | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.cityStats(date) }),
    );
    return Item ? cityStatsSchema.parse(Item) : undefined;
  }
}
