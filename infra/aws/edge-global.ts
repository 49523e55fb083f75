import { Stack, type StackProps } from "aws-cdk-lib";
import { Certificate, CertificateValidation, type ICertificate } from "aws-cdk-lib/aws-certificatemanager";
import { HostedZone } from "aws-cdk-lib/aws-route53";
import { CfnWebACL } from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";
import type { DeployableCity } from "../../shared/config/city.ts";

/** CloudFront reads its certificate and its web ACL from this region only. */
export const CLOUDFRONT_REGION = "us-east-1";

/**
 * The AWS managed rule groups the firewall runs, cheapest verdict first: known bad sources, then
 * what exploits look like. `count` names rules that only count: the common set's body-size rule
 * blocks bodies over 8 KB, while the API takes up to 64 KB and answers a larger one itself (413).
 * `block` names the groups' blocking rules as AWS documents them, so their block answers in the
 * house shape (403 `FORBIDDEN_BY_EDGE`); a rule AWS adds later still blocks, with WAF's own 403.
 */
export const MANAGED_RULE_GROUPS = [
  {
    name: "AWSManagedRulesAmazonIpReputationList",
    count: [],
    block: ["AWSManagedIPReputationList", "AWSManagedReconnaissanceList"],
  },
  {
    name: "AWSManagedRulesCommonRuleSet",
    count: ["SizeRestrictions_BODY"],
    block: [
      "NoUserAgent_HEADER",
      "UserAgent_BadBots_HEADER",
      "SizeRestrictions_QUERYSTRING",
      "SizeRestrictions_Cookie_HEADER",
      "SizeRestrictions_URIPATH",
      "EC2MetaDataSSRF_BODY",
      "EC2MetaDataSSRF_COOKIE",
      "EC2MetaDataSSRF_URIPATH",
      "EC2MetaDataSSRF_QUERYARGUMENTS",
      "GenericLFI_QUERYARGUMENTS",
      "GenericLFI_URIPATH",
      "GenericLFI_BODY",
      "RestrictedExtensions_URIPATH",
      "RestrictedExtensions_QUERYARGUMENTS",
      "GenericRFI_QUERYARGUMENTS",
      "GenericRFI_BODY",
      "GenericRFI_URIPATH",
      "CrossSiteScripting_COOKIE",
      "CrossSiteScripting_QUERYARGUMENTS",
      "CrossSiteScripting_BODY",
      "CrossSiteScripting_URIPATH",
    ],
  },
  {
    name: "AWSManagedRulesKnownBadInputsRuleSet",
    count: [],
    block: [
      "JavaDeserializationRCE_HEADER",
      "JavaDeserializationRCE_BODY",
      "JavaDeserializationRCE_URIPATH",
      "JavaDeserializationRCE_QUERYSTRING",
      "Host_localhost_HEADER",
      "PROPFIND_METHOD",
      "ExploitablePaths_URIPATH",
      "Log4JRCE_HEADER",
      "Log4JRCE_QUERYSTRING",
      "Log4JRCE_BODY",
      "Log4JRCE_URIPATH",
    ],
  },
] as const;

/** What the firewall answers when it blocks, in the API's own error shape (JSON, a stable code). */
export const EDGE_RESPONSES = {
  "rate-limited": {
    status: 429,
    body: {
      error: {
        code: "RATE_LIMITED",
        message: "Too many requests from this address: wait a few minutes, then try again",
      },
    },
  },
  "forbidden-by-edge": {
    status: 403,
    body: {
      error: {
        code: "FORBIDDEN_BY_EDGE",
        message: "The city's firewall refused this request (its address, or what it looked like)",
      },
    },
  },
} as const;

const blockWith = (key: keyof typeof EDGE_RESPONSES) => ({
  block: { customResponse: { responseCode: EDGE_RESPONSES[key].status, customResponseBodyKey: key } },
});

export interface EdgeGlobalStackProps extends StackProps {
  city: DeployableCity;
}

/**
 * The part of a city that must live in us-east-1 (a small companion of the city's stack): the
 * CLOUDFRONT-scope web ACL and, when the city's domain is in a Route 53 hosted zone, its
 * DNS-validated certificate. The city's stack reads both through CDK's cross-region references.
 */
export class EdgeGlobalStack extends Stack {
  readonly webAcl: CfnWebACL;
  /** Only when the city file names a hosted zone; a certificate ARN is read by the city's stack. */
  readonly certificate: ICertificate | undefined;

  constructor(scope: Construct, id: string, props: EdgeGlobalStackProps) {
    const { city, ...stackProps } = props;
    super(scope, id, {
      description: `Mutua edge for ${city.name}: the firewall and certificate CloudFront reads from us-east-1`,
      ...stackProps,
    });
    const metric = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `mutua-${city.id}-${name}`,
    });
    const { requests, windowSeconds } = city.edge.rateLimit;
    this.webAcl = new CfnWebACL(this, "Firewall", {
      name: `mutua-${city.id}`,
      description: `Mutua ${city.name}: AWS managed rules and a per-IP rate limit`,
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      visibilityConfig: metric("edge"),
      customResponseBodies: Object.fromEntries(
        Object.entries(EDGE_RESPONSES).map(([key, answer]) => [
          key,
          { contentType: "APPLICATION_JSON", content: JSON.stringify(answer.body) },
        ]),
      ),
      rules: [
        {
          name: "per-ip-rate",
          priority: 0,
          action: blockWith("rate-limited"),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: "IP",
              limit: requests,
              evaluationWindowSec: windowSeconds,
            },
          },
          visibilityConfig: metric("per-ip-rate"),
        },
        ...MANAGED_RULE_GROUPS.map((group, index) => ({
          name: group.name,
          priority: index + 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: "AWS",
              name: group.name,
              ruleActionOverrides: [
                ...group.count.map((name) => ({ name, actionToUse: { count: {} } })),
                ...group.block.map((name) => ({ name, actionToUse: blockWith("forbidden-by-edge") })),
              ],
            },
          },
          visibilityConfig: metric(group.name),
        })),
      ],
    });

    const domain = city.edge.domain;
    this.certificate = domain?.hostedZone
      ? new Certificate(this, "Certificate", {
          domainName: domain.name,
          validation: CertificateValidation.fromDns(
            HostedZone.fromHostedZoneAttributes(this, "Zone", {
              hostedZoneId: domain.hostedZone.id,
              zoneName: domain.hostedZone.name,
            }),
          ),
        })
      : undefined;
  }
}
