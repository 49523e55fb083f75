import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { App, CfnElement, Duration, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Schedule } from "aws-cdk-lib/aws-events";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import * as esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type IndexDefinition, keyAttributes, table as tableDefinition } from "#data/table.ts";
import { CityConfigError } from "#shared/config/city.ts";
import { reportLedgerViolations } from "#shared/ledger-metric.ts";
import { addCity, loadCity } from "../../infra/aws/app.ts";
import { esbuildOptions, lambdaBundle } from "../../infra/aws/bundling.ts";
import type { CityStack } from "../../infra/aws/city-stack.ts";
import { functionOf, functionPlans, handlerModules, manifest, tableAccessOf } from "../../infra/manifest.ts";
import { repoRoot } from "../../infra/repo-root.ts";

type Resource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };

const exampleFile = path.join(repoRoot, "cities/example.json");
const city = loadCity(exampleFile);
/** The same feature flags `cdk synth` reads from cdk.json, so the test synthesises what ships. */
const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(repoRoot, "cdk.json"), "utf8"),
).context;

let app: App;
let stack: CityStack;
let template: Template;
let resources: Record<string, Resource>;
let outdir: string;

// One synthesis shared by the whole file. Bundling is skipped here ("aws:cdk:bundling-stacks": []):
// it would add every function's esbuild run to each test file that synthesises, and what the
// bundles hold is tested on real esbuild output in lambda-bundle.test.ts with the very same options.
beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), "mutua-synth-"));
  // Asset metadata is what the CLI turns on too; it lets a test find the bundle a function ships.
  app = new App({
    outdir,
    context: { ...cdkContext, "aws:cdk:enable-asset-metadata": true, "aws:cdk:bundling-stacks": [] },
  });
  stack = addCity(app, city);
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  app.synth();
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function logicalIdOf(construct: IConstruct): string {
  const child = construct.node.defaultChild;
  if (!(child instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.resolve(stack.getLogicalId(child));
}

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** The logical id of the function the manifest names (`http-posts`, `streams-matching`, ...). */
function functionIdNamed(name: string): string {
  const found = ofType("AWS::Lambda::Function").filter(([, r]) =>
    String(r.Properties.Description).startsWith(`Mutua ${name}:`),
  );
  expect(found, `one function named ${name}`).toHaveLength(1);
  return found[0]?.[0] ?? "";
}

/** The logical id of the function a handler module runs in. */
function functionIdFor(handler: string): string {
  return functionIdNamed(functionOf(handler));
}

const tableId = () => logicalIdOf(stack.table);

function resource(id: string): Resource {
  const found = resources[id];
  if (!found) throw new Error(`No resource ${id} in the template`);
  return found;
}

/** Every IAM action the role of the function running a handler module is allowed, per statement. */
function statementsOf(handler: string): { Action: string | string[]; Resource: unknown }[] {
  return statementsOfFunction(functionIdFor(handler));
}

function statementsOfFunction(functionId: string): { Action: string | string[]; Resource: unknown }[] {
  const { Role } = resource(functionId).Properties as {
    Role: { "Fn::GetAtt": [string, string] };
  };
  const roleId = Role["Fn::GetAtt"][0];
  expect(resource(roleId).Properties.ManagedPolicyArns, "no managed policies on the role").toBeUndefined();
  return ofType("AWS::IAM::Policy")
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(
      ([, p]) =>
        (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
}

describe("CityStack", () => {
  it("is named after the city", () => {
    expect(stack.stackName).toBe(`Mutua-${city.id}`);
  });
});

describe("CityStack table", () => {
  it("is on-demand, recoverable, protected, retained, streamed and expiring", () => {
    const [[, table] = ["", undefined]] = ofType("AWS::DynamoDB::GlobalTable");
    expect(ofType("AWS::DynamoDB::GlobalTable")).toHaveLength(1);
    expect(table?.DeletionPolicy).toBe("Retain");
    expect(table?.UpdateReplacePolicy).toBe("Retain");
    template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: "HASH" },
        { AttributeName: tableDefinition.sortKey, KeyType: "RANGE" },
      ],
      StreamSpecification: { StreamViewType: "NEW_AND_OLD_IMAGES" },
      TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
      Replicas: [
        Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it("declares every key attribute as a string", () => {
    template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      AttributeDefinitions: Match.arrayEquals(
        keyAttributes().map((name) => ({ AttributeName: name, AttributeType: "S" })),
      ),
    });
  });

  it.each(tableDefinition.indexes.map((index) => [index.name, index] as const))(
    "has the %s index with its keys and projection",
    (_name, index: IndexDefinition) => {
      const projection =
        index.projection === "ALL" || index.projection === "KEYS_ONLY"
          ? { ProjectionType: index.projection }
          : { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projection] };
      template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
        GlobalSecondaryIndexes: Match.arrayWith([
          {
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: "HASH" },
              { AttributeName: index.sortKey, KeyType: "RANGE" },
            ],
            Projection: projection,
          },
        ]),
      });
    },
  );

  it("has exactly the indexes the definition names", () => {
    const [[, table] = ["", undefined]] = ofType("AWS::DynamoDB::GlobalTable");
    const indexes = table?.Properties.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(tableDefinition.indexes.map((i) => i.name).sort());
  });

  it("is tagged with the city id", () => {
    template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      Replicas: [Match.objectLike({ Tags: Match.arrayWith([{ Key: "mutua:city", Value: city.id }]) })],
    });
  });
});

describe("CityStack functions", () => {
  const plans = functionPlans();

  it("builds a function or two per HTTP feature (reads apart), one per consumer and schedule", () => {
    expect(ofType("AWS::Lambda::Function")).toHaveLength(plans.length);
    const features = [...new Set([...manifest.routes.map((r) => r.fn), manifest.notFound.fn])];
    const http = plans.filter((p) => p.trigger === "http").map((p) => p.name);
    expect(new Set(http.map((name) => name.replace(/^http-|-read$/g, "")))).toEqual(new Set(features));
    expect(http.length).toBeLessThanOrEqual(2 * features.length);
    expect(plans.length).toBeLessThan(handlerModules().length);
  });

  it.each(plans.map((p) => p.name))("%s runs nodejs22.x on arm64 with TABLE_NAME", (name) => {
    const fn = resources[functionIdNamed(name)];
    expect(fn?.Properties).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
      MemorySize: 256,
      Environment: { Variables: { TABLE_NAME: { Ref: tableId() } } },
      LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
    });
  });

  it.each(plans.map((p) => p.name))("%s may touch the table and its indexes only, never '*'", (name) => {
    const dynamo = statementsOfFunction(functionIdNamed(name)).filter((s) =>
      [s.Action].flat().some((a) => a.startsWith("dynamodb:")),
    );
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) {
      const targets = [statement.Resource].flat();
      for (const target of targets) {
        expect(target, "no wildcard resource").not.toBe("*");
        expect(JSON.stringify(target)).toContain(tableId());
        expect(JSON.stringify(target)).not.toContain("*");
      }
    }
  });

  it("grants write actions only to functions that write, and Scan to none", () => {
    const actionsOf = (name: string) =>
      statementsOfFunction(functionIdNamed(name)).flatMap((s) => [s.Action].flat());
    expect(actionsOf("http-public")).toContain("dynamodb:GetItem");
    expect(actionsOf("http-public")).not.toContain("dynamodb:PutItem");
    expect(actionsOf("streams-audit-trail")).toContain("dynamodb:PutItem");
    for (const plan of plans) {
      expect(actionsOf(plan.name)).not.toContain("dynamodb:Scan");
      // Read-only only when every handler in the function is marked read-only in the manifest.
      const writes = actionsOf(plan.name).some((a) => /PutItem|UpdateItem|DeleteItem|BatchWriteItem/.test(a));
      const allRead = plan.handlers.every((h) => tableAccessOf(h) === "read");
      expect(writes, plan.name).toBe(!allRead);
    }
  });

  it("gives every function its own log group with a retention", () => {
    const groups = ofType("AWS::Logs::LogGroup");
    // One per function plus the API access log.
    expect(groups).toHaveLength(plans.length + 1);
    for (const [, group] of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });
});

describe("Lambda bundle settings", () => {
  it("inline the validated city wherever code reads process.env.CITY_CONFIG", async () => {
    const result = await esbuild.build({
      ...esbuildOptions(lambdaBundle(city)),
      stdin: { contents: "export const city = JSON.parse(process.env.CITY_CONFIG);", loader: "ts" },
      write: false,
    });
    const code = result.outputFiles[0]?.text ?? "";
    expect(code).not.toContain("process.env");
    const dir = mkdtempSync(path.join(tmpdir(), "mutua-bundle-"));
    try {
      const file = path.join(dir, "index.mjs");
      writeFileSync(file, code);
      const module = await import(pathToFileURL(file).href);
      expect(module.city).toEqual(city);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are ESM for node22, minified, without source maps and with nothing external", () => {
    expect(esbuildOptions(lambdaBundle(city))).toMatchObject({
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node22",
      minify: true,
      sourcemap: false,
      mainFields: ["module", "main"],
      external: [],
    });
  });
});

describe("CityStack HTTP API", () => {
  it("has exactly the manifest routes plus the $default catch-all", () => {
    const keys = ofType("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties.RouteKey);
    expect(keys.sort()).toEqual([...manifest.routes.map((r) => `${r.method} ${r.path}`), "$default"].sort());
  });

  it.each(manifest.routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s uses the JWT authorizer exactly when the manifest asks",
    (key, route) => {
      const [[, found] = ["", undefined]] = ofType("AWS::ApiGatewayV2::Route").filter(
        ([, r]) => r.Properties.RouteKey === key,
      );
      if (route.auth) {
        expect(found?.Properties).toMatchObject({
          AuthorizationType: "JWT",
          AuthorizerId: { Ref: expect.any(String) },
        });
      } else {
        expect(found?.Properties.AuthorizationType).toBe("NONE");
        expect(found?.Properties.AuthorizerId).toBeUndefined();
      }
      const target = JSON.stringify(found?.Properties.Target);
      const integrationId = ofType("AWS::ApiGatewayV2::Integration").find(([id]) => target.includes(id))?.[0];
      const integration = integrationId ? resources[integrationId] : undefined;
      expect(JSON.stringify(integration?.Properties.IntegrationUri)).toContain(functionIdFor(route.handler));
    },
  );

  it("sends unmatched requests to the not-found handler without auth", () => {
    const [[, route] = ["", undefined]] = ofType("AWS::ApiGatewayV2::Route").filter(
      ([, r]) => r.Properties.RouteKey === "$default",
    );
    expect(route?.Properties.AuthorizationType).toBe("NONE");
    const target = JSON.stringify(route?.Properties.Target);
    const integrationId =
      ofType("AWS::ApiGatewayV2::Integration").find(([id]) => target.includes(id))?.[0] ?? "";
    expect(JSON.stringify(resources[integrationId]?.Properties.IntegrationUri)).toContain(
      functionIdFor(manifest.notFound.handler),
    );
  });

  it("has one integration per HTTP function, invocable by this API's routes only", () => {
    const httpPlans = functionPlans().filter((p) => p.trigger === "http");
    const integrations = ofType("AWS::ApiGatewayV2::Integration");
    expect(integrations).toHaveLength(httpPlans.length);
    for (const plan of httpPlans) {
      const functionId = functionIdNamed(plan.name);
      expect(
        integrations.filter(([, i]) => JSON.stringify(i.Properties.IntegrationUri).includes(functionId)),
      ).toHaveLength(1);
      const permissions = ofType("AWS::Lambda::Permission").filter(([, p]) =>
        JSON.stringify(p.Properties.FunctionName).includes(functionId),
      );
      expect(permissions).toHaveLength(1);
      expect(permissions[0]?.[1].Properties).toMatchObject({
        Action: "lambda:InvokeFunction",
        Principal: "apigateway.amazonaws.com",
      });
      const sourceArn = JSON.stringify(permissions[0]?.[1].Properties.SourceArn);
      expect(sourceArn).toContain(logicalIdOf(stack.api));
      expect(sourceArn).toContain("/*/*/*");
    }
  });

  it("verifies tokens issued by the city's user pool for its web client", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Issuer: { "Fn::GetAtt": [logicalIdOf(stack.userPool), "ProviderURL"] },
        Audience: [{ Ref: logicalIdOf(stack.userPoolClient) }],
      },
    });
  });

  it("logs access and throttles on the $default stage", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { "Fn::GetAtt": [Match.anyValue(), "Arn"] },
        Format: Match.stringLikeRegexp("requestId"),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });
});

describe("CityStack identity", () => {
  it("lets residents sign up by email under a strong password policy on the Plus tier", () => {
    template.hasResourceProperties("AWS::Cognito::UserPool", {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UsernameAttributes: ["email"],
      AutoVerifiedAttributes: ["email"],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      UserPoolTier: "PLUS",
      DeletionProtection: "ACTIVE",
    });
    template.hasResource("AWS::Cognito::UserPool", { DeletionPolicy: "Retain" });
  });

  it("has a public (secretless) web client", () => {
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(["ALLOW_USER_SRP_AUTH"]),
    });
  });
});

describe("CityStack streams and schedules", () => {
  it.each(manifest.consumers.map((c) => [c.name, c] as const))(
    "feeds %s from the table stream with partial failures, bisecting, retries and an on-failure queue",
    (_name, consumer) => {
      const mappings = ofType("AWS::Lambda::EventSourceMapping").filter(
        ([, m]) => (m.Properties.FunctionName as { Ref: string }).Ref === functionIdFor(consumer.handler),
      );
      expect(mappings).toHaveLength(1);
      const [[, mapping] = ["", undefined]] = mappings;
      expect(mapping?.Properties).toMatchObject({
        EventSourceArn: { "Fn::GetAtt": [tableId(), "StreamArn"] },
        BatchSize: consumer.batchSize,
        MaximumRetryAttempts: consumer.maxRetries,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        StartingPosition: expect.stringMatching(/^(TRIM_HORIZON|LATEST)$/),
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [expect.any(String), "Arn"] } } },
      });
      const destination = mapping?.Properties.DestinationConfig as {
        OnFailure: { Destination: { "Fn::GetAtt": [string, string] } };
      };
      const queueId = destination.OnFailure.Destination["Fn::GetAtt"][0];
      expect(resources[queueId]?.Type).toBe("AWS::SQS::Queue");
      expect(resources[queueId]?.Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
    },
  );

  it.each(manifest.schedules.map((s) => [s.name, s] as const))("runs %s on its rate", (_name, schedule) => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: Schedule.rate(Duration.minutes(schedule.everyMinutes)).expressionString,
      State: "ENABLED",
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [functionIdFor(schedule.handler), "Arn"] } })],
    });
  });

  it("has one rule per schedule", () => {
    expect(ofType("AWS::Events::Rule")).toHaveLength(manifest.schedules.length);
  });
});

describe("CityStack ledger alarms", () => {
  /** The metric line the ledger audit writes when it finds a violation, as CloudWatch reads it. */
  function auditMetricLine(): {
    _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    [field: string]: unknown;
  } {
    const lines: string[] = [];
    const out = vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      reportLedgerViolations(city.id, "ledger-audit", ["balances do not sum to zero"]);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const line = lines.find((l) => l.includes('"_aws"'));
    if (!line) throw new Error("the audit wrote no metric line");
    return JSON.parse(line);
  }

  it("watch exactly the metric, namespace and city dimension the ledger audit reports", () => {
    const emf = auditMetricLine();
    const [declaration] = emf._aws.CloudWatchMetrics;
    const dimension = declaration?.Dimensions[0]?.[0] ?? "";
    const metricName = declaration?.Metrics[0]?.Name ?? "";
    expect(emf[metricName]).toBe(1);
    const alarms = ofType("AWS::CloudWatch::Alarm");
    expect(alarms).toHaveLength(2);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties).toMatchObject({
        Namespace: declaration?.Namespace,
        MetricName: metricName,
        Dimensions: [{ Name: dimension, Value: emf[dimension] }],
      });
    }
    // One reading of 1 or more (the line above) raises the violations alarm.
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Statistic: "Maximum",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 1,
    });
  });

  it("the audit that reports it runs daily and logs as plain text, so CloudWatch extracts the metric", () => {
    const audit = manifest.schedules.find((s) => s.handler === "functions/schedules/ledger-audit.ts");
    expect(audit?.everyMinutes).toBe(24 * 60);
    // A JSON log format would wrap the line in Lambda's own envelope.
    const logging = resource(functionIdFor("functions/schedules/ledger-audit.ts")).Properties.LoggingConfig as
      | { LogFormat?: string }
      | undefined;
    expect(logging?.LogFormat ?? "Text").toBe("Text");
  });

  it("keeps the stack well under CloudFormation's 500 resources", () => {
    // 179 with 48 routes in 6 HTTP functions, 7 consumers and 6 schedules. A route costs one
    // resource, a consumer or schedule function about six; past 250 look again before the limit.
    expect(Object.keys(resources).length).toBeLessThan(250);
  });
});

describe("CityStack outputs", () => {
  it.each(["ApiUrl", "UserPoolId", "UserPoolClientId", "TableName"])("exports %s", (name) => {
    template.hasOutput(name, {});
  });
});

describe("cdk-nag AwsSolutions", () => {
  it("reports no unacknowledged findings on the city app", () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
  });

  it("does report findings when there are some (the check is live in this environment)", () => {
    const scratch = new App();
    new Queue(new Stack(scratch, "Scratch"), "Plain");
    const report = new AwsSolutionsChecks().validateScope(scratch);
    expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(["AwsSolutions-SQS4"]));
  });
});

describe("broken city files", () => {
  let dir: string;
  let broken: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "mutua-city-"));
    broken = path.join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ ...city, timezone: "Mars/Olympus_Mons" }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fail to load with the field and rule named", () => {
    expect(() => loadCity(broken)).toThrow(CityConfigError);
    expect(() => loadCity(broken)).toThrow(/timezone: must be an IANA time zone/);
  });

  it("stop the CDK app with that message and no stack trace", () => {
    const outdir = path.join(dir, "cdk.out");
    const run = spawnSync(process.execPath, ["--import", "tsx", "infra/aws/app.ts"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ city: broken }), CDK_OUTDIR: outdir },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("timezone: must be an IANA time zone");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(path.join(outdir, "manifest.json"))).toBe(false);
  });
});

describe("stream consumers' filters and outside channels", () => {
  it("filters each consumer's records as the manifest says", () => {
    for (const consumer of manifest.consumers) {
      const mapping = ofType("AWS::Lambda::EventSourceMapping").find(
        ([, m]) => (m.Properties.FunctionName as { Ref: string }).Ref === functionIdFor(consumer.handler),
      );
      const filters = (
        mapping?.[1].Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined
      )?.Filters;
      if (!consumer.filter) {
        expect(filters).toBeUndefined();
        continue;
      }
      const pattern = JSON.parse(filters?.[0]?.Pattern ?? "{}");
      expect(pattern.dynamodb.NewImage.entity.S).toEqual([...consumer.filter.entities]);
      if (consumer.filter.eventNames) expect(pattern.eventName).toEqual([...consumer.filter.eventNames]);
    }
  });

  it("lets only the sending consumer email, from the city's sender identity", () => {
    const sesStatements = (handler: string) =>
      statementsOf(handler).filter((s) => [s.Action].flat().includes("ses:SendEmail"));
    expect(sesStatements("functions/streams/notification-channels.ts")).toHaveLength(1);
    expect(
      JSON.stringify(sesStatements("functions/streams/notification-channels.ts")[0]?.Resource),
    ).toContain("identity/timebank@riverside.example");
    expect(sesStatements("functions/streams/audit-trail.ts")).toEqual([]);
    // The example city keeps SMS off: nobody may publish.
    for (const handler of handlerModules()) {
      expect(statementsOf(handler).flatMap((s) => [s.Action].flat())).not.toContain("sns:Publish");
    }
  });

  it("grants SNS publishing when a city turns SMS on, still cdk-nag clean", () => {
    const smsApp = new App({ context: { ...cdkContext, "aws:cdk:bundling-stacks": [] } });
    const smsCity = { ...city, id: "smsville", notifications: { ...city.notifications, smsEnabled: true } };
    const smsStack = addCity(smsApp, smsCity);
    const policies = Template.fromStack(smsStack).findResources("AWS::IAM::Policy");
    expect(JSON.stringify(policies)).toContain("sns:Publish");
    const report = new AwsSolutionsChecks().validateScope(smsApp);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
