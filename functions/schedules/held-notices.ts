import type { ScheduledEvent } from "aws-lambda";
import { productionDeps } from "#data/deps.ts";
import { releaseHeldNotices } from "#domain/notices/channels.ts";
import { log } from "#shared/logger.ts";

/**
 * Every 15 minutes: once quiet hours are over, releases the notices held back from email and SMS;
 * the notification-channels consumer sends them (only it may send).
 */
export async function handler(_event: ScheduledEvent): Promise<void> {
  const released = await releaseHeldNotices(productionDeps());
  if (released.members > 0) log.info("held notices released", released);
}
