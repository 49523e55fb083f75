import { releaseHeldNotices } from "#domain/notices/channels.ts";
import { log } from "../../shared/logger.ts";
import { scheduledJob } from "./job.ts";

/**
 * Every 15 minutes: once quiet hours are over, releases the notices held back from email and SMS;
 * the notification-channels consumer sends them (only it may send).
 */
export const handler = scheduledJob("held-notices", async ({ deps }) => {
  const released = await releaseHeldNotices(deps);
  if (released.members > 0) log.info("held notices released", released);
});
