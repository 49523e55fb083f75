import { auditReportOf, runLedgerAudit } from "#domain/ledger/audit.ts";
import { reportLedgerAuditPass, reportLedgerViolations } from "../../shared/ledger-metric.ts";
import { log } from "../../shared/logger.ts";
import { scheduledJob } from "./job.ts";

/**
 * Once a day, re-derives every balance from the journal and checks the ledger's invariants, a
 * chunk of accounts at a time (in parallel within the chunk), saving its place after each chunk so
 * a run cut short is resumed by the next hourly run. Violations are reported as they are found, as
 * a metric point the CloudWatch alarm watches and an error log naming them; a finished pass reports
 * its total, so the alarm also knows when the audit has gone quiet. Read-only on the ledger.
 */
export const handler = scheduledJob("ledger-audit", async ({ deps, manual, remainingMs }) => {
  const outcome = await runLedgerAudit(deps, {
    job: "ledger-audit",
    restart: manual,
    remainingMs,
    // A chunk takes seconds; a minute in hand leaves room for a slow one and the checkpoint.
    reserveMs: 60_000,
    onChunk: (state, violations, done) => {
      if (violations.length > 0) reportLedgerViolations(deps.city.id, "ledger-audit", violations);
      if (!done) log.info("ledger audit progress", { ...auditReportOf(state), violations: undefined });
    },
  });
  if (outcome.alreadyDone) {
    log.info("ledger audit: today's pass is already complete", { pass: outcome.state.cutoff });
    return;
  }
  const { violations, ...figures } = auditReportOf(outcome.state);
  if (!outcome.done) {
    log.warn("ledger audit stopped before the end of its pass; the next run resumes it", {
      ...figures,
      overtaken: outcome.overtaken,
    });
    return;
  }
  reportLedgerAuditPass(deps.city.id, figures.violationCount);
  if (figures.violationCount > 0) log.error("ledger audit found violations", { ...figures, violations });
  else log.info("ledger audit passed", { ...figures, resumed: outcome.resumed });
});
