import { runIndexLayout } from "#domain/matching/layout.ts";
import { log } from "../../shared/logger.ts";
import { scheduledJob } from "./job.ts";

/**
 * Keeps the matching index laid out in the city's digest shard count: after the count changed,
 * a page of members at a time is moved to its new shards, saving its place after each, so the
 * next run resumes a pass one run could not finish. Once the pass for the count is done, a run
 * reads its checkpoint and stops.
 */
export const handler = scheduledJob("match-index-layout", async ({ deps, manual, remainingMs }) => {
  const outcome = await runIndexLayout(deps, {
    job: "match-index-layout",
    restart: manual,
    remainingMs,
    reserveMs: 60_000,
    onStep: (state, done) => {
      if (!done) log.info("matching index layout progress", { ...state });
    },
  });
  const { shards, members, posts, area } = outcome.state;
  if (outcome.alreadyDone) return;
  if (outcome.done) log.info("matching index laid out", { shards, members, posts, resumed: outcome.resumed });
  else
    log.warn("matching index layout stopped before the end of its pass; the next run resumes it", {
      shards,
      members,
      posts,
      area,
      overtaken: outcome.overtaken,
    });
});
