import { productionSender } from "../../shared/data/message-sender.ts";
import { imagesOf } from "../../shared/data/stream.ts";
import { fanOutNotification } from "../../shared/domain/channels.ts";
import { notificationSchema } from "../../shared/domain/inbox.ts";
import type { MessageSender } from "../../shared/domain/ports.ts";
import { streamConsumer } from "./stack.ts";

// Built once per container, on first use; only this function's bundle carries SES and SNS.
let sender: MessageSender | undefined;

/** Sends each new inbox notification by email or SMS, as the member prefers. */
export const handler = streamConsumer("notification-channels", async (record, deps) => {
  if (record.eventName !== "INSERT") return;
  const { newImage } = imagesOf(record);
  if (newImage?.entity !== "Notification") return;
  sender ??= productionSender(deps.city.notifications.emailFrom);
  await fanOutNotification(deps, sender, notificationSchema.parse(newImage));
});
