import { productionDeps } from "../../shared/data/deps.ts";
import { imagesOf } from "../../shared/data/stream.ts";
import { conversationSchema, messageSchema } from "../../shared/domain/conversations/conversation.ts";
import { noticeNewMessage } from "../../shared/domain/conversations/messaging.ts";
import {
  eraseClosedMemberMessages,
  eraseExpiredConversation,
} from "../../shared/domain/conversations/retention.ts";
import { streamConsumer } from "./consumer.ts";

/**
 * What follows conversations on the stream: a new message tells the other parties (once until they
 * read); a conversation whose header expired (TTL, the city's retention after its last activity)
 * takes everything of it along; a closed account's messages leave every conversation.
 */
export const handler = streamConsumer("conversations", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  if (record.eventName === "INSERT" && newImage?.entity === "Message") {
    await noticeNewMessage(deps, messageSchema.parse(newImage));
  } else if (record.eventName === "REMOVE" && oldImage?.entity === "Conversation") {
    await eraseExpiredConversation(deps, conversationSchema.parse(oldImage));
  } else if (
    record.eventName === "MODIFY" &&
    newImage?.entity === "Member" &&
    newImage.status === "closed" &&
    oldImage?.status !== "closed" &&
    typeof newImage.memberId === "string"
  ) {
    await eraseClosedMemberMessages(deps, newImage.memberId);
  }
});
