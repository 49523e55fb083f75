import { productionDeps } from "../../shared/data/deps.ts";
import { imagesOf } from "../../shared/data/stream.ts";
import { conversationSchema } from "../../shared/domain/conversations/conversation.ts";
import {
  eraseClosedMemberMessages,
  eraseExpiredConversation,
} from "../../shared/domain/conversations/retention.ts";
import { streamConsumer } from "./stack.ts";

/**
 * Deletes what conversations must not keep: everything of a conversation whose header expired
 * (TTL, the city's retention after its last activity), and a member's messages when their
 * account closes.
 */
export const handler = streamConsumer("conversation-erasure", productionDeps, async (record, deps) => {
  const { oldImage, newImage } = imagesOf(record);
  if (record.eventName === "REMOVE" && oldImage?.entity === "Conversation") {
    await eraseExpiredConversation(deps, conversationSchema.parse(oldImage));
    return;
  }
  if (
    record.eventName === "MODIFY" &&
    newImage?.entity === "Member" &&
    newImage.status === "closed" &&
    oldImage?.status !== "closed" &&
    typeof newImage.memberId === "string"
  ) {
    await eraseClosedMemberMessages(deps, newImage.memberId);
  }
});
