import { ledgerReport, ledgerReportSchema, reportQuerySchema } from "#domain/ledger/reports.ts";
import { httpRoute } from "../route.ts";

/** Minutes exchanged by month, category and area; active members; awards and redemptions. */
export const handler = httpRoute(
  {
    summary:
      "Ledger report for my areas: exchanges by month, category and area, members, awards, redemptions",
    auth: "member",
    staff: true,
    query: reportQuerySchema,
    response: ledgerReportSchema,
  },
  async ({ deps, actor, query }) => ({ body: await ledgerReport(deps, actor, query) }),
);
