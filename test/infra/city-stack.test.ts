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
import { stackShape } from "../../bench/cost/shape.ts";
import { STREAM_FAILURES_WAITING_METRIC } from "../../functions/schedules/stream-failures.ts";
import { STREAM_RECORDS_FAILED_METRIC } from "../../functions/streams/router.ts";
import { addCity, loadCity } from "../../infra/aws/app.ts";
import { esbuildOptions, lambdaBundle } from "../../infra/aws/bundling.ts";
import type { CityStack } from "../../infra/aws/city-stack.ts";
import { streamRouterSource } from "../../infra/aws/stream-entry.ts";
import {
  consumersOf,
  functionOf,
  functionPlans,
  handlerModules,
  manifest,
  tableAccessOf,
} from "../../infra/manifest.ts";
import { repoRoot } from "../../infra/repo-root.ts";
import { CityConfigError } from "../../shared/config/city.ts";
import { keys } from "../../shared/data/keys.ts";
import { type IndexDefinition, keyAttributes, table as tableDefinition } from "../../shared/data/table.ts";
import { reportLedgerViolations } from "../../shared/ledger-metric.ts";
import { OPERATIONS_NAMESPACE } from "../../shared/metrics.ts";

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

function statementsOfFunction(
  functionId: string,
): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
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
    // Beside the manifest's: the sign-in's pre-token-generation trigger and CDK's copier of the web app.
    expect(ofType("AWS::Lambda::Function")).toHaveLength(plans.length + 2);
    const features = [...new Set([...manifest.routes.map((r) => r.fn), manifest.notFound.fn])];
    const http = plans.filter((p) => p.trigger === "http").map((p) => p.name);
    expect(new Set(http.map((name) => name.replace(/^http-|-read$/g, "")))).toEqual(new Set(features));
    expect(http.length).toBeLessThanOrEqual(2 * features.length);
    expect(plans.length).toBeLessThan(handlerModules().length);
  });

  it.each(plans.map((p) => [p.name, p] as const))(
    "%s runs nodejs24.x on arm64, traced, logging JSON, with TABLE_NAME and its timeout",
    (name, plan) => {
      const fn = resources[functionIdNamed(name)];
      expect(fn?.Properties).toMatchObject({
        Runtime: "nodejs24.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
        MemorySize: plan.trigger === "stream" ? 512 : 256,
        Timeout: plan.timeoutSeconds,
        TracingConfig: { Mode: "Active" },
        Environment: { Variables: { TABLE_NAME: { Ref: tableId() } } },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) }, LogFormat: "JSON" },
      });
      // Active tracing needs the X-Ray write actions, and nothing more of X-Ray.
      const xray = statementsOfFunction(functionIdNamed(name)).flatMap((st) =>
        [st.Action].flat().filter((a) => a.startsWith("xray:")),
      );
      expect(xray.sort()).toEqual(["xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
    },
  );

  it("lets only the ledger's writers write journal lines and transfers", () => {
    const ledgerDeny = (name: string) =>
      statementsOfFunction(functionIdNamed(name)).filter(
        (st) => (st as { Effect?: string }).Effect === "Deny",
      ) as unknown as {
        Action: string[];
        Resource: unknown;
        Condition: Record<string, Record<string, string[]>>;
      }[];
    const writers = plans.filter((p) => p.writesLedger).map((p) => p.name);
    // The settling and crediting functions, and closing an account (its balance goes to the pot).
    expect(writers.sort()).toEqual([
      "http-exchanges",
      "http-ledger",
      "http-members",
      "schedules-exchange-auto-confirm",
    ]);
    for (const plan of plans) {
      const denies = ledgerDeny(plan.name);
      if (plan.writesLedger || plan.access === "read") {
        expect(denies, plan.name).toEqual([]);
        continue;
      }
      expect(denies, plan.name).toHaveLength(1);
      expect(denies[0]?.Action).toEqual(
        expect.arrayContaining([
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:BatchWriteItem",
        ]),
      );
      expect(JSON.stringify(denies[0]?.Resource)).toContain(tableId());
      expect(denies[0]?.Condition).toEqual({
        "ForAnyValue:StringLike": { "dynamodb:LeadingKeys": ["JOURNAL#*", "TRANSFER#*"] },
      });
    }
    // The prefixes are the ledger's own keys.
    expect(keys.journalLine("a", 0, 1).pk.startsWith("JOURNAL#")).toBe(true);
    expect(keys.transfer("t").pk.startsWith("TRANSFER#")).toBe(true);
  });

  it("gives the ledger audit read-only access, and a write of its own checkpoint only", () => {
    const statements = statementsOf("functions/schedules/ledger-audit.ts") as unknown as {
      Effect?: string;
      Action: string | string[];
      Condition?: unknown;
    }[];
    const dynamo = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith("dynamodb:")));
    const unconditioned = dynamo.filter((st) => !st.Condition).flatMap((st) => [st.Action].flat());
    expect(unconditioned.sort()).toEqual(
      ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:Query"].sort(),
    );
    const conditioned = dynamo.filter((st) => st.Condition);
    expect(conditioned).toEqual([
      expect.objectContaining({
        Action: "dynamodb:PutItem",
        Condition: {
          "ForAllValues:StringEquals": {
            "dynamodb:LeadingKeys": [keys.scheduleCheckpoint("ledger-audit").pk],
          },
        },
      }),
    ]);
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
    expect(actionsOf("streams-router")).toContain("dynamodb:PutItem");
    const allowed = (name: string) =>
      statementsOfFunction(functionIdNamed(name))
        .filter(
          (st) => (st as { Effect?: string }).Effect !== "Deny" && !(st as { Condition?: unknown }).Condition,
        )
        .flatMap((st) => [st.Action].flat());
    for (const plan of plans) {
      expect(actionsOf(plan.name)).not.toContain("dynamodb:Scan");
      // Read-only only when every handler in the function is marked read-only in the manifest; a
      // read-only function may add access records (PutItem on ACCESS# keys alone) and nothing else.
      const accessRecords = statementsOfFunction(functionIdNamed(plan.name)).filter(
        (s) =>
          JSON.stringify(s.Condition ?? {}) ===
          JSON.stringify({ "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["ACCESS#*"] } }),
      );
      for (const s of accessRecords) expect([s.Action].flat()).toEqual(["dynamodb:PutItem"]);
      const writes = allowed(plan.name).some((a) => /PutItem|UpdateItem|DeleteItem|BatchWriteItem/.test(a));
      const allRead = plan.handlers.every((h) => tableAccessOf(h) === "read");
      expect(writes, plan.name).toBe(!allRead);
    }
  });

  it("lets only the router that runs the erasure consumer delete sign-in identities", () => {
    const erasure = manifest.consumers.find((c) => c.name === "erasure");
    expect(erasure?.deletesLogins).toBe(true);
    for (const plan of plans) {
      const actions = statementsOfFunction(functionIdNamed(plan.name)).flatMap((s) => [s.Action].flat());
      expect(actions.includes("cognito-idp:AdminDeleteUser"), plan.name).toBe(plan.name === erasure?.router);
    }
  });

  it("keeps export archives in a private, encrypted, HTTPS-only bucket that empties itself", () => {
    const bucketId = logicalIdOf(stack.exports.bucket);
    const bucket = resource(bucketId).Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] });
    expect(bucket.LoggingConfiguration).toMatchObject({ LogFilePrefix: "exports/" });
    // The city's link lasts 24 hours: objects go the day after, whole days being S3's unit.
    expect(city.retention.exportLinkHours).toBe(24);
    expect(bucket.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Status: "Enabled",
          ExpirationInDays: 2,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
    });
    expect(resource(bucketId).DeletionPolicy).toBe("Retain");
    const policy = ofType("AWS::S3::BucketPolicy").find(
      ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    expect(JSON.stringify(policy?.[1].Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it("lets only the export schedule write archives, only the route that signs links read them, and only erasure delete them", () => {
    const exportsId = logicalIdOf(stack.exports.bucket);
    const writer = manifest.schedules.find((c) => c.exportArchives === "write");
    const readers = manifest.routes
      .filter((r) => r.exportArchives === "read")
      .map((r) => functionOf(r.handler));
    expect(writer?.name).toBe("export-jobs");
    const writerFunction = functionOf(writer?.handler ?? "");
    expect(readers).toEqual(["http-exports-read"]);
    const erasers = manifest.consumers.filter((c) => c.exportArchives === "erase").map((c) => c.router);
    expect(erasers).toEqual(["streams-router"]);
    for (const plan of plans) {
      const s3 = statementsOfFunction(functionIdNamed(plan.name)).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith("s3:")),
      );
      const env = (resource(functionIdNamed(plan.name)).Properties.Environment as { Variables: object })
        .Variables;
      if (plan.name === writerFunction) {
        expect(s3.flatMap((s) => [s.Action].flat()).sort(), plan.name).toEqual([
          "s3:GetObject",
          "s3:PutObject",
        ]);
      } else if (readers.includes(plan.name)) {
        expect(
          s3.flatMap((s) => [s.Action].flat()),
          plan.name,
        ).toEqual(["s3:GetObject"]);
      } else if (erasers.includes(plan.name)) {
        // Deleting objects, and listing the bucket (by the member's prefix) to find them: no reading.
        expect(s3.map((s) => [[s.Action].flat(), JSON.stringify(s.Resource).includes("/*")])).toEqual([
          [["s3:DeleteObject"], true],
          [["s3:ListBucket"], false],
        ]);
      } else {
        expect(s3, plan.name).toEqual([]);
        expect(env, plan.name).not.toHaveProperty("EXPORT_BUCKET");
        continue;
      }
      expect(JSON.stringify(s3.map((s) => s.Resource))).toContain(exportsId);
      expect(env, plan.name).toHaveProperty("EXPORT_BUCKET", { Ref: exportsId });
    }
  });

  it("gives every function its own log group with a retention", () => {
    const groups = ofType("AWS::Logs::LogGroup");
    // One per function (and the sign-in trigger) plus the API access log and CDK's web-app copier's.
    expect(groups).toHaveLength(plans.length + 1 + 2);
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

  it("are ESM for node24, minified, without source maps and with nothing external", () => {
    expect(esbuildOptions(lambdaBundle(city))).toMatchObject({
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node24",
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
  it("lets residents sign up by email under a strong password policy on the city's tier (Essentials)", () => {
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
      UserPoolTier: "ESSENTIALS",
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
  const mappings = () =>
    ofType("AWS::Lambda::EventSourceMapping").filter(([, m]) =>
      JSON.stringify(m.Properties.EventSourceArn).includes("StreamArn"),
    );

  it("reads the table's stream with at most two readers, the routers of the manifest", () => {
    expect(mappings()).toHaveLength(manifest.routers.length);
    expect(manifest.routers.length).toBeLessThanOrEqual(2);
    for (const consumer of manifest.consumers) {
      expect(functionIdFor(consumer.handler)).toBe(functionIdNamed(consumer.router));
    }
  });

  it.each(manifest.routers.map((r) => [r.name, r] as const))(
    "feeds %s from the table stream with partial failures, bisecting, retries and an on-failure queue",
    (name, router) => {
      const found = mappings().filter(
        ([, m]) => (m.Properties.FunctionName as { Ref: string }).Ref === functionIdNamed(name),
      );
      expect(found).toHaveLength(1);
      const [[, mapping] = ["", undefined]] = found;
      expect(mapping?.Properties).toMatchObject({
        EventSourceArn: { "Fn::GetAtt": [tableId(), "StreamArn"] },
        BatchSize: router.batchSize,
        MaximumRetryAttempts: router.maxRetries,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        StartingPosition: "TRIM_HORIZON",
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

  it("bundles each router from an entry that hands every consumer its manifest entry", () => {
    for (const router of manifest.routers) {
      const source = streamRouterSource(router.name, consumersOf(router.name), repoRoot);
      for (const consumer of consumersOf(router.name)) {
        expect(source).toContain(JSON.stringify(consumer));
        expect(source).toContain(consumer.handler.replace(/\.ts$/, ""));
      }
    }
  });

  it("sends a failed scheduled run, or one EventBridge cannot deliver, to the schedules' dead-letter queue", () => {
    const queueId = logicalIdOf(stack.failureQueues.get("schedules") ?? stack);
    for (const schedule of manifest.schedules) {
      template.hasResourceProperties("AWS::Events::Rule", {
        ScheduleExpression: Schedule.rate(Duration.minutes(schedule.everyMinutes)).expressionString,
        Targets: [
          Match.objectLike({
            Arn: { "Fn::GetAtt": [functionIdFor(schedule.handler), "Arn"] },
            DeadLetterConfig: { Arn: { "Fn::GetAtt": [queueId, "Arn"] } },
            RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
          }),
        ],
      });
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
        FunctionName: { Ref: functionIdFor(schedule.handler) },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queueId, "Arn"] } } },
      });
    }
  });

  it.each(manifest.schedules.map((s) => [s.name, s] as const))("runs %s on its rate", (_name, schedule) => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: Schedule.rate(Duration.minutes(schedule.everyMinutes)).expressionString,
      State: "ENABLED",
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [functionIdFor(schedule.handler), "Arn"] } })],
    });
  });

  it("has one rule per schedule, and one per event consumer", () => {
    expect(ofType("AWS::Events::Rule")).toHaveLength(manifest.schedules.length + manifest.events.length);
  });
});

describe("CityStack ledger alarms", () => {
  /** The metric line the ledger audit writes when it finds a violation, as CloudWatch reads it. */
  function auditMetricLine(): {
    _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    [field: string]: unknown;
  } {
    const lines: string[] = [];
    const out = vi.spyOn(process.stdout, "write").mockImplementation((line: unknown) => {
      lines.push(String(line));
      return true;
    });
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
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
    const alarms = ofType("AWS::CloudWatch::Alarm").filter(([, a]) => a.Properties.MetricName === metricName);
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

  it("the audit that reports it passes daily (fired hourly to resume), its metric line bypassing the JSON log envelope", () => {
    const audit = manifest.schedules.find((s) => s.handler === "functions/schedules/ledger-audit.ts");
    expect(audit?.everyMinutes).toBe(60);
    expect(audit?.checkpoint).toBe(true);
    const logging = resource(functionIdFor("functions/schedules/ledger-audit.ts")).Properties.LoggingConfig as
      | { LogFormat?: string }
      | undefined;
    expect(logging?.LogFormat).toBe("JSON");
    // The line is written to stdout itself (auditMetricLine captured it there), so the runtime's
    // JSON log envelope, which wraps only console calls, leaves its `_aws` root as CloudWatch needs.
    expect(auditMetricLine()._aws.CloudWatchMetrics).toHaveLength(1);
  });

  it("keeps the stack well under CloudFormation's 500 resources", () => {
    // The routes in their HTTP functions, 2 stream routers, the schedules, the event consumer, the
    // edge (distribution, bucket, functions, deployment) and two alarms per function. A route costs
    // one resource, a schedule about nine (function, role, policy, logs, rule, permission, invoke
    // config, two alarms). Looked at again past 350 (357, when exports got their own functions):
    // past 400, split the stack before the limit.
    expect(Object.keys(resources).length).toBeLessThan(400);
  });
});

describe("CityStack operations", () => {
  const topicId = () => logicalIdOf(stack.operations.topic);
  const alarms = () => ofType("AWS::CloudWatch::Alarm");
  const notifiesTopic = (alarm: Resource | undefined) =>
    JSON.stringify(alarm?.Properties.AlarmActions ?? []).includes(topicId());
  /** Alarms whose metric (or one metric of whose expression) names this dimension value. */
  const alarmsOn = (dimension: string, valueId: string) =>
    alarms().filter(([, a]) => {
      const text = JSON.stringify(a.Properties.Dimensions ?? a.Properties.Metrics ?? []);
      return text.includes(dimension) && text.includes(valueId);
    });

  it("has one operations topic, subscribed by the city file's addresses", () => {
    expect(ofType("AWS::SNS::Topic")).toHaveLength(1);
    const subscriptions = ofType("AWS::SNS::Subscription").map(([, sub]) => sub.Properties);
    expect(subscriptions.map((sub) => [sub.Protocol, sub.Endpoint])).toEqual(
      city.operations.alerts.emails.map((email) => ["email", email]),
    );
    for (const sub of subscriptions) expect(sub.TopicArn).toEqual({ Ref: topicId() });
  });

  it("adds an HTTPS webhook subscriber when the city file names one", () => {
    const hookApp = new App({ context: { ...cdkContext, "aws:cdk:bundling-stacks": [] } });
    const hooked = addCity(hookApp, {
      ...city,
      id: "hookville",
      operations: {
        ...city.operations,
        alerts: {
          emails: ["a@hookville.example", "b@hookville.example"],
          webhook: "https://hooks.hookville.example/sns",
        },
        budget: { ...city.operations.budget, scope: "city-tag" },
      },
    });
    const hookTemplate = Template.fromStack(hooked);
    const protocols = Object.values(hookTemplate.findResources("AWS::SNS::Subscription")).map((sub) => [
      sub.Properties.Protocol,
      sub.Properties.Endpoint,
    ]);
    expect(protocols).toEqual([
      ["email", "a@hookville.example"],
      ["email", "b@hookville.example"],
      ["https", "https://hooks.hookville.example/sns"],
    ]);
    // A city sharing its account counts only its own tagged costs.
    hookTemplate.hasResourceProperties("AWS::Budgets::Budget", {
      Budget: Match.objectLike({ CostFilters: { TagKeyValue: ["user:mutua:city$hookville"] } }),
    });
    expect(new AwsSolutionsChecks().validateScope(hookApp).violations.map((v) => v.ruleName)).toEqual([]);
  });

  it("lets CloudWatch alarms and AWS Budgets of this account publish to the topic, over TLS only", () => {
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [{ Ref: topicId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            // The city file pins the account, so the condition names it.
            Condition: Match.objectLike({ StringEquals: { "aws:SourceAccount": city.aws?.account } }),
          }),
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "budgets.amazonaws.com" },
            Action: "sns:Publish",
          }),
        ]),
      },
    });
  });

  it("sends every alarm of the stack to the topic, as many as the cost estimate bills", () => {
    expect(alarms()).toHaveLength(stackShape().alarms);
    for (const [id, alarm] of alarms()) expect(notifiesTopic(alarm), id).toBe(true);
  });

  it.each(functionPlans().map((p) => p.name))(
    "raises an alarm with an action on %s's errors and throttles",
    (name) => {
      const id = functionIdNamed(name);
      const on = alarmsOn("FunctionName", id);
      const metrics = on.filter(([, a]) => notifiesTopic(a)).map(([, a]) => a.Properties.MetricName);
      expect(metrics).toEqual(expect.arrayContaining(["Errors", "Throttles"]));
    },
  );

  it("raises an alarm with an action on anything waiting in every failure queue", () => {
    const queues = ofType("AWS::SQS::Queue");
    // The routers' on-failure queues and the schedules' dead-letter queue.
    expect(queues).toHaveLength(manifest.routers.length + 1);
    for (const [queueId] of queues) {
      const on = alarmsOn("QueueName", queueId).filter(([, a]) => notifiesTopic(a));
      expect(
        on.map(([, a]) => a.Properties.MetricName),
        queueId,
      ).toEqual(["ApproximateNumberOfMessagesVisible"]);
      expect(on[0]?.[1].Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
      });
    }
  });

  it("raises an alarm with an action when a record is stored in the stream failure store, and while any waits", () => {
    for (const metric of [STREAM_RECORDS_FAILED_METRIC, STREAM_FAILURES_WAITING_METRIC]) {
      const found = alarms().filter(
        ([, a]) =>
          a.Properties.MetricName === metric &&
          a.Properties.Namespace === OPERATIONS_NAMESPACE &&
          JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: "City", Value: city.id }]),
      );
      expect(found, metric).toHaveLength(1);
      expect(notifiesTopic(found[0]?.[1])).toBe(true);
    }
    // Both metrics are what the router and the hourly count write, as CloudWatch reads them.
    expect(manifest.schedules.some((s) => s.handler === "functions/schedules/stream-failures.ts")).toBe(true);
  });

  it("raises an alarm with an action when a stream router falls behind", () => {
    for (const router of manifest.routers) {
      const on = alarmsOn("FunctionName", functionIdNamed(router.name)).filter(
        ([, a]) => a.Properties.MetricName === "IteratorAge",
      );
      expect(on, router.name).toHaveLength(1);
      expect(on[0]?.[1].Properties).toMatchObject({ Statistic: "Maximum", Threshold: 600_000 });
    }
  });

  it("watches the API's 5xx rate and p95 latency, and the table's throttled requests", () => {
    const apiId = logicalIdOf(stack.api);
    const byMetrics = (names: string[]) =>
      alarms().find(([, a]) => {
        const metrics = (a.Properties.Metrics ?? []) as { MetricStat?: { Metric: { MetricName: string } } }[];
        const used = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));
        return names.every((n) => used.includes(n));
      })?.[1];
    const rate = byMetrics(["5xx", "Count"]);
    expect(JSON.stringify(rate?.Properties.Metrics)).toContain(apiId);
    expect(JSON.stringify(rate?.Properties.Metrics)).toContain("100 * errors / requests");
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "Latency",
      Namespace: "AWS/ApiGateway",
      ExtendedStatistic: "p95",
      Dimensions: [{ Name: "ApiId", Value: { Ref: apiId } }],
    });
    const throttles = byMetrics(["ReadThrottleEvents", "WriteThrottleEvents"]);
    expect(JSON.stringify(throttles?.Properties.Metrics)).toContain(tableId());
    for (const alarm of [rate, throttles]) expect(notifiesTopic(alarm)).toBe(true);
  });

  it("sends the ledger's alarms (violations and silence) to the topic", () => {
    for (const alarm of [stack.ledgerAlarms.violations, stack.ledgerAlarms.auditSilent]) {
      expect(notifiesTopic(resource(logicalIdOf(alarm)))).toBe(true);
    }
  });

  it("has one dashboard for the city", () => {
    const dashboards = ofType("AWS::CloudWatch::Dashboard");
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);
    for (const figure of ["5xx", "Errors", "Throttles", "IteratorAge", "ApproximateNumberOfMessagesVisible"])
      expect(body).toContain(figure);
  });

  it("has a monthly cost budget from the city file that alerts the topic", () => {
    const { budget } = city.operations;
    template.hasResourceProperties("AWS::Budgets::Budget", {
      Budget: {
        BudgetType: "COST",
        TimeUnit: "MONTHLY",
        BudgetLimit: { Amount: budget.monthlyUsd, Unit: "USD" },
      },
      NotificationsWithSubscribers: [
        ...budget.actualAtPercent.map((threshold) => ({
          Notification: Match.objectLike({ NotificationType: "ACTUAL", Threshold: threshold }),
          Subscribers: [{ SubscriptionType: "SNS", Address: { Ref: topicId() } }],
        })),
        {
          Notification: Match.objectLike({
            NotificationType: "FORECASTED",
            Threshold: budget.forecastAtPercent,
          }),
          Subscribers: [{ SubscriptionType: "SNS", Address: { Ref: topicId() } }],
        },
      ],
    });
  });

  it("tags what it builds with the city, environment and data classification, for cost allocation", () => {
    const expected = [
      { Key: "mutua:city", Value: city.id },
      { Key: "mutua:data-classification", Value: city.operations.dataClassification },
      { Key: "mutua:environment", Value: city.operations.environment },
    ];
    for (const type of [
      "AWS::Lambda::Function",
      "AWS::SNS::Topic",
      "AWS::SQS::Queue",
      "AWS::Logs::LogGroup",
    ]) {
      for (const [id, found] of ofType(type)) {
        expect(found.Properties.Tags, `${type} ${id}`).toEqual(expect.arrayContaining(expected));
      }
    }
    template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      Replicas: [Match.objectLike({ Tags: Match.arrayWith(expected) })],
    });
  });

  it("names the caller in the API access log", () => {
    const [[, stage] = ["", undefined]] = ofType("AWS::ApiGatewayV2::Stage");
    const settings = stage?.Properties.AccessLogSettings as { Format?: string } | undefined;
    const format = JSON.parse(String(settings?.Format));
    expect(format).toMatchObject({
      requestId: "$context.requestId",
      caller: "$context.authorizer.claims.sub",
    });
  });
});

describe("CityStack outputs", () => {
  it.each([
    "ApiUrl",
    "UserPoolId",
    "UserPoolClientId",
    "TableName",
    "OperationsTopicArn",
    "streamsrouterFunction",
    "streamsnoticesFunction",
  ])("exports %s", (name) => {
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
  it("filters each router's records to what one of its consumers wants, and nothing when one wants all", () => {
    for (const router of manifest.routers) {
      const consumers = consumersOf(router.name);
      const mapping = ofType("AWS::Lambda::EventSourceMapping").find(
        ([, m]) => (m.Properties.FunctionName as { Ref: string }).Ref === functionIdNamed(router.name),
      );
      const filters = (
        mapping?.[1].Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined
      )?.Filters;
      if (consumers.some((c) => !c.filter)) {
        expect(filters, router.name).toBeUndefined();
        continue;
      }
      // Each consumer's patterns in order: its new images (inserts, changes) and, when it takes
      // removals, its old images (a removal has no new image).
      const patterns = (filters ?? []).map((f) => JSON.parse(f.Pattern));
      const expected = consumers.flatMap((consumer) => {
        const entities = [...(consumer.filter?.entities ?? [])];
        const names = consumer.filter?.eventNames;
        const upserts = (names ?? ["INSERT", "MODIFY"]).filter((name) => name !== "REMOVE");
        return [
          ...(upserts.length > 0
            ? [
                {
                  ...(names ? { eventName: upserts } : {}),
                  dynamodb: { NewImage: { entity: { S: entities } } },
                },
              ]
            : []),
          ...(names?.includes("REMOVE")
            ? [{ eventName: ["REMOVE"], dynamodb: { OldImage: { entity: { S: entities } } } }]
            : []),
        ];
      });
      expect(patterns, router.name).toEqual(expected);
    }
    // The notices router wakes only for new notifications; the other takes every change (audit trail).
    expect(consumersOf("streams-notices").every((c) => c.filter)).toBe(true);
  });

  it("lets only the sending consumer email, from the city's sender identity", () => {
    const sesStatements = (handler: string) =>
      statementsOf(handler).filter((s) => [s.Action].flat().includes("ses:SendEmail"));
    expect(sesStatements("functions/streams/notification-channels.ts")).toHaveLength(1);
    // The city's domain identity (infra/aws/mail.ts; test/infra/mail.test.ts has the rest).
    expect(
      JSON.stringify(sesStatements("functions/streams/notification-channels.ts")[0]?.Resource),
    ).toContain(`:identity/",{"Ref":"${logicalIdOf(stack.mail.identity ?? stack)}"}`);
    expect(sesStatements("functions/streams/audit-trail.ts")).toEqual([]);
    // The example city keeps SMS off: nobody may publish.
    for (const handler of handlerModules()) {
      expect(statementsOf(handler).flatMap((s) => [s.Action].flat())).not.toContain("sns:Publish");
    }
  });

  it("grants SNS publishing when a city turns SMS on, still cdk-nag clean", () => {
    const smsApp = new App({ context: { ...cdkContext, "aws:cdk:bundling-stacks": [] } });
    const smsCity = {
      ...city,
      id: "smsville",
      notifications: {
        ...city.notifications,
        smsEnabled: true,
        sms: { senderId: "Smsville", monthlySpendLimitUsd: 10 },
      },
    };
    const smsStack = addCity(smsApp, smsCity);
    const policies = Template.fromStack(smsStack).findResources("AWS::IAM::Policy");
    expect(JSON.stringify(policies)).toContain("sns:Publish");
    const report = new AwsSolutionsChecks().validateScope(smsApp);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
