import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { MessageSender, OutboundMessage } from "#domain/notices/ports.ts";
import { sdkAtRunTime } from "./runtime-sdk.ts";

type Sns = typeof import("@aws-sdk/client-sns");

import type { City } from "#shared/config/city.ts";

/** Where the cloud sender sends from, and how: the city file's addresses and the stack's names. */
export interface CloudSenderSettings {
  emailFrom: string | undefined;
  /** The SES configuration set that publishes bounces and complaints (MAIL_CONFIGURATION_SET). */
  configurationSet: string | undefined;
  /** The alphanumeric sender id of SMS, from the city file. */
  smsSenderId: string | undefined;
}

/**
 * Email through Amazon SES v2, in the city's configuration set and tagged with the member's id (so
 * a bounce or complaint names whose address it was), and SMS through Amazon SNS (transactional),
 * never to a number on SNS's opt-out list.
 */
export class CloudMessageSender implements MessageSender {
  private ses: SESv2Client | undefined;
  private sns: SNSClient | undefined;

  constructor(private readonly settings: CloudSenderSettings) {}

  async send(message: OutboundMessage): Promise<"sent" | "opted-out"> {
    const { emailFrom, configurationSet, smsSenderId } = this.settings;
    if (message.channel === "email") {
      if (!emailFrom) throw new Error("The city has no emailFrom address");
      this.ses ??= new SESv2Client({});
      await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: emailFrom,
          Destination: { ToAddresses: [message.to] },
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
          EmailTags: [
            { Name: "memberId", Value: message.memberId },
            { Name: "notificationId", Value: message.notificationId },
          ],
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: "UTF-8" },
              Body: {
                Text: { Data: message.text, Charset: "UTF-8" },
                ...(message.html ? { Html: { Data: message.html, Charset: "UTF-8" } } : {}),
              },
              ...(message.headers
                ? { Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })) }
                : {}),
            },
          },
        }),
      );
      return "sent";
    }
    // SMS is rare and off in most cities: the client is loaded on the first one (see runtime-sdk.ts).
    const sns = sdkAtRunTime<Sns>("@aws-sdk/client-sns");
    this.sns ??= new sns.SNSClient({});
    // SNS drops SMS to an opted-out number itself; asking first lets Mutua stop trying and say why.
    const { isOptedOut } = await this.sns.send(
      new sns.CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: message.to }),
    );
    if (isOptedOut) return "opted-out";
    await this.sns.send(
      new sns.PublishCommand({
        PhoneNumber: message.to,
        Message: message.text,
        MessageAttributes: {
          "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" },
          ...(smsSenderId
            ? { "AWS.SNS.SMS.SenderID": { DataType: "String", StringValue: smsSenderId } }
            : {}),
        },
      }),
    );
    return "sent";
  }
}

/** On one machine nothing is sent: each message becomes a JSON line in the outbox file. */
export class OutboxMessageSender implements MessageSender {
  constructor(private readonly file: string) {}

  async send(message: OutboundMessage): Promise<"sent"> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify({ ...message, sentAt: new Date().toISOString() })}\n`);
    return "sent";
  }
}

/** The sender for this process: the local outbox when OUTBOX_FILE is set, else SES and SNS. */
export function productionSender(city: City, configurationSet: string | undefined): MessageSender {
  const outbox = process.env.OUTBOX_FILE;
  return outbox
    ? new OutboxMessageSender(outbox)
    : new CloudMessageSender({
        emailFrom: city.notifications.emailFrom,
        configurationSet,
        smsSenderId: city.notifications.sms?.senderId,
      });
}
