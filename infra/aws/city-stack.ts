import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import {
  AttributeType,
  Billing,
  type GlobalSecondaryIndexPropsV2,
  ProjectionType,
  StreamViewType,
  TableV2,
} from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { FilterCriteria, FilterRule, StartingPosition } from "aws-cdk-lib/aws-lambda";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { type IndexDefinition, type TableDefinition, table as tableDefinition } from "#data/table.ts";
import type { City, DeployableCity } from "#shared/config/city.ts";
import { STREAM_FAILURES_WAITING_METRIC } from "../../functions/schedules/stream-failures.ts";
import { STREAM_RECORDS_FAILED_METRIC } from "../../functions/streams/router.ts";
import { distDir as webDistDir } from "../../web/build/web.ts";
import {
  consumersOf,
  manifest as defaultManifest,
  type FunctionPlan,
  functionOf,
  functionPlans,
  type Manifest,
  type StreamConsumerEntry,
} from "../manifest.ts";
import { type LambdaBundle, lambdaBundle } from "./bundling.ts";
import { Edge } from "./edge.ts";
import type { EdgeGlobalStack } from "./edge-global.ts";
import { ExportArchives } from "./exports.ts";
import { HouseFunction } from "./house-function.ts";
import { writeHttpEntry } from "./http-entry.ts";
import { LedgerAlarms } from "./ledger-alarms.ts";
import { CityMail } from "./mail.ts";
import { Operations } from "./operations.ts";
import { SignIn, signInDomainName } from "./sign-in.ts";
import { writeStreamRouterEntry } from "./stream-entry.ts";

export interface CityStackProps extends StackProps {
  /** A city already validated by `parseCity`/`parseCityJson`, with its AWS account and region. */
  city: DeployableCity;
  /** The city's us-east-1 companion: the web ACL and (with a hosted zone) the certificate. */
  edgeGlobal: EdgeGlobalStack;
  /** The built web app. @default web/dist */
  webAssets?: string;
  /** @default the project manifest */
  manifest?: Manifest;
}

/** Steady and burst requests per second for the whole API: a ceiling on cost and abuse, far above a city's use. */
const API_THROTTLE = { rateLimit: 50, burstLimit: 100 };

/** Memory per kind of function: the stream routers score matches and handle many consumers at once. */
const MEMORY_MB: Record<FunctionPlan["trigger"], number> = {
  http: 256,
  stream: 512,
  schedule: 256,
  event: 256,
};

/** The cost-allocation tags every resource carries (activate them once in the Billing console). */
export function costTags(city: City): Record<string, string> {
  return {
    "mutua:city": city.id,
    "mutua:environment": city.operations.environment,
    "mutua:data-classification": city.operations.dataClassification,
  };
}

/**
 * The Lambda event filters of a router: the OR of its consumers' filters, so records none of them
 * wants never invoke (or bill) it; none at all when a consumer takes every record.
 */
export function routerFilters(consumers: readonly StreamConsumerEntry[]) {
  if (consumers.some((c) => !c.filter)) return [];
  return consumers.flatMap((c) => (c.filter ? streamFilters(c.filter) : []));
}

/**
 * The manifest's filter as Lambda event filters (any one matching lets a record through): new
 * images by entity for inserts and changes, old images for removals (a REMOVE has no new image).
 */
function streamFilters(filter: NonNullable<StreamConsumerEntry["filter"]>) {
  const entity = { entity: { S: FilterRule.or(...filter.entities) } };
  const names = filter.eventNames ?? ["INSERT", "MODIFY"];
  const upserts = names.filter((n) => n !== "REMOVE");
  return [
    ...(upserts.length > 0
      ? [
          FilterCriteria.filter({
            ...(filter.eventNames ? { eventName: FilterRule.or(...upserts) } : {}),
            dynamodb: { NewImage: entity },
          }),
        ]
      : []),
    ...(names.includes("REMOVE")
      ? [FilterCriteria.filter({ eventName: FilterRule.or("REMOVE"), dynamodb: { OldImage: entity } })]
      : []),
  ];
}

/** The user pool's email setting: through SES once the city's identity is verified (see CityMail). */
function emailOf(mail: CityMail) {
  const email = mail.userPoolEmail();
  return email ? { email } : {};
}

function projectionOf(
  index: IndexDefinition,
): Pick<GlobalSecondaryIndexPropsV2, "projectionType" | "nonKeyAttributes"> {
  if (index.projection === "ALL") return { projectionType: ProjectionType.ALL };
  if (index.projection === "KEYS_ONLY") return { projectionType: ProjectionType.KEYS_ONLY };
  return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] };
}

/** One city's Mutua: the table, the user pool, the HTTP API and every function the manifest names. */
export class CityStack extends Stack {
  readonly table: TableV2;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** The user pool, its managed login and the MFA claim's trigger. */
  readonly signIn: SignIn;
  /** The distribution in front of the app and the API. */
  readonly edge: Edge;
  readonly api: HttpApi;
  /** The `$default` stage, which serves at the API root. */
  readonly stage: HttpStage;
  /**
   * The functions the manifest implies (see `functionPlans`), keyed by name: one or two per HTTP
   * feature, one per stream router, one per schedule.
   */
  readonly functions: ReadonlyMap<string, HouseFunction>;
  /** Raised when the ledger audit or guard reports a violated invariant, or the audit goes quiet. */
  readonly ledgerAlarms: LedgerAlarms;
  /** The operations topic, every alarm, the budget and the dashboard. */
  readonly operations: Operations;
  /** The SES identity, configuration set and SMS settings (infra/aws/mail.ts). */
  readonly mail: CityMail;
  /** The bucket export jobs keep archives in (infra/aws/exports.ts). */
  readonly exports: ExportArchives;
  /** Where failures wait: each router's on-failure queue, and the schedules' dead-letter queue. */
  readonly failureQueues: ReadonlyMap<string, Queue>;

  constructor(scope: Construct, id: string, props: CityStackProps) {
    const { city, manifest = defaultManifest, edgeGlobal, webAssets = webDistDir, ...stackProps } = props;
    super(scope, id, { description: `Mutua time bank for ${city.name}`, ...stackProps });
    for (const [key, value] of Object.entries(costTags(city))) Tags.of(this).add(key, value);
    this.operations = new Operations(this, "Operations", { city });

    this.table = this.buildTable(tableDefinition);
    this.mail = new CityMail(this, "Mail", { city });
    const bundle = lambdaBundle(city);
    this.signIn = new SignIn(this, "SignIn", { city, bundle, ...emailOf(this.mail) });
    this.userPool = this.signIn.userPool;

    const functions = new Map<string, HouseFunction>();
    for (const plan of functionPlans(manifest))
      functions.set(plan.name, this.buildFunction(plan, bundle, manifest));
    this.functions = functions;
    const fn = (handler: string): HouseFunction => {
      const name = functionOf(handler, manifest);
      const found = functions.get(name);
      if (!found) throw new Error(`No function was built for ${name}`);
      return found;
    };

    this.api = new HttpApi(this, "Api", {
      apiName: `mutua-${city.id}`,
      description: `Mutua API for ${city.name}`,
      createDefaultStage: false,
      // With a domain the API is reached only through its regional custom domain (see Edge).
      disableExecuteApiEndpoint: city.edge.domain !== undefined,
    });
    this.stage = this.buildStage();

    const signInOrigin = `https://${signInDomainName(city)}`;
    // Cognito's regional API: the app calls it to sign a member out of every device.
    const identityEndpoint = `https://cognito-idp.${city.aws.region}.amazonaws.com`;
    this.edge = new Edge(this, "Edge", {
      city,
      api: this.api,
      stage: this.stage,
      webAclArn: edgeGlobal.webAcl.attrArn,
      certificate: edgeGlobal.certificate,
      webAssets,
      connectTo: [signInOrigin, identityEndpoint],
    });
    this.userPoolClient = this.signIn.addWebClient(this.edge.appOrigin);
    this.edge.deployApp({
      domain: signInOrigin,
      clientId: this.userPoolClient.userPoolClientId,
      identityEndpoint: `${identityEndpoint}/`,
    });
    // Only what came through the distribution is answered (see `Edge.originSecret`).
    const originSecret = this.edge.originSecret.secretValue.unsafeUnwrap();
    for (const plan of functionPlans(manifest)) {
      if (plan.trigger === "http")
        functions.get(plan.name)?.function.addEnvironment("ORIGIN_SECRET", originSecret);
    }
    this.exports = new ExportArchives(this, "Exports", { city, accessLogs: this.edge.logs });
    for (const route of manifest.routes)
      if (route.exportArchives) this.exports.grant(fn(route.handler), "read");
    for (const job of manifest.schedules)
      if (job.exportArchives) this.exports.grant(fn(job.handler), "write");
    this.buildRoutes(manifest, fn);
    this.throttleRoutes(manifest);
    const failureQueues = new Map<string, Queue>();
    const failureQueue = (name: string, what: string) => {
      const queue = new Queue(this, `${name}-failed`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(queue).acknowledge({
        id: "AwsSolutions-SQS3",
        reason: `This queue is itself a failure store (${what}); nothing reads it but operators, so a queue behind it would only ever be empty.`,
      });
      failureQueues.set(name, queue);
      this.operations.watchQueue(name, queue, what);
      return queue;
    };

    // The stream's readers: each router runs its consumers in process (see StreamRouterEntry).
    for (const router of manifest.routers) {
      const consumers = consumersOf(router.name, manifest);
      const reader = fn(consumers[0]?.handler ?? "");
      const failed = failureQueue(
        router.name,
        `${router.name} could not finish a batch in all its attempts (the failure store unreachable, or out of time): the message holds the batch's shard and sequence numbers, readable from the stream for 24 hours.`,
      );
      const filters = routerFilters(consumers);
      reader.function.addEventSource(
        new DynamoEventSource(this.table, {
          // From the oldest retained record: a router (re)created by a deploy misses nothing.
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: router.batchSize,
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
          retryAttempts: router.maxRetries,
          onFailure: new SqsDlq(failed),
          ...(filters.length > 0 ? { filters } : {}),
        }),
      );
      this.mail.grantSending(reader, [...new Set(consumers.flatMap((c) => c.sends ?? []))]);
      if (consumers.some((c) => c.exportArchives === "erase")) this.exports.grant(reader, "erase");
      if (consumers.some((c) => c.deletesLogins)) {
        // The pool id with the one permission that uses it, in the same call.
        reader.function.addEnvironment("USER_POOL_ID", this.userPool.userPoolId);
        reader.function.addToRolePolicy(
          new PolicyStatement({
            actions: ["cognito-idp:AdminDeleteUser"],
            resources: [this.userPool.userPoolArn],
          }),
        );
      }
      this.operations.watchStreamReader(router.name, reader.function);
    }
    this.operations.watchStreamFailures(STREAM_RECORDS_FAILED_METRIC, STREAM_FAILURES_WAITING_METRIC);

    // A schedule's run that fails (after Lambda's retries), or that EventBridge cannot deliver,
    // lands in one dead-letter queue, with the error; the next run of a job in passes resumes it.
    const scheduleFailures = failureQueue(
      "schedules",
      "A scheduled run failed after its retries, or could not be delivered: the message names the function, the event and the error.",
    );
    for (const schedule of manifest.schedules) {
      const target = fn(schedule.handler).function;
      target.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(scheduleFailures) });
      new Rule(this, `${schedule.name}-schedule`, {
        description: `Mutua ${schedule.name}, every ${schedule.everyMinutes} minutes`,
        schedule: Schedule.rate(Duration.minutes(schedule.everyMinutes)),
        targets: [
          new LambdaFunction(target, {
            retryAttempts: 2,
            maxEventAge: Duration.hours(2),
            deadLetterQueue: scheduleFailures,
          }),
        ],
      });
    }
    // Events from outside the table (SES bounces and complaints) share the schedules' dead letters.
    for (const entry of manifest.events)
      this.mail.connectConsumer(entry, fn(entry.handler), scheduleFailures);
    this.failureQueues = failureQueues;

    for (const [name, house] of functions) this.operations.watchFunction(name, house.function);
    this.operations.watchFunction("cognito-pre-token-generation", this.signIn.preTokenGeneration.function);
    this.operations.watchApi(this.api);
    this.operations.watchTable(this.table);

    // The ledger-audit schedule and the ledger-guard consumer report violations as an Embedded
    // Metric Format log line (shared/ledger-metric.ts): two alarms on that metric, no extra grant.
    this.ledgerAlarms = new LedgerAlarms(this, "LedgerAlarms", {
      cityId: city.id,
      topic: this.operations.topic,
    });
    this.operations.alarms.push(this.ledgerAlarms.violations, this.ledgerAlarms.auditSilent);
    this.buildDashboard(functions, failureQueues);

    new CfnOutput(this, "AppUrl", {
      value: `${this.edge.appOrigin}/`,
      description: "The city's web app; its API is under /api",
    });
    new CfnOutput(this, "DistributionDomainName", {
      value: this.edge.distribution.distributionDomainName,
      description: "Point the city's domain here when its DNS is not in Route 53 (a CNAME)",
    });
    new CfnOutput(this, "SignInUrl", { value: `https://${signInDomainName(city)}` });
    new CfnOutput(this, "ApiUrl", {
      value: this.edge.apiDomain ? `https://${this.edge.apiDomain.name}/` : this.stage.url,
      description: "The HTTP API's own address: it refuses requests that did not come through AppUrl",
    });
    if (this.edge.apiDomain && !city.edge.domain?.hostedZone) {
      new CfnOutput(this, "ApiOriginTarget", {
        value: this.edge.apiDomain.regionalDomainName,
        description: `Point ${this.edge.apiDomain.name} here (a CNAME) when the city's DNS is not in Route 53`,
      });
    }
    new CfnOutput(this, "UserPoolId", { value: this.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, "TableName", { value: this.table.tableName });
    new CfnOutput(this, "OperationsTopicArn", {
      value: this.operations.topic.topicArn,
      description: "Every alarm and budget alert goes here",
    });
    for (const router of manifest.routers) {
      const reader = functions.get(router.name);
      if (!reader) continue;
      new CfnOutput(this, `${router.name.replace(/[^A-Za-z0-9]/g, "")}Function`, {
        value: reader.function.functionName,
        description: `Invoke with {"action":"list"} or {"action":"replay"} to see or replay ${router.name}'s stored stream failures`,
      });
    }
  }

  /** The city's dashboard: the figures the alarms watch, side by side. */
  private buildDashboard(
    functions: ReadonlyMap<string, HouseFunction>,
    queues: ReadonlyMap<string, Queue>,
  ): void {
    const period = Duration.minutes(5);
    const all = [...functions.entries()];
    const routers = all.filter(([name]) => name.startsWith("streams-"));
    const api = this.api;
    const ops = this.operations;
    ops.graphs(
      {
        title: "API requests and 5xx",
        left: [api.metricCount({ period, statistic: "Sum" })],
        right: [
          api.metricServerError({ period, statistic: "Sum" }),
          api.metricClientError({ period, statistic: "Sum" }),
        ],
      },
      { title: "API latency p95 (ms)", left: [api.metricLatency({ period, statistic: "p95" })] },
    );
    ops.graphs(
      {
        title: "Function errors",
        left: all.map(([name, f]) => f.function.metricErrors({ period, statistic: "Sum", label: name })),
      },
      {
        title: "Function throttles",
        left: all.map(([name, f]) => f.function.metricThrottles({ period, statistic: "Sum", label: name })),
      },
    );
    ops.graphs(
      {
        title: "Stream routers: iterator age (ms)",
        left: routers.map(([name, f]) =>
          f.function.metric("IteratorAge", { period, statistic: "Maximum", label: name }),
        ),
      },
      {
        title: "Failures waiting",
        left: [...queues.entries()].map(([name, q]) =>
          q.metricApproximateNumberOfMessagesVisible({ period, statistic: "Maximum", label: name }),
        ),
        right: ops.alarms.filter((a) => a.node.id.startsWith("stream-")).map((a) => a.metric),
      },
    );
    ops.graphs(
      {
        title: "DynamoDB capacity consumed",
        left: [
          this.table.metricConsumedReadCapacityUnits({ period, statistic: "Sum" }),
          this.table.metricConsumedWriteCapacityUnits({ period, statistic: "Sum" }),
        ],
      },
      {
        title: "Ledger and table throttles",
        left: [this.ledgerAlarms.violations.metric],
        right: ops.alarms.filter((a) => a.node.id === "table-throttles").map((a) => a.metric),
      },
    );
  }

  private buildTable(definition: TableDefinition): TableV2 {
    const key = (name: string) => ({ name, type: AttributeType.STRING });
    return new TableV2(this, "Table", {
      partitionKey: key(definition.partitionKey),
      sortKey: key(definition.sortKey),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      dynamoStream: StreamViewType[definition.streamView],
      timeToLiveAttribute: definition.ttlAttribute,
      globalSecondaryIndexes: definition.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        ...projectionOf(index),
      })),
    });
  }

  /**
   * HTTP functions and stream routers run an entry generated from the manifest; schedules run
   * their handler module.
   */
  private buildFunction(plan: FunctionPlan, bundle: LambdaBundle, manifest: Manifest): HouseFunction {
    const [handler = ""] = plan.handlers;
    const entry =
      plan.trigger === "http"
        ? writeHttpEntry(plan)
        : plan.trigger === "stream"
          ? writeStreamRouterEntry(plan.name, consumersOf(plan.name, manifest))
          : handler;
    const description =
      plan.trigger === "http"
        ? `${plan.name}: ${Object.keys(plan.routes).length} routes (infra/manifest.ts)`
        : plan.trigger === "stream"
          ? `${plan.name}: ${consumersOf(plan.name, manifest)
              .map((c) => c.name)
              .join(", ")} (infra/manifest.ts)`
          : `${plan.name}: ${handler}`;
    return new HouseFunction(this, plan.name, {
      name: plan.name,
      entry,
      description,
      bundle,
      table: this.table,
      access: plan.access,
      writesLedger: plan.writesLedger,
      checkpoints: plan.checkpoints,
      addsAccessRecords:
        plan.trigger === "http" && manifest.routes.some((r) => r.auth && plan.handlers.includes(r.handler)),
      timeout: Duration.seconds(plan.timeoutSeconds),
      memorySize: MEMORY_MB[plan.trigger],
    });
  }

  private buildStage(): HttpStage {
    const accessLogs = new LogGroup(this, "ApiAccessLogs", { retention: RetentionDays.ONE_MONTH });
    return this.api.addStage("DefaultStage", {
      stageName: "$default",
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            time: "$context.requestTime",
            // The caller: the verified token's subject (Mutua's identity item maps it to a member;
            // the function's own log lines carry the member id under the same request id).
            caller: "$context.authorizer.claims.sub",
            ip: "$context.identity.sourceIp",
            method: "$context.httpMethod",
            path: "$context.path",
            routeKey: "$context.routeKey",
            status: "$context.status",
            latencyMs: "$context.responseLatency",
            responseBytes: "$context.responseLength",
            authorizerError: "$context.authorizer.error",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });
  }

  /**
   * The manifest's per-route throttles (the expensive routes: search, exports, reports), below the
   * stage's: route settings on the `$default` stage, keyed by route.
   */
  private throttleRoutes(manifest: Manifest): void {
    const throttled = manifest.routes.filter((r) => r.throttle);
    if (throttled.length === 0) return;
    const stage = this.stage.node.defaultChild as CfnStage;
    stage.routeSettings = Object.fromEntries(
      throttled.map((r) => [
        `${r.method} ${r.path}`,
        { ThrottlingRateLimit: r.throttle?.rateLimit, ThrottlingBurstLimit: r.throttle?.burstLimit },
      ]),
    );
    // A route setting names a route that must exist before the stage is updated.
    for (const child of this.api.node.children)
      if (child instanceof HttpRoute) stage.node.addDependency(child);
  }

  private buildRoutes(manifest: Manifest, fn: (handler: string) => HouseFunction): void {
    const jwt = new HttpJwtAuthorizer("CognitoJwt", this.userPool.userPoolProviderUrl, {
      jwtAudience: [this.userPoolClient.userPoolClientId],
      identitySource: ["$request.header.Authorization"],
    });
    // One integration per function, shared by its routes. Its invoke permission covers this API's
    // routes ("*/*/*") rather than one permission per route: a function only ever sees the routes
    // the API sends it, and per-route permissions would cost a resource each.
    const integrations = new Map<HouseFunction, HttpLambdaIntegration>();
    const integrationFor = (handler: string) => {
      const target = fn(handler);
      let integration = integrations.get(target);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${target.node.id}-integration`, target.function, {
          scopePermissionToRoute: false,
        });
        integrations.set(target, integration);
      }
      return integration;
    };

    for (const route of manifest.routes) {
      const authorizer: IHttpRouteAuthorizer | undefined = route.auth ? jwt : undefined;
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.handler),
        authorizer,
      });
      if (created && !route.auth) {
        Validations.of(created).acknowledge({
          id: "AwsSolutions-APIG4",
          reason: `${route.method} ${route.path} is public by design (manifest auth: false).`,
        });
      }
    }
    const notFound = new HttpRoute(this, "NotFoundRoute", {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: integrationFor(manifest.notFound.handler),
    });
    Validations.of(notFound).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "The $default catch-all only answers 404 in Mutua's error shape; it reads nothing, so there is nothing to authorise.",
    });
  }
}
