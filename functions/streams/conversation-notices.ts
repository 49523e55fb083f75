import { productionDeps } from "../../shared/data/deps.ts";
import { imagesOf } from "../../shared/data/stream.ts";
import { messageSchema } from "../../shared/domain/conversations/conversation.ts";
import { noticeNewMessage } from "../../shared/domain/conversations/messaging.ts";
import { streamConsumer } from "./stack.ts";

/** Tells the other parties of a new message, once until they read the conversation. */
export const handler = streamConsumer("conversation-notices", productionDeps, async (record, deps) => {
  const { newImage } = imagesOf(record);
  if (record.eventName !== "INSERT" || newImage?.entity !== "Message") return;
  await noticeNewMessage(deps, messageSchema.parse(newImage));
});
