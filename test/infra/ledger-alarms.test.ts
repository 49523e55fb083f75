import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { LedgerAlarms } from "../../infra/aws/ledger-alarms.ts";

describe("the ledger alarms", () => {
  const app = new App();
  const stack = new Stack(app, "LedgerAlarmsTest");
  new LedgerAlarms(stack, "LedgerAlarms", { cityId: "riverside" });
  const template = Template.fromStack(stack);

  it("fires on any invariant violation the audit or the guard reports for this city", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "Mutua/Ledger",
      MetricName: "LedgerInvariantViolations",
      Dimensions: [{ Name: "City", Value: "riverside" }],
      Statistic: "Maximum",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
  });

  it("fires when the audit stops reporting", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "LedgerInvariantViolations",
      Statistic: "SampleCount",
      Period: 86_400,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "breaching",
      AlarmDescription: Match.stringLikeRegexp("not reported"),
    });
    expect(Object.keys(template.findResources("AWS::CloudWatch::Alarm"))).toHaveLength(2);
  });
});
