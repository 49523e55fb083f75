import { snapshotCityStats } from "#domain/notices/city-stats.ts";
import { log } from "../../shared/logger.ts";
import { scheduledJob } from "./job.ts";

/** Daily member counts by status and area, stored for coordinator and funder reports. */
export const handler = scheduledJob("city-stats", async ({ deps }) => {
  const stats = await snapshotCityStats(deps);
  log.info("city stats snapshot stored", { date: stats.date });
});
