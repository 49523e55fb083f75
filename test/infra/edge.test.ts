import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App, CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addCity, loadCity } from "../../infra/aws/app.ts";
import type { CityStack } from "../../infra/aws/city-stack.ts";
import { API_FUNCTION_CODE, SPA_FUNCTION_CODE } from "../../infra/aws/edge.ts";
import { EDGE_RESPONSES, MANAGED_RULE_GROUPS } from "../../infra/aws/edge-global.ts";
import { signInDomainName, signInLogo } from "../../infra/aws/sign-in.ts";
import { manifest } from "../../infra/manifest.ts";
import { repoRoot } from "../../infra/repo-root.ts";
import { webSecurityHeaders } from "../../infra/web-headers.ts";
import { type City, CityConfigError, deployableCity, parseCity } from "../../shared/config/city.ts";

type Resource = { Type: string; Properties: Record<string, unknown> };

const example = loadCity(path.join(repoRoot, "cities/example.json"));
const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(repoRoot, "cdk.json"), "utf8"),
).context;

/** A second city on its own domain in a Route 53 hosted zone, on the Plus tier. */
const harbour = parseCity({
  ...structuredClone(example),
  id: "harbour",
  name: "Harbour",
  aws: { account: "210987654321", region: "eu-central-1" },
  edge: {
    domain: {
      name: "timebank.harbour.example",
      hostedZone: { id: "Z0123456789ABCDEFGHIJ", name: "harbour.example" },
    },
    rateLimit: { requests: 300, windowSeconds: 60 },
  },
  signIn: { tier: "plus" },
});

/** A third whose DNS is elsewhere: the council brings a us-east-1 certificate; Lite tier. */
const certificateArn = "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const elsewhere = parseCity({
  ...structuredClone(example),
  id: "elsewhere",
  name: "Elsewhere",
  aws: { account: "111122223333", region: "eu-west-3" },
  edge: { domain: { name: "timebank.elsewhere.example", certificateArn } },
  signIn: { tier: "lite" },
});

interface Synthesised {
  app: App;
  stack: CityStack;
  city: Template;
  global: Template;
  resources: Record<string, Resource>;
}

const dirs: string[] = [];
function synth(city: City): Synthesised {
  const outdir = mkdtempSync(path.join(tmpdir(), "mutua-edge-"));
  dirs.push(outdir);
  const app = new App({ outdir, context: { ...cdkContext, "aws:cdk:bundling-stacks": [] } });
  const stack = addCity(app, city);
  const globalStack = app.node.findChild(`Mutua-${city.id}-global`);
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    city: template,
    global: Template.fromStack(globalStack as CityStack),
    resources: template.toJSON().Resources,
  };
}

let riverside: Synthesised;
let ownDomain: Synthesised;
let certificateElsewhere: Synthesised;
beforeAll(() => {
  riverside = synth(example);
  ownDomain = synth(harbour);
  certificateElsewhere = synth(elsewhere);
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function only(s: Synthesised, type: string): Resource {
  const found = Object.values(s.resources).filter((r) => r.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0] as Resource;
}

function logicalId(s: Synthesised, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild;
  if (!(child instanceof CfnElement)) throw new Error("no CloudFormation resource");
  return s.stack.resolve(s.stack.getLogicalId(child));
}

interface DistributionConfig {
  Aliases?: string[];
  DefaultRootObject: string;
  WebACLId: unknown;
  ViewerCertificate?: Record<string, unknown>;
  Origins: {
    Id: string;
    DomainName: unknown;
    OriginAccessControlId?: unknown;
    OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
  }[];
  DefaultCacheBehavior: Record<string, unknown>;
  CacheBehaviors: Record<string, unknown>[];
}
const distributionOf = (s: Synthesised) =>
  only(s, "AWS::CloudFront::Distribution").Properties.DistributionConfig as DistributionConfig;

describe("a city's region and account", () => {
  it("are the city file's: the city's stack there, its edge companion in us-east-1", () => {
    expect(riverside.stack.region).toBe("eu-west-1");
    expect(riverside.stack.account).toBe("123456789012");
    const companion = riverside.app.node.findChild("Mutua-riverside-global") as CityStack;
    expect(companion.region).toBe("us-east-1");
    expect(companion.account).toBe("123456789012");
    expect(ownDomain.stack.region).toBe("eu-central-1");
  });

  it("must be in the file: a city without them cannot be deployed, and the message says what to add", () => {
    const { aws: _aws, ...withoutAws } = structuredClone(example);
    const city = parseCity(withoutAws);
    expect(() => deployableCity(city, "cities/nowhere.json")).toThrow(CityConfigError);
    expect(() => addCity(new App(), city, "cities/nowhere.json")).toThrow(
      /cities\/nowhere\.json is invalid:\n {2}- aws: name the AWS account and region/,
    );
  });

  it("refuse a malformed account or region with the field named", () => {
    expect(() => parseCity({ ...example, aws: { account: "12345", region: "eu-west-1" } })).toThrow(
      /aws\.account: must be a 12-digit AWS account id/,
    );
    expect(() => parseCity({ ...example, aws: { account: "123456789012", region: "Europe" } })).toThrow(
      /aws\.region: must be an AWS region code/,
    );
  });

  it("stop `cdk synth` with that message and no stack trace when missing", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mutua-noaws-"));
    dirs.push(dir);
    const file = path.join(dir, "nowhere.json");
    const { aws: _aws, ...withoutAws } = JSON.parse(
      readFileSync(path.join(repoRoot, "cities/example.json"), "utf8"),
    );
    writeFileSync(file, JSON.stringify(withoutAws));
    const outdir = path.join(dir, "cdk.out");
    const run = spawnSync(process.execPath, ["--import", "tsx", "infra/aws/app.ts"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ city: file }), CDK_OUTDIR: outdir },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("aws: name the AWS account and region the city deploys to");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(path.join(outdir, "manifest.json"))).toBe(false);
  });
});

describe("the distribution", () => {
  it("serves the app from a private bucket through origin access control", () => {
    const bucketId = logicalId(riverside, riverside.stack.edge.bucket);
    riverside.city.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    riverside.city.hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: "s3",
        SigningBehavior: "always",
      }),
    });
    const config = distributionOf(riverside);
    const s3 = config.Origins.find((o) => JSON.stringify(o.DomainName).includes(bucketId));
    expect(s3?.OriginAccessControlId).toBeDefined();
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(s3?.Id);
    expect(config.DefaultRootObject).toBe("index.html");
    // Only CloudFront, for this distribution, may read the bucket.
    riverside.city.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "s3:GetObject",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Condition: { StringEquals: { "AWS:SourceArn": Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it("sends /api/* to the HTTP API, uncached, with every header but Host, and the origin header", () => {
    const config = distributionOf(riverside);
    expect(config.CacheBehaviors).toHaveLength(1);
    const api = config.CacheBehaviors[0] as Record<string, unknown>;
    expect(api.PathPattern).toBe("/api/*");
    expect(api.AllowedMethods).toEqual(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]);
    expect(api.CachePolicyId).toBe("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"); // CachingDisabled
    expect(api.OriginRequestPolicyId).toBe("b689b0a8-53d0-40ab-baf2-68738e2966ac"); // AllViewerExceptHostHeader
    const origin = config.Origins.find((o) => o.Id === api.TargetOriginId);
    const apiId = logicalId(riverside, riverside.stack.api);
    expect(JSON.stringify(origin?.DomainName)).toContain(apiId);
    expect(JSON.stringify(origin?.DomainName)).toContain(".execute-api.eu-west-1.");
    expect(origin?.OriginCustomHeaders?.map((h) => h.HeaderName)).toEqual(["x-mutua-origin"]);
    expect(JSON.stringify(origin?.OriginCustomHeaders?.[0]?.HeaderValue)).toContain("resolve:secretsmanager");
  });

  it("routes by path: app screens get index.html, files stay, /api is stripped before the API", () => {
    const run = (code: string, uri: string) =>
      (new Function(`${code}; return handler;`)() as (e: unknown) => { uri: string })({ request: { uri } })
        .uri;
    expect(run(SPA_FUNCTION_CODE, "/")).toBe("/index.html");
    expect(run(SPA_FUNCTION_CODE, "/posts/01JABC")).toBe("/index.html");
    expect(run(SPA_FUNCTION_CODE, "/assets/app-3f2a.js")).toBe("/assets/app-3f2a.js");
    expect(run(SPA_FUNCTION_CODE, "/config.json")).toBe("/config.json");
    expect(run(API_FUNCTION_CODE, "/api/health")).toBe("/health");
    expect(run(API_FUNCTION_CODE, "/api/posts/01JABC/matches")).toBe("/posts/01JABC/matches");
    expect(run(API_FUNCTION_CODE, "/api/")).toBe("/");
    const functions = Object.values(riverside.resources).filter(
      (r) => r.Type === "AWS::CloudFront::Function",
    );
    expect(functions.map((f) => f.Properties.FunctionCode).sort()).toEqual(
      [API_FUNCTION_CODE, SPA_FUNCTION_CODE].sort(),
    );
    const config = distributionOf(riverside);
    for (const behaviour of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behaviour.FunctionAssociations).toEqual(
        [{ EventType: "viewer-request", FunctionARN: Match.anyValue() as unknown }].map(() =>
          expect.objectContaining({ EventType: "viewer-request" }),
        ),
      );
      expect(behaviour.ViewerProtocolPolicy).toMatch(/redirect-to-https|https-only/);
    }
  });

  it("sets the app's security headers on the app and the API: strict CSP, HSTS, nosniff, no framing, referrer policy", () => {
    const policy = only(riverside, "AWS::CloudFront::ResponseHeadersPolicy").Properties
      .ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
    const headers = policy.SecurityHeadersConfig;
    const csp = String(headers.ContentSecurityPolicy?.ContentSecurityPolicy);
    // The same policy as the local runtime's, plus the managed login's token endpoint.
    expect(csp).toBe(
      webSecurityHeaders(example, [
        `https://${signInDomainName(deployableCity(example))}`,
        "https://cognito-idp.eu-west-1.amazonaws.com",
      ])["content-security-policy"],
    );
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(
      "connect-src 'self' https://mutua-riverside.auth.eu-west-1.amazoncognito.com https://cognito-idp.eu-west-1.amazonaws.com;",
    );
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: "DENY", Override: true });
    expect(headers.ReferrerPolicy).toEqual({
      ReferrerPolicy: "strict-origin-when-cross-origin",
      Override: true,
    });
    const config = distributionOf(riverside);
    const policyId = { Ref: logicalId(riverside, riverside.stack.edge.headers) };
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyId);
    expect(config.CacheBehaviors[0]?.ResponseHeadersPolicyId).toEqual(policyId);
  });

  it("deploys the built app with its config.json and clears the cache", () => {
    riverside.city.hasResourceProperties("Custom::CDKBucketDeployment", {
      DestinationBucketName: { Ref: logicalId(riverside, riverside.stack.edge.bucket) },
      DistributionPaths: ["/*"],
    });
  });

  it("is behind the city's web ACL, read from us-east-1", () => {
    const config = distributionOf(riverside);
    // CloudFormation reads the companion stack's output across regions.
    expect(config.WebACLId).toEqual({
      "Fn::GetStackOutput": {
        StackName: "Mutua-riverside-global",
        Region: "us-east-1",
        OutputName: expect.stringContaining("FirewallArn"),
      },
    });
  });
});

describe("the web ACL (us-east-1)", () => {
  it("runs the AWS managed rule groups and a per-IP rate rule with the city's limits", () => {
    const acl = (s: Synthesised) =>
      Object.values(s.global.toJSON().Resources as Record<string, Resource>).find(
        (r) => r.Type === "AWS::WAFv2::WebACL",
      )?.Properties as { Scope: string; DefaultAction: unknown; Rules: Record<string, unknown>[] };
    const rules = acl(riverside).Rules;
    expect(acl(riverside).Scope).toBe("CLOUDFRONT");
    expect(acl(riverside).DefaultAction).toEqual({ Allow: {} });
    const groups = rules.flatMap((r) => {
      const statement = r.Statement as { ManagedRuleGroupStatement?: { VendorName: string; Name: string } };
      return statement.ManagedRuleGroupStatement ? [statement.ManagedRuleGroupStatement.Name] : [];
    });
    expect(groups).toEqual([
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
    ]);
    expect(MANAGED_RULE_GROUPS.map((g) => g.name)).toEqual(groups);
    const rate = (s: Synthesised) =>
      acl(s).Rules.find((r) => r.Name === "per-ip-rate") as {
        Action: unknown;
        Statement: { RateBasedStatement: unknown };
      };
    expect(rate(riverside).Action).toEqual({
      Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: "rate-limited" } },
    });
    expect(rate(riverside).Statement.RateBasedStatement).toEqual({
      AggregateKeyType: "IP",
      Limit: 1000,
      EvaluationWindowSec: 300,
    });
    expect(rate(ownDomain).Statement.RateBasedStatement).toEqual({
      AggregateKeyType: "IP",
      Limit: 300,
      EvaluationWindowSec: 60,
    });
  });
});

describe("the web ACL's block answers", () => {
  type Acl = {
    CustomResponseBodies: Record<string, { ContentType: string; Content: string }>;
    Rules: {
      Name: string;
      Statement: {
        ManagedRuleGroupStatement?: {
          Name: string;
          RuleActionOverrides: { Name: string; ActionToUse: unknown }[];
        };
      };
    }[];
  };
  const acl = () =>
    Object.values(riverside.global.toJSON().Resources as Record<string, Resource>).find(
      (r) => r.Type === "AWS::WAFv2::WebACL",
    )?.Properties as Acl;

  it("are JSON in the house shape: 429 RATE_LIMITED for the rate rule, 403 FORBIDDEN_BY_EDGE for the managed groups", () => {
    const bodies = acl().CustomResponseBodies;
    expect(bodies["rate-limited"]?.ContentType).toBe("APPLICATION_JSON");
    expect(JSON.parse(bodies["rate-limited"]?.Content ?? "{}")).toEqual({
      error: { code: "RATE_LIMITED", message: expect.any(String) },
    });
    expect(bodies["forbidden-by-edge"]?.ContentType).toBe("APPLICATION_JSON");
    expect(JSON.parse(bodies["forbidden-by-edge"]?.Content ?? "{}")).toEqual({
      error: { code: "FORBIDDEN_BY_EDGE", message: expect.any(String) },
    });
    expect(EDGE_RESPONSES["rate-limited"].status).toBe(429);
    // WAF caps a custom body at 4 KB.
    for (const body of Object.values(bodies)) expect(body.Content.length).toBeLessThan(4096);
  });

  it("blocks with the house answer every documented blocking rule of each group; the body-size rule only counts", () => {
    for (const group of MANAGED_RULE_GROUPS) {
      const overrides =
        acl().Rules.find((r) => r.Name === group.name)?.Statement.ManagedRuleGroupStatement
          ?.RuleActionOverrides ?? [];
      const blocking = overrides.filter((o) => JSON.stringify(o.ActionToUse).includes("Block"));
      expect(blocking.map((o) => o.Name)).toEqual([...group.block]);
      for (const o of blocking) {
        expect(o.ActionToUse).toEqual({
          Block: { CustomResponse: { ResponseCode: 403, CustomResponseBodyKey: "forbidden-by-edge" } },
        });
      }
      expect(overrides.filter((o) => !blocking.includes(o))).toEqual(
        group.count.map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
      );
    }
  });
});

describe("a city on its own domain", () => {
  it("in a Route 53 zone: a DNS-validated certificate in us-east-1, the alias on the distribution, and A/AAAA records", () => {
    ownDomain.global.hasResourceProperties("AWS::CertificateManager::Certificate", {
      DomainName: "timebank.harbour.example",
      ValidationMethod: "DNS",
      DomainValidationOptions: [
        { DomainName: "timebank.harbour.example", HostedZoneId: "Z0123456789ABCDEFGHIJ" },
      ],
    });
    const config = distributionOf(ownDomain);
    expect(config.Aliases).toEqual(["timebank.harbour.example"]);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: "TLSv1.2_2021",
      SslSupportMethod: "sni-only",
    });
    for (const type of ["A", "AAAA"]) {
      ownDomain.city.hasResourceProperties("AWS::Route53::RecordSet", {
        Name: "timebank.harbour.example.",
        Type: type,
        HostedZoneId: "Z0123456789ABCDEFGHIJ",
        AliasTarget: Match.objectLike({ HostedZoneId: Match.anyValue() }),
      });
    }
  });

  it("with DNS elsewhere: the council's certificate, no record", () => {
    const config = distributionOf(certificateElsewhere);
    expect(config.Aliases).toEqual(["timebank.elsewhere.example"]);
    expect(config.ViewerCertificate).toMatchObject({
      AcmCertificateArn: certificateArn,
      MinimumProtocolVersion: "TLSv1.2_2021",
    });
    certificateElsewhere.city.resourceCountIs("AWS::Route53::RecordSet", 0);
    certificateElsewhere.global.resourceCountIs("AWS::CertificateManager::Certificate", 0);
    // The one certificate of the city's own stack is the API origin's regional one.
    certificateElsewhere.city.hasResourceProperties("AWS::CertificateManager::Certificate", {
      DomainName: "api-origin.timebank.elsewhere.example",
    });
  });

  it("signs in and out at the city's address", () => {
    ownDomain.city.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      CallbackURLs: ["https://timebank.harbour.example/"],
      LogoutURLs: ["https://timebank.harbour.example/"],
    });
  });

  it("refuses a domain with both a hosted zone and a certificate, or neither", () => {
    const domain = { name: "timebank.harbour.example" };
    expect(() => parseCity({ ...example, edge: { domain } })).toThrow(/give either hostedZone/);
    expect(() =>
      parseCity({
        ...example,
        edge: {
          domain: {
            ...domain,
            certificateArn,
            hostedZone: { id: "Z0123456789ABCDEFGHIJ", name: "harbour.example" },
          },
        },
      }),
    ).toThrow(/give either hostedZone/);
    expect(() =>
      parseCity({
        ...example,
        edge: { domain: { ...domain, hostedZone: { id: "Z0123456789ABCDEFGHIJ", name: "other.example" } } },
      }),
    ).toThrow(/edge\.domain\.name: name must be the hosted zone's name or a name under it/);
  });
});

describe("the HTTP API behind the distribution", () => {
  it("refuses what did not come through it: every HTTP function holds the origin secret CloudFront sends", () => {
    const secretId = logicalId(riverside, riverside.stack.edge.originSecret);
    const httpFunctions = Object.values(riverside.resources).filter(
      (r) => r.Type === "AWS::Lambda::Function" && String(r.Properties.Description).startsWith("Mutua http-"),
    );
    expect(httpFunctions.length).toBeGreaterThan(5);
    for (const fn of httpFunctions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.stringify(variables.ORIGIN_SECRET)).toContain(secretId);
    }
    const header = distributionOf(riverside).Origins.flatMap((o) => o.OriginCustomHeaders ?? [])[0];
    expect(JSON.stringify(header?.HeaderValue)).toContain(secretId);
  });

  it("has a disabled default endpoint for a city with a domain: only its regional custom domain, CloudFront's origin, reaches it", () => {
    for (const [s, name, region] of [
      [ownDomain, "api-origin.timebank.harbour.example", "eu-central-1"],
      [certificateElsewhere, "api-origin.timebank.elsewhere.example", "eu-west-3"],
    ] as const) {
      expect(s.stack.region).toBe(region);
      const api = only(s, "AWS::ApiGatewayV2::Api").Properties;
      expect(api.DisableExecuteApiEndpoint).toBe(true);
      // A regional certificate in the city's own stack (its region), not the us-east-1 one.
      const certificate = only(s, "AWS::CertificateManager::Certificate").Properties;
      expect(certificate).toMatchObject({ DomainName: name, ValidationMethod: "DNS" });
      const certificateId = Object.entries(s.resources).find(
        ([, r]) => r.Type === "AWS::CertificateManager::Certificate",
      )?.[0];
      const domainName = only(s, "AWS::ApiGatewayV2::DomainName").Properties;
      expect(domainName).toMatchObject({
        DomainName: name,
        DomainNameConfigurations: [
          { CertificateArn: { Ref: certificateId }, EndpointType: "REGIONAL", SecurityPolicy: "TLS_1_2" },
        ],
      });
      const stageId = logicalId(s, s.stack.stage);
      const mapping = Object.values(s.resources).find((r) => r.Type === "AWS::ApiGatewayV2::ApiMapping") as
        | (Resource & { DependsOn?: string[] })
        | undefined;
      expect(mapping?.Properties).toMatchObject({
        ApiId: { Ref: logicalId(s, s.stack.api) },
        Stage: "$default",
      });
      expect(mapping?.DependsOn).toContain(stageId);
      // CloudFront goes to that name, still with the origin header as a second lock.
      const origin = distributionOf(s).Origins.find((o) => o.OriginCustomHeaders?.length);
      expect(origin?.DomainName).toBe(name);
      expect(JSON.stringify(origin?.OriginCustomHeaders)).toContain(logicalId(s, s.stack.edge.originSecret));
    }
    // In the hosted zone the name is an alias of the API's regional domain; elsewhere the council
    // adds a CNAME to the target the stack outputs.
    ownDomain.city.hasResourceProperties("AWS::Route53::RecordSet", {
      Name: "api-origin.timebank.harbour.example.",
      Type: "A",
      HostedZoneId: "Z0123456789ABCDEFGHIJ",
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
    ownDomain.city.hasResourceProperties("AWS::CertificateManager::Certificate", {
      DomainValidationOptions: [
        { DomainName: "api-origin.timebank.harbour.example", HostedZoneId: "Z0123456789ABCDEFGHIJ" },
      ],
    });
    expect(Object.keys(certificateElsewhere.city.toJSON().Outputs)).toContain("ApiOriginTarget");
  });

  it("keeps the execute-api endpoint for a city without a domain (nothing to name it by), closed by the origin header", () => {
    expect(only(riverside, "AWS::ApiGatewayV2::Api").Properties.DisableExecuteApiEndpoint).toBe(false);
    riverside.city.resourceCountIs("AWS::ApiGatewayV2::DomainName", 0);
    const origin = distributionOf(riverside).Origins.find((o) => o.OriginCustomHeaders?.length);
    expect(JSON.stringify(origin?.DomainName)).toContain("execute-api");
  });

  it("throttles the expensive routes (search, exports, reports) as the manifest declares", () => {
    const stage = only(riverside, "AWS::ApiGatewayV2::Stage").Properties as {
      RouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
      DefaultRouteSettings: Record<string, number>;
    };
    const throttled = manifest.routes.filter((r) => r.throttle);
    expect(throttled.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        "GET /posts",
        "GET /exports/members.csv",
        "GET /exports/posts.csv",
        "GET /reports/ledger",
      ]),
    );
    expect(Object.keys(stage.RouteSettings).sort()).toEqual(
      throttled.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of throttled) {
      expect(stage.RouteSettings[`${route.method} ${route.path}`]).toEqual({
        ThrottlingRateLimit: route.throttle?.rateLimit,
        ThrottlingBurstLimit: route.throttle?.burstLimit,
      });
      // Below the stage's own limits, or they would mean nothing.
      expect(route.throttle?.rateLimit).toBeLessThan(stage.DefaultRouteSettings.ThrottlingRateLimit ?? 0);
    }
  });
});

describe("sign-in", () => {
  it("is on the city's tier, Essentials by default, with passkeys; Plus adds threat protection; Lite has no passkeys", () => {
    const pool = (s: Synthesised) => only(s, "AWS::Cognito::UserPool").Properties;
    expect(pool(riverside)).toMatchObject({
      UserPoolTier: "ESSENTIALS",
      MfaConfiguration: "OPTIONAL",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
      WebAuthnRelyingPartyID: "mutua-riverside.auth.eu-west-1.amazoncognito.com",
      WebAuthnUserVerification: "required",
      Policies: expect.objectContaining({
        SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] },
      }),
    });
    expect(pool(riverside).UserPoolAddOns).toBeUndefined();
    expect(pool(ownDomain)).toMatchObject({
      UserPoolTier: "PLUS",
      UserPoolAddOns: { AdvancedSecurityMode: "ENFORCED" },
    });
    expect(pool(certificateElsewhere).UserPoolTier).toBe("LITE");
    expect(pool(certificateElsewhere).WebAuthnRelyingPartyID).toBeUndefined();
  });

  it("uses managed login on the city's prefix domain, branded for the web client", () => {
    riverside.city.hasResourceProperties("AWS::Cognito::UserPoolDomain", {
      Domain: "mutua-riverside",
      ManagedLoginVersion: 2,
    });
    riverside.city.hasResourceProperties("AWS::Cognito::ManagedLoginBranding", {
      ClientId: { Ref: logicalId(riverside, riverside.stack.userPoolClient) },
      UseCognitoProvidedValues: false,
    });
  });

  it("brands the managed login with the city's name: an SVG form logo, light and dark", () => {
    for (const [s, name] of [
      [riverside, "Riverside time bank"],
      [ownDomain, "Harbour time bank"],
    ] as const) {
      const branding = only(s, "AWS::Cognito::ManagedLoginBranding").Properties as {
        Assets: { Category: string; ColorMode: string; Extension: string; Bytes: string }[];
      };
      expect(branding.Assets.map((a) => [a.Category, a.ColorMode, a.Extension])).toEqual([
        ["FORM_LOGO", "LIGHT", "SVG"],
        ["FORM_LOGO", "DARK", "SVG"],
      ]);
      for (const asset of branding.Assets) {
        const svg = Buffer.from(asset.Bytes, "base64").toString("utf8");
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        expect(svg).toContain(`>${name}</text>`);
        expect(svg).toContain(`aria-label="${name}"`);
      }
    }
    // A name with markup in it stays text.
    expect(signInLogo({ name: "A<b>&C" })).toContain(">A&#60;b&#62;&#38;C time bank</text>");
  });

  it("gives the web app a public client: authorization code (with PKCE, in the app) only, back to the distribution", () => {
    const client = only(riverside, "AWS::Cognito::UserPoolClient").Properties;
    expect(client).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(["openid", "email", "aws.cognito.signin.user.admin"]),
      EnableTokenRevocation: true,
    });
    const distributionId = logicalId(riverside, riverside.stack.edge.distribution);
    expect(client.CallbackURLs).toEqual([
      { "Fn::Join": ["", ["https://", { "Fn::GetAtt": [distributionId, "DomainName"] }, "/"]] },
    ]);
    expect(client.LogoutURLs).toEqual(client.CallbackURLs);
  });

  it("marks each ID token with whether the sign-in passed MFA (a pre-token-generation trigger that may only read users)", () => {
    const triggerId = logicalId(riverside, riverside.stack.signIn.preTokenGeneration.function);
    riverside.city.hasResourceProperties("AWS::Cognito::UserPool", {
      LambdaConfig: { PreTokenGeneration: { "Fn::GetAtt": [triggerId, "Arn"] } },
    });
    const role = riverside.resources[triggerId]?.Properties.Role as { "Fn::GetAtt": [string] } | undefined;
    const roleId = role?.["Fn::GetAtt"][0] ?? "";
    const actions = Object.values(riverside.resources)
      .filter((r) => r.Type === "AWS::IAM::Policy" && JSON.stringify(r.Properties.Roles).includes(roleId))
      .flatMap(
        (p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
      )
      .flatMap((st) => [st.Action].flat());
    expect(actions.filter((a) => a.startsWith("cognito-idp:"))).toEqual(["cognito-idp:AdminGetUser"]);
    expect(actions.some((a) => a.startsWith("dynamodb:"))).toBe(false);
  });
});

describe("cdk-nag AwsSolutions on the edge", () => {
  it.each([
    ["the example city", () => riverside],
    ["a city in a hosted zone on Plus", () => ownDomain],
    ["a city with its own certificate on Lite", () => certificateElsewhere],
  ])("reports no unacknowledged findings for %s (both stacks)", (_name, get) => {
    const report = new AwsSolutionsChecks().validateScope(get().app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
  });
});
