import { ledgerReport, ledgerReportCsv, reportQuerySchema } from "#domain/ledger/reports.ts";
import { httpRoute } from "../route.ts";

/** The ledger report as CSV, one figure per row. */
export const handler = httpRoute(
  {
    summary: "Ledger report for my areas as CSV",
    auth: "member",
    staff: true,
    query: reportQuerySchema,
    csv: true,
  },
  async ({ deps, actor, query }) => ({ body: ledgerReportCsv(await ledgerReport(deps, actor, query)) }),
);
