import { Duration, Stack, Validations } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import { CfnBudget } from "aws-cdk-lib/aws-budgets";
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { SubscriptionProtocol, Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription, UrlSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { City } from "../../shared/config/city.ts";
import { OPERATIONS_NAMESPACE } from "../../shared/metrics.ts";

/** What an API's 5xx answers may reach, as a share of its requests, before anyone is told. */
export const API_5XX_PERCENT = 5;
/** The p95 latency of the API past which someone is told (three five-minute periods in a row). */
export const API_P95_MS = 2500;
/** The age of a router's oldest unread record past which someone is told (the stream keeps 24 h). */
export const ITERATOR_AGE_MS = 10 * 60_000;

export interface OperationsProps {
  city: City;
}

/**
 * The city's operations: one SNS topic that reaches the people the city file names (emails, an
 * optional HTTPS webhook), every alarm of the stack with an action to it, the AWS Budgets budget
 * alerting it, and one CloudWatch dashboard with the same figures.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;
  private readonly cityId: string;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { city } = props;
    this.cityId = city.id;
    const stack = Stack.of(this);
    this.topic = new Topic(this, "Topic", {
      displayName: `Mutua ${city.name} operations`,
      enforceSSL: true,
    });
    for (const email of city.operations.alerts.emails)
      this.topic.addSubscription(new EmailSubscription(email));
    if (city.operations.alerts.webhook) {
      this.topic.addSubscription(
        new UrlSubscription(city.operations.alerts.webhook, { protocol: SubscriptionProtocol.HTTPS }),
      );
    }
    // CloudWatch alarms and AWS Budgets publish as services: only for this account's alarms and budgets.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": stack.account },
          ArnLike: {
            "aws:SourceArn": `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
        },
      }),
    );
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal("budgets.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": stack.account },
          ArnLike: { "aws:SourceArn": `arn:${stack.partition}:budgets::${stack.account}:*` },
        },
      }),
    );
    Validations.of(this.topic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason:
        "The topic carries alarm and budget notices (alarm names, thresholds, metric values), no personal data, " +
        "and they leave AWS by email in the clear anyway. CloudWatch alarms and AWS Budgets cannot publish to a " +
        "topic under the AWS-managed SNS key; a customer-managed key would add a fixed monthly cost to an idle city.",
    });
    this.action = new SnsAction(this.topic);
    this.dashboard = new Dashboard(this, "Dashboard", {
      // A name people look for in the console; one city per name, like the stack's.
      dashboardName: `Mutua-${city.id}`,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new TextWidget({
            markdown: `# Mutua ${city.name}\nAlarms go to the operations topic (${city.operations.alerts.emails.length} address(es)${city.operations.alerts.webhook ? " and a webhook" : ""}). README: "Operating a city".`,
            width: 24,
            height: 2,
          }),
        ],
      ],
    });
    this.budget(city);
  }

  /** Adds an alarm that notifies the topic (and says so when it recovers). */
  alarm(id: string, props: ConstructorParameters<typeof Alarm>[2]): Alarm {
    const alarm = new Alarm(this, id, props);
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** Notifies the topic when an existing alarm (the ledger's) changes state. */
  notify(alarm: Alarm): void {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }

  /** Errors and throttles of one function. */
  watchFunction(name: string, fn: IFunction): void {
    const period = Duration.minutes(5);
    this.alarm(`${name}-errors`, {
      alarmDescription: `Mutua ${name}: the function failed (an uncaught error, a timeout or a crash). Its log group names the request.`,
      metric: fn.metricErrors({ period, statistic: "Sum" }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarm(`${name}-throttles`, {
      alarmDescription: `Mutua ${name}: Lambda refused invocations (the account's concurrency is exhausted).`,
      metric: fn.metricThrottles({ period, statistic: "Sum" }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** The age of the oldest record a stream router has not finished. */
  watchStreamReader(name: string, fn: IFunction): void {
    this.alarm(`${name}-iterator-age`, {
      alarmDescription: `Mutua ${name} is falling behind the table's stream (records are kept 24 hours): see its errors and duration.`,
      metric: fn.metric("IteratorAge", { period: Duration.minutes(5), statistic: "Maximum" }),
      threshold: ITERATOR_AGE_MS,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Anything waiting in a failure queue. */
  watchQueue(name: string, queue: IQueue, what: string): void {
    this.alarm(`${name}-waiting`, {
      alarmDescription: `${what} README "Operating a city" says what to do.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: "Maximum",
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Records stored in the stream failure store: as they are stored, and while any waits. */
  watchStreamFailures(storedMetric: string, waitingMetric: string): void {
    const metric = (name: string, statistic: string, period: Duration) =>
      new Metric({
        namespace: OPERATIONS_NAMESPACE,
        metricName: name,
        dimensionsMap: { City: this.cityId },
        statistic,
        period,
      });
    this.alarm("stream-records-failed", {
      alarmDescription:
        "A stream consumer failed on a record in all its attempts; the record is stored whole for a replay (npm run replay locally; the router's replay command in AWS).",
      metric: metric(storedMetric, "Sum", Duration.minutes(5)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarm("stream-failures-waiting", {
      alarmDescription:
        "Stream records wait in the failure store for a replay (counted hourly); the alarm clears when they are replayed.",
      metric: metric(waitingMetric, "Maximum", Duration.hours(1)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** 5xx answers as a share of requests (when there are any to speak of), and p95 latency. */
  watchApi(api: HttpApi): void {
    const period = Duration.minutes(5);
    this.alarm("api-5xx-rate", {
      alarmDescription: `More than ${API_5XX_PERCENT}% of the API's answers were server errors (5xx) in five minutes; the access log and the functions' logs carry the request ids.`,
      metric: new MathExpression({
        expression: "IF(requests >= 10, 100 * errors / requests, 0)",
        usingMetrics: {
          requests: api.metricCount({ period, statistic: "Sum" }),
          errors: api.metricServerError({ period, statistic: "Sum" }),
        },
        period,
        label: "5xx %",
      }),
      threshold: API_5XX_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarm("api-p95-latency", {
      alarmDescription: `The API's p95 latency stayed above ${API_P95_MS} ms for 15 minutes.`,
      metric: api.metricLatency({ period, statistic: "p95" }),
      threshold: API_P95_MS,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Requests DynamoDB throttled, reads and writes (an index's back-pressure shows as table writes). */
  watchTable(table: ITableV2): void {
    const period = Duration.minutes(5);
    const events = (name: string) =>
      new Metric({
        namespace: "AWS/DynamoDB",
        metricName: name,
        dimensionsMap: { TableName: table.tableName },
        statistic: "Sum",
        period,
      });
    this.alarm("table-throttles", {
      alarmDescription:
        "DynamoDB throttled requests to the city's table (on-demand: a hot key or a sudden surge).",
      metric: new MathExpression({
        expression: "reads + writes",
        usingMetrics: { reads: events("ReadThrottleEvents"), writes: events("WriteThrottleEvents") },
        period,
        label: "throttled",
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Adds a row of graphs to the dashboard. */
  graphs(...widgets: { title: string; left: IMetric[]; right?: IMetric[] }[]): void {
    this.dashboard.addWidgets(
      ...widgets.map(
        (w) =>
          new GraphWidget({
            title: w.title,
            left: w.left,
            ...(w.right ? { right: w.right } : {}),
            width: Math.floor(24 / widgets.length),
            height: 6,
          }),
      ),
    );
  }

  /** The monthly cost budget; its alerts go to the same topic. */
  private budget(city: City): void {
    const { budget } = city.operations;
    const subscribers = [{ subscriptionType: "SNS", address: this.topic.topicArn }];
    const notice = (notificationType: "ACTUAL" | "FORECASTED", threshold: number) => ({
      notification: {
        notificationType,
        comparisonOperator: "GREATER_THAN",
        threshold,
        thresholdType: "PERCENTAGE",
      },
      subscribers,
    });
    new CfnBudget(this, "Budget", {
      budget: {
        budgetType: "COST",
        timeUnit: "MONTHLY",
        budgetLimit: { amount: budget.monthlyUsd, unit: "USD" },
        ...(budget.scope === "city-tag"
          ? { costFilters: { TagKeyValue: [`user:mutua:city$${city.id}`] } }
          : {}),
      },
      notificationsWithSubscribers: [
        ...budget.actualAtPercent.map((p) => notice("ACTUAL", p)),
        ...(budget.forecastAtPercent ? [notice("FORECASTED", budget.forecastAtPercent)] : []),
      ],
    });
  }
}
