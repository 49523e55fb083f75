import { runDormantNudges } from "../../shared/domain/matching/dormant.ts";
import { log } from "../../shared/logger.ts";
import { scheduledJob } from "./job.ts";

/**
 * Once a week, one concrete, nearby suggestion for each member who has never exchanged: a page of
 * members at a time, saving its place after each, so the next hourly run resumes a pass that one
 * run could not finish. Each page's progress is logged.
 */
export const handler = scheduledJob("dormant-nudge", async ({ deps, manual, remainingMs }) => {
  const outcome = await runDormantNudges(deps, {
    job: "dormant-nudge",
    restart: manual,
    remainingMs,
    reserveMs: 60_000,
    onStep: (state, done) => {
      if (!done) log.info("dormant suggestions progress", { ...state });
    },
  });
  const { week, considered, nudged, area } = outcome.state;
  if (outcome.alreadyDone) log.info("dormant suggestions: this week's pass is already complete", { week });
  else if (outcome.done)
    log.info("dormant members nudged", { week, considered, nudged, resumed: outcome.resumed });
  else
    log.warn("dormant suggestions stopped before the end of the week's pass; the next run resumes it", {
      week,
      considered,
      nudged,
      area,
      overtaken: outcome.overtaken,
    });
});
