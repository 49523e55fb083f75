import { runPostExpiry } from "#domain/posts/expiry.ts";
import { log } from "../../shared/logger.ts";
import { scheduledJob } from "./job.ts";

/** Hourly: reminds owners three days before their post expires, and expires posts whose date passed. */
export const handler = scheduledJob("post-expiry", async ({ deps }) => {
  const run = await runPostExpiry(deps);
  if (run.more)
    log.warn("post expiry: more due posts than one run takes; the next run continues", { ...run });
  else log.info("post expiry run", { ...run });
});
