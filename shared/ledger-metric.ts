import { log } from "./logger.ts";
import { emitMetrics } from "./metrics.ts";

/** The CloudWatch namespace and metric the ledger alarm watches (see infra/aws/ledger-alarms.ts). */
export const LEDGER_METRIC_NAMESPACE = "Mutua/Ledger";
export const LEDGER_VIOLATIONS_METRIC = "LedgerInvariantViolations";

/**
 * Reports ledger invariant violations as a CloudWatch metric in Embedded Metric Format: Lambda's
 * log pipeline turns this one log line into a metric point, with no SDK call and no extra
 * permission. The audit reports every run (zero included), so a missing data point means the audit
 * did not run, and the alarm treats that as breaching too.
 */
export function reportLedgerViolations(city: string, source: string, violations: readonly string[]): void {
  emitMetrics(
    LEDGER_METRIC_NAMESPACE,
    { City: city },
    { [LEDGER_VIOLATIONS_METRIC]: violations.length },
    { source },
  );
  if (violations.length > 0) {
    log.error("ledger invariant violated", {
      source,
      count: violations.length,
      violations: violations.slice(0, 50),
    });
  }
}

/**
 * The data point a finished audit pass reports (its total of violations, zero included): a day
 * without one means the audit did not finish, which the "audit silent" alarm watches.
 */
export function reportLedgerAuditPass(city: string, violationCount: number): void {
  emitMetrics(
    LEDGER_METRIC_NAMESPACE,
    { City: city },
    { [LEDGER_VIOLATIONS_METRIC]: violationCount },
    { source: "ledger-audit", pass: "complete" },
  );
}
