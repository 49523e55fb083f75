import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { LEDGER_METRIC_NAMESPACE, LEDGER_VIOLATIONS_METRIC } from "#shared/ledger-metric.ts";

export interface LedgerAlarmsProps {
  cityId: string;
  /** Where alarms notify (e.g. the council's operations topic); without one they only change state. */
  topic?: ITopic;
}

/**
 * The ledger's alarms. The audit schedule and the ledger-guard stream consumer publish
 * `Mutua/Ledger LedgerInvariantViolations` (per city) as Embedded Metric Format log lines, so no
 * function needs a CloudWatch permission. One alarm fires on any violation; another when the daily
 * audit has reported nothing for two days (it did not run, or crashed before reporting).
 */
export class LedgerAlarms extends Construct {
  readonly violations: Alarm;
  readonly auditSilent: Alarm;

  constructor(scope: Construct, id: string, props: LedgerAlarmsProps) {
    super(scope, id);
    const metric = (statistic: string, period: Duration) =>
      new Metric({
        namespace: LEDGER_METRIC_NAMESPACE,
        metricName: LEDGER_VIOLATIONS_METRIC,
        dimensionsMap: { City: props.cityId },
        statistic,
        period,
      });
    this.violations = new Alarm(this, "Violations", {
      alarmDescription:
        "A ledger invariant is violated (balances do not sum to zero, a journal line changed, a limit " +
        "was crossed, ...): see the ledger-audit or ledger-guard function's logs for the list.",
      metric: metric("Maximum", Duration.minutes(5)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.auditSilent = new Alarm(this, "AuditSilent", {
      alarmDescription:
        "The daily ledger audit has not reported for two days: it is not running or it crashes.",
      metric: metric("SampleCount", Duration.days(1)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.BREACHING,
    });
    if (props.topic) {
      for (const alarm of [this.violations, this.auditSilent])
        alarm.addAlarmAction(new SnsAction(props.topic));
    }
  }
}
