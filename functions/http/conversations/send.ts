import * as z from "#shared/zod.ts";
import {
  conversationIdSchema,
  messageViewSchema,
  sendMessageSchema,
} from "../../../shared/domain/conversations/conversation.ts";
import { sendMessage } from "../../../shared/domain/conversations/messaging.ts";
import { httpRoute } from "../route.ts";

/**
 * Send a message. The body's `clientMessageId` makes it idempotent: sending it again answers the
 * first message (200) instead of writing a second one (201).
 */
export const handler = httpRoute(
  {
    summary: "Send a message in a conversation (idempotent by clientMessageId)",
    auth: "member",
    actFor: true,
    path: z.object({ conversationId: conversationIdSchema }),
    body: sendMessageSchema,
    response: messageViewSchema,
    status: 201,
    maxBodyBytes: 16 * 1024,
  },
  async ({ deps, actor, subject, path, body }) => {
    const sent = await sendMessage(deps, { actor, subject }, path.conversationId, body);
    return { status: sent.replay ? 200 : 201, body: sent.message };
  },
);
