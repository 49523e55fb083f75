import {
  type CfnElement,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
} from "aws-cdk-lib";
import {
  ApiMapping,
  DomainName,
  type HttpApi,
  type HttpStage,
  SecurityPolicy,
} from "aws-cdk-lib/aws-apigatewayv2";
import { Certificate, CertificateValidation, type ICertificate } from "aws-cdk-lib/aws-certificatemanager";
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin, S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { AaaaRecord, ARecord, HostedZone, RecordTarget } from "aws-cdk-lib/aws-route53";
import { ApiGatewayv2DomainProperties, CloudFrontTarget } from "aws-cdk-lib/aws-route53-targets";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, Source } from "aws-cdk-lib/aws-s3-deployment";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import type { DeployableCity } from "../../shared/config/city.ts";
import { ORIGIN_HEADER } from "../../shared/config/runtime.ts";
import { type WebAuthConfig, webConfig } from "../../shared/config/web.ts";
import { API_PREFIX } from "../local/http-adapter.ts";
import { webSecurityHeaders } from "../web-headers.ts";

/** HSTS: two years, subdomains included (the city's domain serves nothing but HTTPS). */
export const HSTS_MAX_AGE = Duration.days(730);

/**
 * Viewer-request code of the app's behaviour: a path without a file extension is a screen of the
 * single-page app, so it is served index.html (rather than a 403 from the private bucket, and
 * without a distribution-wide error page that would also rewrite the API's own 404s).
 */
export const SPA_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split("/").pop();
  if (last.indexOf(".") === -1) request.uri = "/index.html";
  return request;
}`;

/** Viewer-request code of the API's behaviour: `/api/posts` reaches the HTTP API as `/posts`. */
export const API_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  request.uri = request.uri.substring(${API_PREFIX.length}) || "/";
  return request;
}`;

/** The API's own regional name under the city's domain, the only way in once execute-api is off. */
export function apiOriginName(domain: string): string {
  return `api-origin.${domain}`;
}

export interface EdgeProps {
  city: DeployableCity;
  /** Created with its execute-api endpoint disabled when the city has a domain. */
  api: HttpApi;
  /** The API's stage, mapped on the API's regional custom domain. */
  stage: HttpStage;
  /** The web ACL (CLOUDFRONT scope, us-east-1) the distribution is protected by. */
  webAclArn: string;
  /** The us-east-1 certificate of the city's domain, when it is in a Route 53 hosted zone. */
  certificate: ICertificate | undefined;
  /** The built web app (web/dist). */
  webAssets: string;
  /** Origins the app calls beside its own (the managed login's token endpoint). */
  connectTo: readonly string[];
}

/**
 * The city's one address: a CloudFront distribution that serves the built web app from a private
 * bucket (origin access control) and the HTTP API under /api, so the app and the API share an
 * origin (no CORS); the same security headers as the local runtime; the firewall; the city's
 * domain and certificate when it has one.
 */
export class Edge extends Construct {
  readonly bucket: Bucket;
  /** The access-log bucket (CloudFront's standard logs, and the export bucket's server access logs). */
  readonly logs: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  /** What CloudFront sends the API in `x-mutua-origin`; the HTTP functions refuse requests without it. */
  readonly originSecret: Secret;
  /** `https://` and the city's domain, or the distribution's own name. */
  readonly appOrigin: string;
  /**
   * With a domain: the API's regional custom domain (`api-origin.<domain>`, a certificate in the
   * city's region), CloudFront's origin for the API, whose execute-api endpoint is disabled.
   */
  readonly apiDomain: DomainName | undefined;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { city } = props;
    const domain = city.edge.domain;

    const logs = new Bucket(this, "Logs", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are delivered with an ACL, so this bucket keeps ACLs enabled.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logs = logs;
    Validations.of(logs).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "This bucket holds the access logs of the distribution and the app bucket; logging its own access would log the logs.",
    });

    this.bucket = new Bucket(this, "App", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: "app-bucket/",
      // The built app is rebuilt and redeployed from source at every deploy: nothing to retain.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const headers = webSecurityHeaders(city, props.connectTo);
    this.headers = new ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: `Mutua ${city.name}: the app's security headers (infra/web-headers.ts)`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: headers["content-security-policy"] ?? "",
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: HSTS_MAX_AGE,
          includeSubdomains: true,
          override: true,
        },
      },
    });

    this.originSecret = new Secret(this, "OriginSecret", {
      description: `Mutua ${city.name}: the header value CloudFront sends the API; direct requests lack it`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.originSecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "The value is read at deploy time by the distribution and the HTTP functions at once; a rotation outside a deploy would leave them disagreeing (every API request refused). Rotate it by deploying after `aws secretsmanager put-secret-value` (README).",
    });
    const secretValue = this.originSecret.secretValue.unsafeUnwrap();

    const zone = domain?.hostedZone
      ? HostedZone.fromHostedZoneAttributes(this, "Zone", {
          hostedZoneId: domain.hostedZone.id,
          zoneName: domain.hostedZone.name,
        })
      : undefined;
    // With a domain, the API answers only on a regional custom domain of its own and its
    // execute-api endpoint is off, so nothing reaches it by the name API Gateway gave it; the origin
    // header stays as the second lock (the custom domain is a public regional endpoint too).
    // Without a domain there is no name to give it: execute-api stays, closed by the header alone.
    let apiHost = `${props.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
    this.apiDomain = undefined;
    if (domain) {
      apiHost = apiOriginName(domain.name);
      // ACM in the city's region (API Gateway reads regional certificates there); with DNS
      // elsewhere the deploy waits until the council adds the validation record ACM shows.
      const certificate = new Certificate(this, "ApiOriginCertificate", {
        domainName: apiHost,
        validation: zone ? CertificateValidation.fromDns(zone) : CertificateValidation.fromDns(),
      });
      this.apiDomain = new DomainName(this, "ApiOriginDomain", {
        domainName: apiHost,
        certificate,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, "ApiOriginMapping", {
        api: props.api,
        domainName: this.apiDomain,
        stage: props.stage,
      });
      if (zone) {
        new ARecord(this, "ApiOriginAlias", {
          zone,
          recordName: apiHost,
          target: RecordTarget.fromAlias(
            new ApiGatewayv2DomainProperties(
              this.apiDomain.regionalDomainName,
              this.apiDomain.regionalHostedZoneId,
            ),
          ),
        });
      }
    }
    const apiOrigin = new HttpOrigin(apiHost, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      customHeaders: { [ORIGIN_HEADER]: secretValue },
    });
    const spa = new EdgeFunction(this, "AppPaths", {
      comment: "Serves index.html for the app's screens",
      code: FunctionCode.fromInline(SPA_FUNCTION_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });
    const apiPaths = new EdgeFunction(this, "ApiPaths", {
      comment: "Strips /api before the HTTP API",
      code: FunctionCode.fromInline(API_FUNCTION_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });

    const certificate =
      props.certificate ??
      (domain?.certificateArn
        ? Certificate.fromCertificateArn(this, "Certificate", domain.certificateArn)
        : undefined);

    this.distribution = new Distribution(this, "Distribution", {
      comment: `Mutua ${city.name}`,
      defaultRootObject: "index.html",
      httpVersion: HttpVersion.HTTP2_AND_3,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: "cloudfront/",
      ...(domain && certificate
        ? {
            domainNames: [domain.name],
            certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        functionAssociations: [{ function: spa, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        [`${API_PREFIX}/*`]: {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Nothing of the API is cached; with caching off, this policy forwards Authorization
          // and everything else but Host (the gateway answers only to its own name).
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
          functionAssociations: [{ function: apiPaths, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });
    const cloudfront = Validations.of(this.distribution);
    cloudfront.acknowledge({
      id: "AwsSolutions-CFR1",
      reason:
        "A city's residents travel and have family abroad: no country is blocked; the web ACL's IP-reputation and rate rules stand in front instead.",
    });
    if (!domain) {
      cloudfront.acknowledge({
        id: "AwsSolutions-CFR4",
        reason:
          "Without a domain in the city file the distribution answers on its cloudfront.net name, whose certificate CloudFront manages (TLS 1.2 is then not enforceable); a city with its own domain gets TLSv1.2_2021.",
      });
    }

    this.appOrigin = domain
      ? `https://${domain.name}`
      : `https://${this.distribution.distributionDomainName}`;

    this.city = city;
    this.webAssets = props.webAssets;

    if (domain && zone) {
      const target = RecordTarget.fromAlias(new CloudFrontTarget(this.distribution));
      new ARecord(this, "AliasIpv4", { zone, recordName: domain.name, target });
      new AaaaRecord(this, "AliasIpv6", { zone, recordName: domain.name, target });
    }
  }

  private readonly city: DeployableCity;
  private readonly webAssets: string;

  /**
   * Deploys the built app with its `/config.json` (the city's public settings and the managed
   * login's address and client), and clears the distribution's cache of the old app.
   */
  deployApp(signIn: { domain: string; clientId: string; identityEndpoint: string }): BucketDeployment {
    const { city, webAssets } = this;
    const auth: WebAuthConfig = { kind: "cognito", ...signIn };
    const deployment = new BucketDeployment(this, "Deploy", {
      destinationBucket: this.bucket,
      sources: [
        Source.asset(webAssets, { exclude: [".build-id"] }),
        Source.jsonData("config.json", webConfig(city, auth)),
      ],
      distribution: this.distribution,
      distributionPaths: ["/*"],
      memoryLimit: 512,
      logGroup: new LogGroup(this, "DeployLogs", { retention: RetentionDays.ONE_MONTH }),
    });
    // The copying function is CDK's own, one per stack (a singleton beside this construct).
    for (const singleton of Stack.of(this).node.children) {
      if (!singleton.node.id.startsWith("Custom::CDKBucketDeployment")) continue;
      const nag = Validations.of(singleton);
      nag.acknowledge({
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        reason:
          "CDK's BucketDeployment function writes its logs with AWSLambdaBasicExecutionRole; it runs only during a deploy.",
      });
      const stack = Stack.of(this);
      // The bootstrap asset bucket's name, its placeholders filled from the pinned account and region.
      const placeholders: Record<string, string> = {
        Qualifier: DefaultStackSynthesizer.DEFAULT_QUALIFIER,
        "AWS::AccountId": stack.account,
        "AWS::Region": stack.region,
      };
      const assets = DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace(
        /\$\{([^}]+)\}/g,
        (_all, name: string) => placeholders[name] ?? name,
      );
      const appBucket = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
      const grants: [string, string][] = [
        ["Action::s3:GetBucket*", "reads the deploy's asset bucket"],
        ["Action::s3:GetObject*", "reads the deploy's asset objects"],
        ["Action::s3:List*", "lists the asset and app buckets"],
        [
          `Resource::arn:${stack.partition}:s3:::${assets}/*`,
          "reads the objects of the CDK bootstrap asset bucket",
        ],
        ["Action::s3:Abort*", "aborts its own multipart uploads to the app bucket"],
        ["Action::s3:DeleteObject*", "deletes the previous app's files from the app bucket"],
        [`Resource::<${appBucket}.Arn>/*`, "writes the app bucket's objects, and nothing else"],
        ["Resource::*", "cloudfront:CreateInvalidation and GetInvalidation accept no resource but '*'"],
      ];
      for (const [finding, what] of grants) {
        nag.acknowledge({
          id: `AwsSolutions-IAM5[${finding}]`,
          reason: `CDK's BucketDeployment function ${what}, during a deploy only.`,
        });
      }
      nag.acknowledge({
        id: "AwsSolutions-L1",
        reason: "The runtime of CDK's BucketDeployment function is chosen by aws-cdk-lib and moves with it.",
      });
    }
    return deployment;
  }
}
