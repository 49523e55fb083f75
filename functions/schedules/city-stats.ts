import type { ScheduledEvent } from "aws-lambda";
import { productionDeps } from "#data/deps.ts";
import { snapshotCityStats } from "#domain/notices/city-stats.ts";
import { log } from "#shared/logger.ts";

/** Daily member counts by status and area, stored for coordinator and funder reports. */
export async function handler(_event: ScheduledEvent): Promise<void> {
  const stats = await snapshotCityStats(productionDeps());
  log.info("city stats snapshot stored", { date: stats.date });
}
