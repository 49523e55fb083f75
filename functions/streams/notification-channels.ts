import { createDocumentClient } from "#data/client.ts";
import { DynamoDeliveryRepository } from "#data/delivery-repository.ts";
import { DynamoHeldNoticeRepository } from "#data/held-notice-repository.ts";
import { DynamoMemberRepository } from "#data/member-repository.ts";
import { productionSender } from "#data/message-sender.ts";
import { DynamoSigningKeyRepository } from "#data/signing-key-repository.ts";
import { imagesOf } from "#data/stream.ts";
import { systemClock } from "#domain/kernel/clock.ts";
import { fanOutNotification, sendReleasedNotices } from "#domain/notices/channels.ts";
import { notificationSchema } from "#domain/notices/inbox.ts";
import type { MessageSender } from "#domain/notices/ports.ts";
import { type RuntimeConfig, runtimeConfig } from "#shared/config/runtime.ts";
import * as z from "#shared/zod.ts";
import { streamConsumer } from "./consumer.ts";

// Built once per container, on first use; only this function's bundle carries SES and SNS, and
// it builds only the repositories it uses, to stay well inside the bundle budget.
let built: { config: RuntimeConfig; deps: ReturnType<typeof buildDeps>; sender: MessageSender } | undefined;

function buildDeps(config: RuntimeConfig) {
  const db = createDocumentClient(config.endpoint);
  return {
    city: config.city,
    clock: systemClock,
    members: new DynamoMemberRepository(db, config.tableName),
    deliveries: new DynamoDeliveryRepository(db, config.tableName),
    held: new DynamoHeldNoticeRepository(db, config.tableName),
    signingKeys: new DynamoSigningKeyRepository(db, config.tableName),
  };
}

/** Rebuilt only when the configuration changes (the local runtime pointing at a new store). */
function channelDeps() {
  const config = runtimeConfig();
  if (built?.config !== config) {
    built = {
      config,
      deps: buildDeps(config),
      sender: productionSender(config.city, config.mailConfigurationSet),
    };
  }
  return { ...built.deps, sender: built.sender };
}

const releaseSchema = z.object({ memberId: z.string(), notifications: z.array(notificationSchema) });

/**
 * Sends each new inbox notification by email or SMS, as the member prefers (held in quiet hours),
 * and each release of held notices once quiet hours are over, as one message.
 */
export const handler = streamConsumer("notification-channels", channelDeps, async (record, deps) => {
  if (record.eventName !== "INSERT") return;
  const { newImage } = imagesOf(record);
  if (newImage?.entity === "Notification") {
    await fanOutNotification(deps, deps.sender, notificationSchema.parse(newImage));
  } else if (newImage?.entity === "NoticeRelease") {
    const release = releaseSchema.parse(newImage);
    await sendReleasedNotices(deps, deps.sender, release.memberId, release.notifications);
  }
});
