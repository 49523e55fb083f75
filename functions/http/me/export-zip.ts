import { exportArchive } from "#domain/privacy/archive.ts";
import { exportMemberData } from "#domain/privacy/export.ts";
import { httpRoute } from "../route.ts";

/** Everything Mutua holds about me as files to open: a CSV per section and the JSON, in a zip. */
export const handler = httpRoute(
  {
    summary:
      "Export all my data as a zip archive: a CSV file per section (spreadsheet-safe) and the whole JSON",
    auth: "member",
    // As the JSON export: a coordinator makes it for a member who asks, whatever their status.
    actFor: "any-status",
    accessLog: "export",
    zip: true,
  },
  async ({ deps, actor, subject }) => {
    const data = await exportMemberData(deps, { actor, subject });
    return { body: exportArchive(data), filename: `mutua-my-data-${data.exportedAt.slice(0, 10)}.zip` };
  },
);
