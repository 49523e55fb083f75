import { exportJobDeps } from "#data/export-job-deps.ts";
import { exportJobViewSchema } from "#domain/privacy/export-job.ts";
import { startExport } from "#domain/privacy/export-jobs.ts";
import { httpRoute } from "../route.ts";

/**
 * Start assembling my data archive in the background (202, the job to follow), or get the one
 * already running (200). The web app always exports this way; `GET /me/export.zip` stays for
 * API users and small accounts.
 */
export const handler = httpRoute(
  {
    summary:
      "Start assembling my data archive in the background (202 with the job; 200 with the one already running)",
    auth: "member",
    // As the synchronous export: a coordinator starts it for a member who asks, whatever their status.
    actFor: "any-status",
    accessLog: "export",
    idempotency: "optional",
    operation: "start-export",
    status: 202,
    response: exportJobViewSchema,
  },
  async ({ actor, subject, idempotency }) => startExport(exportJobDeps(), { actor, subject }, idempotency),
);
