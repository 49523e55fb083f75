import type { ScheduledEvent } from "aws-lambda";
import { productionDeps } from "#data/deps.ts";
import { runPostExpiry } from "#domain/posts/expiry.ts";
import { log } from "#shared/logger.ts";

/** Hourly: reminds owners three days before their post expires, and expires posts whose date passed. */
export async function handler(_event: ScheduledEvent): Promise<void> {
  const run = await runPostExpiry(productionDeps());
  if (run.more)
    log.warn("post expiry: more due posts than one run takes; the next run continues", { ...run });
  else log.info("post expiry run", { ...run });
}
