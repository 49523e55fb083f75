import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { MessageSender, OutboundMessage } from "#domain/notices/ports.ts";

/** Email through Amazon SES v2 and SMS through Amazon SNS (transactional). */
export class CloudMessageSender implements MessageSender {
  private ses: SESv2Client | undefined;
  private sns: SNSClient | undefined;

  constructor(private readonly emailFrom: string | undefined) {}

  async send(message: OutboundMessage): Promise<void> {
    if (message.channel === "email") {
      if (!this.emailFrom) throw new Error("The city has no emailFrom address");
      this.ses ??= new SESv2Client({});
      await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.emailFrom,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: "UTF-8" },
              Body: { Text: { Data: message.text, Charset: "UTF-8" } },
            },
          },
        }),
      );
      return;
    }
    this.sns ??= new SNSClient({});
    await this.sns.send(
      new PublishCommand({
        PhoneNumber: message.to,
        Message: message.text,
        MessageAttributes: { "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" } },
      }),
    );
  }
}

/** On one machine nothing is sent: each message becomes a JSON line in the outbox file. */
export class OutboxMessageSender implements MessageSender {
  constructor(private readonly file: string) {}

  async send(message: OutboundMessage): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify({ ...message, sentAt: new Date().toISOString() })}\n`);
  }
}

/** The sender for this process: the local outbox when OUTBOX_FILE is set, else SES and SNS. */
export function productionSender(emailFrom: string | undefined): MessageSender {
  const outbox = process.env.OUTBOX_FILE;
  return outbox ? new OutboxMessageSender(outbox) : new CloudMessageSender(emailFrom);
}
