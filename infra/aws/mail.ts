import { CfnOutput, Duration, Stack, Validations } from "aws-cdk-lib";
import { UserPoolEmail } from "aws-cdk-lib/aws-cognito";
import { EventBus, Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { CnameRecord, MxRecord, PublicHostedZone, TxtRecord } from "aws-cdk-lib/aws-route53";
import {
  ConfigurationSet,
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from "aws-cdk-lib/aws-ses";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from "aws-cdk-lib/custom-resources";
import { Construct } from "constructs";
import { type City, domainOf } from "../../shared/config/city.ts";
import type { EventConsumerEntry } from "../manifest.ts";
import type { HouseFunction } from "./house-function.ts";

/** The construct id CDK gives the singleton function behind AwsCustomResource. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287";

/** The subdomain SES bounces mail to (the envelope sender), so SPF aligns with the city's domain for DMARC. */
export const MAIL_FROM_SUBDOMAIN = "bounce";

export interface CityMailProps {
  city: City;
}

/**
 * A city's email and SMS as code: the SES domain identity (Easy DKIM, 2048-bit, and a custom MAIL
 * FROM domain), a configuration set that suppresses bounced and complained addresses and
 * publishes those events to EventBridge for Mutua's mail-events consumer, the sign-in mails through
 * SES, and, when the city turns SMS on, the account's SMS spend limit, sender id and type.
 */
export class CityMail extends Construct {
  /** The domain SES sends from, when the city sends email. */
  readonly domain: string | undefined;
  readonly identity: EmailIdentity | undefined;
  readonly configurationSet: ConfigurationSet | undefined;
  private readonly city: City;

  constructor(scope: Construct, id: string, props: CityMailProps) {
    super(scope, id);
    const { city } = props;
    this.city = city;
    const { emailFrom, emailDomain, emailHostedZone } = city.notifications;
    if (emailFrom) {
      const domain = emailDomain ?? domainOf(emailFrom);
      this.domain = domain;
      // The account-level suppression list also keeps bounced and complained addresses, for
      // every sender in the account; Mutua's own mark (the consumer) tells the member why.
      this.configurationSet = new ConfigurationSet(this, "ConfigurationSet", {
        suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        reputationMetrics: true,
      });
      this.configurationSet.addEventDestination("BouncesAndComplaints", {
        // The account's default bus: the only one SES publishes to.
        destination: EventDestination.eventBus(EventBus.fromEventBusName(this, "DefaultBus", "default")),
        events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
      });
      this.identity = new EmailIdentity(this, "Identity", {
        identity: Identity.domain(domain),
        configurationSet: this.configurationSet,
        mailFromDomain: `${MAIL_FROM_SUBDOMAIN}.${domain}`,
        dkimSigning: true,
        dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
      });
      this.publishRecords(domain, emailHostedZone);
    }
    if (city.notifications.smsEnabled) this.configureSms();
  }

  /**
   * How Cognito sends the sign-in mails: through SES from the city's address once the city file
   * says the identity is verified (Cognito refuses an unverified one), else its own default sender.
   */
  userPoolEmail(): UserPoolEmail | undefined {
    const { emailFrom, emailVerified } = this.city.notifications;
    if (!emailFrom || !emailVerified || !this.domain || !this.configurationSet) return undefined;
    return UserPoolEmail.withSES({
      fromEmail: emailFrom,
      fromName: `${this.city.name} time bank`,
      sesRegion: Stack.of(this).region,
      sesVerifiedDomain: this.domain,
      configurationSetName: this.configurationSet.configurationSetName,
    });
  }

  /**
   * Lets a function email from the city's identity, in its configuration set (named in the same
   * call, MAIL_CONFIGURATION_SET), and SMS when the city turned it on.
   */
  grantSending(target: HouseFunction, channels: readonly ("email" | "sms")[]): void {
    const stack = Stack.of(this);
    if (channels.includes("email") && this.identity && this.configurationSet) {
      target.function.addToRolePolicy(
        new PolicyStatement({
          actions: ["ses:SendEmail"],
          resources: [
            this.identity.emailIdentityArn,
            stack.formatArn({
              service: "ses",
              resource: "configuration-set",
              resourceName: this.configurationSet.configurationSetName,
            }),
          ],
          conditions: {
            // From the city's address only, whatever else the identity would allow.
            StringEquals: { "ses:FromAddress": this.city.notifications.emailFrom },
          },
        }),
      );
      target.function.addEnvironment("MAIL_CONFIGURATION_SET", this.configurationSet.configurationSetName);
    }
    if (channels.includes("sms") && this.city.notifications.smsEnabled) {
      // SMS straight to a phone number has no resource to name: IAM takes only "*" for it. The
      // grant is narrowed instead: this region only, and never to a topic (the deny below), so
      // the function can text members and do nothing else with SNS.
      target.function.addToRolePolicy(
        new PolicyStatement({
          actions: ["sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"],
          resources: ["*"],
          conditions: { StringEquals: { "aws:RequestedRegion": stack.region } },
        }),
      );
      target.function.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.DENY,
          actions: ["sns:Publish"],
          resources: [`arn:${stack.partition}:sns:*:*:*`],
        }),
      );
      Validations.of(target.role).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "SMS to a phone number is an SNS Publish with no topic, which IAM can only express with Resource '*'; the statement allows publishing and the opt-out check alone, in the city's region, denies publishing to any topic, and exists only when the city enables SMS.",
      });
    }
  }

  /**
   * The mail-events consumer: an EventBridge rule takes this city's bounce and complaint events
   * (its configuration set's, as SES tags each event) to the function; failed deliveries go to
   * the dead-letter queue after the entry's retries.
   */
  connectConsumer(entry: EventConsumerEntry, target: HouseFunction, deadLetters: Queue): Rule | undefined {
    if (!this.configurationSet) return undefined;
    target.function.configureAsyncInvoke({ retryAttempts: entry.maxRetries });
    return new Rule(this, `${entry.name}-rule`, {
      description: `Mutua ${entry.name}: ${entry.about}`,
      eventPattern: {
        source: [entry.pattern.source],
        detailType: [...entry.pattern.detailTypes],
        detail: { mail: { tags: { "ses:configuration-set": [this.configurationSet.configurationSetName] } } },
      },
      targets: [
        new LambdaFunction(target.function, {
          retryAttempts: entry.maxRetries,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: deadLetters,
        }),
      ],
    });
  }

  /**
   * The DNS records that prove the domain (three DKIM CNAMEs) and carry the MAIL FROM domain (MX
   * and SPF): written to the city's Route 53 zone when it names one, else stack outputs to copy.
   */
  private publishRecords(domain: string, zone: City["notifications"]["emailHostedZone"]): void {
    const identity = this.identity;
    if (!identity) return;
    const region = Stack.of(this).region;
    const mailFrom = `${MAIL_FROM_SUBDOMAIN}.${domain}`;
    const mx = `10 feedback-smtp.${region}.amazonses.com`;
    const spf = '"v=spf1 include:amazonses.com ~all"';
    if (zone) {
      const hostedZone = PublicHostedZone.fromHostedZoneAttributes(this, "Zone", {
        hostedZoneId: zone.id,
        zoneName: zone.name,
      });
      identity.dkimRecords.forEach((record, i) => {
        new CnameRecord(this, `Dkim${i}`, {
          zone: hostedZone,
          recordName: record.name,
          domainName: record.value,
        });
      });
      new MxRecord(this, "MailFromMx", {
        zone: hostedZone,
        recordName: mailFrom,
        values: [{ priority: 10, hostName: `feedback-smtp.${region}.amazonses.com` }],
      });
      new TxtRecord(this, "MailFromSpf", {
        zone: hostedZone,
        recordName: mailFrom,
        values: ["v=spf1 include:amazonses.com ~all"],
      });
      return;
    }
    identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: `DNS record ${i + 1} of 3 that proves ${domain} to SES (DKIM)`,
      });
    });
    new CfnOutput(this, "MailFromRecords", {
      value: `${mailFrom} MX ${mx} ; ${mailFrom} TXT ${spf}`,
      description: `DNS records of the MAIL FROM domain ${mailFrom} (bounces, SPF)`,
    });
  }

  /**
   * The account's SMS settings (SNS has no CloudFormation resource for them): the monthly spend
   * limit (SNS stops sending SMS for the month once it is reached), the sender id and the
   * transactional type. The limit cannot exceed the account's SMS spend quota (1 USD until AWS
   * raises it on request): the deploy then fails with SNS's message.
   */
  private configureSms(): void {
    const sms = this.city.notifications.sms;
    if (!sms) throw new Error("A city with smsEnabled needs its notifications.sms settings");
    const attributes = {
      MonthlySpendLimit: String(sms.monthlySpendLimitUsd),
      DefaultSenderID: sms.senderId,
      DefaultSMSType: "Transactional",
    };
    const call = {
      service: "SNS",
      action: "setSMSAttributes",
      parameters: { attributes },
      physicalResourceId: PhysicalResourceId.of(`mutua-${this.city.id}-sms-settings`),
    };
    const settings = new AwsCustomResource(this, "SmsSettings", {
      onCreate: call,
      onUpdate: call,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ["sns:SetSMSAttributes"], resources: ["*"] }),
      ]),
      installLatestAwsSdk: false,
    });
    Validations.of(settings).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "sns:SetSMSAttributes acts on the account's SMS settings, which have no ARN: IAM takes only '*'.",
    });
    // CDK's one function behind every AwsCustomResource of the stack (it runs at deploy only).
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    if (provider) {
      Validations.of(provider).acknowledge(
        {
          id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
          reason:
            "CDK's deploy-time provider of AwsCustomResource writes its logs through the basic execution policy; it runs only while CloudFormation deploys the SMS settings.",
        },
        {
          id: "AwsSolutions-L1",
          reason:
            "The runtime of CDK's own AwsCustomResource provider is CDK's to choose, and moves with aws-cdk-lib.",
        },
      );
    }
  }
}
