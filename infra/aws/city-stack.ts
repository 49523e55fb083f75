import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
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
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from "aws-cdk-lib/aws-cognito";
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
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { type IndexDefinition, type TableDefinition, table as tableDefinition } from "#data/table.ts";
import type { City } from "#shared/config/city.ts";
import {
  manifest as defaultManifest,
  type FunctionPlan,
  functionOf,
  functionPlans,
  type Manifest,
} from "../manifest.ts";
import { type LambdaBundle, lambdaBundle } from "./bundling.ts";
import { HouseFunction } from "./house-function.ts";
import { writeHttpEntry } from "./http-entry.ts";
import { LedgerAlarms } from "./ledger-alarms.ts";

export interface CityStackProps extends StackProps {
  /** A city already validated by `parseCity`/`parseCityJson`. */
  city: City;
  /** @default the project manifest */
  manifest?: Manifest;
}

/** Steady and burst requests per second for the whole API: a ceiling on cost and abuse, far above a city's use. */
const API_THROTTLE = { rateLimit: 50, burstLimit: 100 };

const TIMEOUTS: Record<FunctionPlan["trigger"], Duration> = {
  http: Duration.seconds(10),
  stream: Duration.seconds(60),
  schedule: Duration.minutes(5),
};

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
  readonly api: HttpApi;
  /** The `$default` stage, which serves at the API root. */
  readonly stage: HttpStage;
  /**
   * The functions the manifest implies (see `functionPlans`), keyed by name: one per HTTP feature,
   * one per stream consumer, one per schedule.
   */
  readonly functions: ReadonlyMap<string, HouseFunction>;
  /** Raised when the ledger audit or guard reports a violated invariant, or the audit goes quiet. */
  readonly ledgerAlarms: LedgerAlarms;

  constructor(scope: Construct, id: string, props: CityStackProps) {
    const { city, manifest = defaultManifest, ...stackProps } = props;
    super(scope, id, { description: `Mutua time bank for ${city.name}`, ...stackProps });
    Tags.of(this).add("mutua:city", city.id);

    this.table = this.buildTable(tableDefinition);
    this.userPool = this.buildUserPool();
    this.userPoolClient = this.userPool.addClient("WebClient", {
      generateSecret: false,
      authFlows: { userSrp: true },
      // No hosted UI yet: the web app signs in with SRP, so no callback URL exists to register.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    const bundle = lambdaBundle(city);
    const functions = new Map<string, HouseFunction>();
    for (const plan of functionPlans(manifest)) functions.set(plan.name, this.buildFunction(plan, bundle));
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
    });
    this.stage = this.buildStage();
    this.buildRoutes(manifest, fn);
    for (const consumer of manifest.consumers) {
      const failed = new Queue(this, `${consumer.name}-failed`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(failed).acknowledge({
        id: "AwsSolutions-SQS3",
        reason: `This queue is itself the on-failure destination of the ${consumer.name} stream consumer; nothing reads from it but operators, so a queue behind it would only ever be empty.`,
      });
      fn(consumer.handler).function.addEventSource(
        new DynamoEventSource(this.table, {
          // From the oldest retained record: a consumer (re)created by a deploy misses nothing.
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: consumer.batchSize,
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
          retryAttempts: consumer.maxRetries,
          onFailure: new SqsDlq(failed),
          // The manifest's filter, as a Lambda event filter: other records never invoke (or bill) it.
          ...(consumer.filter
            ? {
                filters: [
                  FilterCriteria.filter({
                    ...(consumer.filter.eventNames
                      ? { eventName: FilterRule.or(...consumer.filter.eventNames) }
                      : {}),
                    dynamodb: { NewImage: { entity: { S: FilterRule.or(...consumer.filter.entities) } } },
                  }),
                ],
              }
            : {}),
        }),
      );
      this.grantSending(fn(consumer.handler), consumer.sends ?? [], city);
    }
    for (const schedule of manifest.schedules) {
      new Rule(this, `${schedule.name}-schedule`, {
        description: `Mutua ${schedule.name}, every ${schedule.everyMinutes} minutes`,
        schedule: Schedule.rate(Duration.minutes(schedule.everyMinutes)),
        targets: [new LambdaFunction(fn(schedule.handler).function, { retryAttempts: 2 })],
      });
    }

    // The ledger-audit schedule and the ledger-guard consumer report violations as an Embedded
    // Metric Format log line (shared/ledger-metric.ts): two alarms on that metric, no extra grant.
    this.ledgerAlarms = new LedgerAlarms(this, "LedgerAlarms", { cityId: city.id });

    new CfnOutput(this, "ApiUrl", { value: this.stage.url, description: "Base URL of the HTTP API" });
    new CfnOutput(this, "UserPoolId", { value: this.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, "TableName", { value: this.table.tableName });
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

  private buildUserPool(): UserPool {
    const pool = new UserPool(this, "Users", {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus tier: compromised-credential checks and adaptive authentication, enforced.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pool).acknowledge({
      id: "AwsSolutions-COG2",
      reason:
        "MFA is optional (TOTP) rather than required: many time-bank members are older or digitally " +
        "excluded residents for whom a second factor would bar sign-up; Plus-tier threat protection " +
        "(compromised credentials, adaptive authentication) is enforced instead.",
    });
    return pool;
  }

  /**
   * Email through SES from the city's sender identity only; SMS through SNS only when the city
   * turned SMS on (SNS has no per-phone-number resource, hence the wildcard there).
   */
  private grantSending(target: HouseFunction, channels: readonly ("email" | "sms")[], city: City): void {
    const emailFrom = city.notifications.emailFrom;
    if (channels.includes("email") && emailFrom) {
      const domain = emailFrom.split("@")[1] ?? emailFrom;
      target.function.addToRolePolicy(
        new PolicyStatement({
          actions: ["ses:SendEmail"],
          resources: [
            Stack.of(this).formatArn({ service: "ses", resource: "identity", resourceName: emailFrom }),
            Stack.of(this).formatArn({ service: "ses", resource: "identity", resourceName: domain }),
          ],
        }),
      );
    }
    if (channels.includes("sms") && city.notifications.smsEnabled) {
      target.function.addToRolePolicy(new PolicyStatement({ actions: ["sns:Publish"], resources: ["*"] }));
      Validations.of(target.role).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "SMS to a phone number is an SNS Publish with no topic, which IAM can only express with Resource '*'; the statement allows sns:Publish alone and exists only when the city enables SMS.",
      });
    }
  }

  /** HTTP functions run an entry generated from the manifest; the others run their handler module. */
  private buildFunction(plan: FunctionPlan, bundle: LambdaBundle): HouseFunction {
    const [handler = ""] = plan.handlers;
    const http = plan.trigger === "http";
    return new HouseFunction(this, plan.name, {
      name: plan.name,
      entry: http ? writeHttpEntry(plan) : handler,
      description: http
        ? `${plan.name}: ${Object.keys(plan.routes).length} routes (infra/manifest.ts)`
        : `${plan.name}: ${handler}`,
      bundle,
      table: this.table,
      access: plan.access,
      timeout: TIMEOUTS[plan.trigger],
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
