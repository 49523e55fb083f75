import { exportJobDeps } from "#data/export-job-deps.ts";
import { runExportJobs } from "#domain/privacy/export-jobs.ts";
import { describeError, log } from "../../shared/logger.ts";
import { scheduledJob } from "./job.ts";

/** No new step starts with less time left than this (a large section may take a while to read). */
const RESERVE_MS = 60_000;

/**
 * Every minute: assembles the export archives members asked for, a section per step, each step's
 * progress saved on the job, so a run cut short is continued by the next. A function of its own:
 * the export code and the zip library would take a stream router past its bundle budget.
 */
export const handler = scheduledJob("export-jobs", async ({ remainingMs }) => {
  const done = await runExportJobs(
    {
      ...exportJobDeps(),
      onStepFailed: (jobId, error) => log.error("export step failed", { jobId, ...describeError(error) }),
    },
    { remainingMs, reserveMs: RESERVE_MS },
  );
  if (done.steps > 0 || done.failed > 0) log.info("export jobs advanced", done);
});
