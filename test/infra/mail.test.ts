import { readFileSync } from "node:fs";
import path from "node:path";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { addCity, loadCity } from "../../infra/aws/app.ts";
import type { CityStack } from "../../infra/aws/city-stack.ts";
import { functionOf, manifest } from "../../infra/manifest.ts";
import { repoRoot } from "../../infra/repo-root.ts";
import { type City, parseCity } from "../../shared/config/city.ts";

const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(repoRoot, "cdk.json"), "utf8"),
).context;
const example = loadCity(path.join(repoRoot, "cities/example.json"));

/** A second city on its own domain: DNS in Route 53, the identity verified, SMS on. */
const harbourCity: City = parseCity({
  ...example,
  id: "harbour",
  name: "Harbour",
  notifications: {
    ...example.notifications,
    emailFrom: "timebank@harbour.example",
    emailDomain: "harbour.example",
    emailHostedZone: { id: "Z0123456789ABCDEFGHIJ", name: "harbour.example" },
    emailVerified: true,
    smsEnabled: true,
    sms: { senderId: "Harbour", monthlySpendLimitUsd: 50 },
    appUrl: "https://timebank.harbour.example",
  },
});

function synth(city: City): { app: App; stack: CityStack; template: Template } {
  const app = new App({ context: { ...cdkContext, "aws:cdk:bundling-stacks": [] } });
  const stack = addCity(app, city);
  return { app, stack, template: Template.fromStack(stack) };
}

let riverside: ReturnType<typeof synth>;
let harbour: ReturnType<typeof synth>;
beforeAll(() => {
  riverside = synth(example);
  harbour = synth(harbourCity);
});

/** The logical id of the Lambda function of a manifest function name. */
function functionId(template: Template, name: string): string {
  const found = Object.entries(template.findResources("AWS::Lambda::Function")).filter(([, r]) =>
    String(r.Properties.Description).startsWith(`Mutua ${name}:`),
  );
  expect(found, name).toHaveLength(1);
  return found[0]?.[0] ?? "";
}

function statementsOf(template: Template, name: string): Record<string, unknown>[] {
  const fn = template.findResources("AWS::Lambda::Function")[functionId(template, name)];
  if (!fn) throw new Error(`no function ${name}`);
  const roleId = (fn.Properties.Role as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
  return Object.values(template.findResources("AWS::IAM::Policy"))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
}

const configurationSetId = (template: Template) =>
  Object.keys(template.findResources("AWS::SES::ConfigurationSet"))[0];

describe("email identity and configuration set", () => {
  it("is an SES domain identity for the city's domain, DKIM-signed, with its own MAIL FROM domain", () => {
    riverside.template.resourceCountIs("AWS::SES::EmailIdentity", 1);
    riverside.template.hasResourceProperties("AWS::SES::EmailIdentity", {
      EmailIdentity: "riverside.example",
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: "RSA_2048_BIT" },
      MailFromAttributes: { MailFromDomain: "bounce.riverside.example" },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configurationSetId(riverside.template) } },
    });
  });

  it("suppresses bounced and complained addresses and publishes those events to EventBridge", () => {
    riverside.template.hasResourceProperties("AWS::SES::ConfigurationSet", {
      SuppressionOptions: { SuppressedReasons: ["BOUNCE", "COMPLAINT"] },
    });
    riverside.template.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      ConfigurationSetName: { Ref: configurationSetId(riverside.template) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ["bounce", "complaint"],
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      },
    });
    expect(
      JSON.stringify(riverside.template.findResources("AWS::SES::ConfigurationSetEventDestination")),
    ).toContain(":event-bus/default");
  });

  it("sends this city's bounce and complaint events to the manifest's mail-events function", () => {
    const [entry] = manifest.events;
    expect(entry?.handler).toBe("functions/events/mail-events.ts");
    riverside.template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: {
        source: ["aws.ses"],
        "detail-type": ["Email Bounced", "Email Complaint Received"],
        detail: {
          mail: { tags: { "ses:configuration-set": [{ Ref: configurationSetId(riverside.template) }] } },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { "Fn::GetAtt": [functionId(riverside.template, functionOf(entry?.handler ?? "")), "Arn"] },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
  });

  it("lets only the channel consumer email, from the city's address, in the configuration set it is told", () => {
    const ses = statementsOf(riverside.template, "streams-notices").filter((s) =>
      [s.Action].flat().includes("ses:SendEmail"),
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Condition).toEqual({ StringEquals: { "ses:FromAddress": "timebank@riverside.example" } });
    expect(JSON.stringify(ses[0]?.Resource)).toContain("configuration-set/");
    riverside.template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("^Mutua streams-notices:"),
      Environment: {
        Variables: Match.objectLike({
          MAIL_CONFIGURATION_SET: { Ref: configurationSetId(riverside.template) },
        }),
      },
    });
    expect(JSON.stringify(statementsOf(riverside.template, "streams-router"))).not.toContain("ses:");
  });

  it("prints the DKIM and MAIL FROM records when the DNS is elsewhere, and writes them into a Route 53 zone", () => {
    const outputs = Object.keys(riverside.template.toJSON().Outputs ?? {});
    expect(outputs.filter((o) => o.includes("DkimRecord"))).toHaveLength(3);
    expect(outputs.some((o) => o.includes("MailFromRecords"))).toBe(true);
    riverside.template.resourceCountIs("AWS::Route53::RecordSet", 0);
    const dkimRecords = 3;
    harbour.template.resourcePropertiesCountIs("AWS::Route53::RecordSet", { Type: "CNAME" }, dkimRecords);
    harbour.template.hasResourceProperties("AWS::Route53::RecordSet", {
      Type: "MX",
      Name: "bounce.harbour.example.",
      HostedZoneId: "Z0123456789ABCDEFGHIJ",
    });
    harbour.template.hasResourceProperties("AWS::Route53::RecordSet", {
      Type: "TXT",
      Name: "bounce.harbour.example.",
      ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'],
    });
  });
});

describe("sign-in mails", () => {
  it("go through SES from the city's address in its configuration set once the identity is verified", () => {
    harbour.template.hasResourceProperties("AWS::Cognito::UserPool", {
      EmailConfiguration: {
        EmailSendingAccount: "DEVELOPER",
        From: "Harbour time bank <timebank@harbour.example>",
        SourceArn: Match.anyValue(),
        ConfigurationSet: { Ref: configurationSetId(harbour.template) },
      },
    });
    expect(JSON.stringify(harbour.template.findResources("AWS::Cognito::UserPool"))).toContain(
      ":identity/harbour.example",
    );
  });

  it("stay with Cognito's own sender until the city file says the identity is verified", () => {
    expect(example.notifications.emailVerified).toBe(false);
    const pool = Object.values(riverside.template.findResources("AWS::Cognito::UserPool"))[0];
    expect(pool?.Properties.EmailConfiguration?.EmailSendingAccount ?? "COGNITO_DEFAULT").toBe(
      "COGNITO_DEFAULT",
    );
  });
});

describe("SMS guard rails", () => {
  it("set the account's monthly spend limit, sender id and transactional type from the city file", () => {
    const settings = Object.values(harbour.template.findResources("Custom::AWS"));
    expect(settings).toHaveLength(1);
    const create = JSON.stringify(settings[0]?.Properties.Create);
    for (const part of [
      "setSMSAttributes",
      '\\"MonthlySpendLimit\\":\\"50\\"',
      '\\"DefaultSenderID\\":\\"Harbour\\"',
      "Transactional",
    ])
      expect(create).toContain(part);
    riverside.template.resourceCountIs("Custom::AWS", 0);
  });

  it("let the channel consumer text phone numbers in the city's region only, never publish to a topic", () => {
    const statements = statementsOf(harbour.template, "streams-notices");
    const allow = statements.filter((s) => s.Effect === "Allow" && [s.Action].flat().includes("sns:Publish"));
    expect(allow).toHaveLength(1);
    expect(allow[0]?.Condition).toEqual({ StringEquals: { "aws:RequestedRegion": harbourCity.aws?.region } });
    expect([allow[0]?.Action].flat().sort()).toEqual(["sns:CheckIfPhoneNumberIsOptedOut", "sns:Publish"]);
    const deny = statements.filter((s) => s.Effect === "Deny" && JSON.stringify(s.Action).includes("sns:"));
    expect(deny).toEqual([
      expect.objectContaining({
        Action: "sns:Publish",
        // The city's account and region are pinned, so the partition is known at synth.
        Resource: "arn:aws:sns:*:*:*",
      }),
    ]);
    // No other function may publish at all.
    for (const name of ["streams-router", "http-members", functionOf("functions/events/mail-events.ts")])
      expect(JSON.stringify(statementsOf(harbour.template, name))).not.toContain("sns:Publish");
  });

  it("are required by the city file when SMS is on", () => {
    expect(() =>
      parseCity({
        ...example,
        notifications: { ...example.notifications, smsEnabled: true, sms: undefined },
      }),
    ).toThrow(/notifications\.sms: a city that turns SMS on must give its sms settings/);
    expect(() =>
      parseCity({
        ...example,
        notifications: {
          ...example.notifications,
          sms: { senderId: "Far-too-long-id", monthlySpendLimitUsd: 5 },
        },
      }),
    ).toThrow(/senderId/);
  });
});

describe("cdk-nag", () => {
  it("finds nothing unacknowledged on either city", () => {
    for (const { app } of [riverside, harbour]) {
      const report = new AwsSolutionsChecks().validateScope(app);
      expect(
        report.violations.map((v) =>
          `${v.ruleName} ${JSON.stringify(v.violatingResources?.[0] ?? v)}`.slice(0, 300),
        ),
      ).toEqual([]);
    }
  });
});
