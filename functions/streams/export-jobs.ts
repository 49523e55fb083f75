import { productionDeps } from "#data/deps.ts";
import { imagesOf } from "#data/stream.ts";
import { exportJobSchema } from "#domain/privacy/export-job.ts";
import { advanceExportJob } from "#domain/privacy/export-jobs.ts";
import * as z from "#shared/zod.ts";
import { streamConsumer } from "./consumer.ts";

/**
 * Assembles export archives in bounded steps: each write of a running job (its start, then each
 * section counted) is a stream record, and each record does the next step (one section, then the
 * archive). A step that fails is retried from the stream and, past its retries, kept in the
 * failure store for a replay, which continues the job where it stood.
 */
export const handler = streamConsumer("export-jobs", productionDeps, async (record, deps) => {
  const { newImage } = imagesOf(record);
  const parsed = z.safeParse(exportJobSchema, newImage);
  if (!parsed.success || parsed.data.status !== "running") return;
  await advanceExportJob(deps, parsed.data);
});
