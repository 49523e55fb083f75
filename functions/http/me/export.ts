import { exportMemberData, memberExportSchema } from "#domain/privacy/export.ts";
import { httpRoute } from "../route.ts";

/** Everything Mutua holds about me, as one JSON document (the right of access). */
export const handler = httpRoute(
  {
    summary:
      "Export all my data as JSON: profile, consents, posts, matches, exchanges, account, statement, inbox, audit trail, access log",
    auth: "member",
    // A coordinator exports a member's data at their request, whatever their status.
    actFor: "any-status",
    accessLog: "export",
    response: memberExportSchema,
  },
  async ({ deps, actor, subject }) => ({ body: await exportMemberData(deps, { actor, subject }) }),
);
