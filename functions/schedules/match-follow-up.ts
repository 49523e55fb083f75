import { followUpMatches, sendDigests } from "../../shared/domain/matching/run.ts";
import { log } from "../../shared/logger.ts";
import { scheduledJob } from "./job.ts";

/** Hourly: tells the next candidates where nobody answered in time, and sends due digests. */
export const handler = scheduledJob("match-follow-up", async ({ deps }) => {
  const followUps = await followUpMatches(deps);
  const digests = await sendDigests(deps);
  log.info("match follow-up done", { ...followUps, digests: digests.sent });
});
