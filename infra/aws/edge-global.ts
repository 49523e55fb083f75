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
 */
export const MANAGED_RULE_GROUPS = [
  { name: "AWSManagedRulesAmazonIpReputationList", count: [] },
  { name: "AWSManagedRulesCommonRuleSet", count: ["SizeRestrictions_BODY"] },
  { name: "AWSManagedRulesKnownBadInputsRuleSet", count: [] },
] as const;

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
      rules: [
        {
          name: "per-ip-rate",
          priority: 0,
          action: { block: {} },
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
              ...(group.count.length > 0
                ? { ruleActionOverrides: group.count.map((name) => ({ name, actionToUse: { count: {} } })) }
                : {}),
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
