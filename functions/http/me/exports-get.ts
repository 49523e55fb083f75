import { exportJobDeps } from "#data/export-job-deps.ts";
import { idSchema } from "#domain/kernel/ids.ts";
import { exportJobViewSchema } from "#domain/privacy/export-job.ts";
import { getExportJob } from "#domain/privacy/export-jobs.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** One of my export jobs: its progress, and once ready the download link and when it expires. */
export const handler = httpRoute(
  {
    summary: "My export job: sections done of all, and once ready a download link that expires",
    auth: "member",
    actFor: "any-status",
    path: z.object({ jobId: idSchema }),
    response: exportJobViewSchema,
  },
  async ({ actor, subject, path, event }) => {
    const view = await getExportJob(exportJobDeps(), { actor, subject }, path.jobId);
    if (!view.download) return { body: view };
    // In AWS the link is S3's, whole; the local server's is a path on the address asked.
    const origin = `${event.headers["x-forwarded-proto"] ?? "http"}://${event.headers.host ?? "localhost"}`;
    return {
      body: { ...view, download: { ...view.download, url: new URL(view.download.url, origin).href } },
    };
  },
);
