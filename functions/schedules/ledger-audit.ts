import type { ScheduledEvent } from "aws-lambda";
import { productionDeps } from "#data/deps.ts";
import { auditLedger } from "#domain/ledger/audit.ts";
import { reportLedgerViolations } from "#shared/ledger-metric.ts";
import { log } from "#shared/logger.ts";

/**
 * Re-derives every balance from the journal and checks the ledger's invariants. A violation is a
 * metric point the CloudWatch alarm watches (in AWS) and a failed run with an error log (locally
 * and in AWS): nobody has to read logs to learn that money went wrong.
 */
export async function handler(_event: ScheduledEvent): Promise<void> {
  const deps = productionDeps();
  const report = await auditLedger(deps);
  reportLedgerViolations(deps.city.id, "ledger-audit", report.violations);
  const { violations, ...figures } = report;
  if (violations.length > 0) throw new Error(`Ledger audit found ${violations.length} violation(s)`);
  log.info("ledger audit passed", figures);
}
