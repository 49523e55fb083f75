import type { ScheduledEvent } from "aws-lambda";
import { productionDeps } from "#data/deps.ts";
import { followUpMatches, sendDigests } from "#domain/matching/run.ts";
import { log } from "#shared/logger.ts";

/** Hourly: tells the next candidates where nobody answered in time, and sends due digests. */
export async function handler(_event: ScheduledEvent): Promise<void> {
  const deps = productionDeps();
  const followUps = await followUpMatches(deps);
  const digests = await sendDigests(deps);
  log.info("match follow-up done", { ...followUps, digests: digests.sent });
}
