import * as z from "#shared/zod.ts";
import { conversationIdSchema } from "../../../shared/domain/conversations/conversation.ts";
import { markConversationRead } from "../../../shared/domain/conversations/messaging.ts";
import { httpRoute } from "../route.ts";

/** Mark a conversation read (idempotent). */
export const handler = httpRoute(
  {
    summary: "Mark a conversation read",
    auth: "member",
    actFor: true,
    path: z.object({ conversationId: conversationIdSchema }),
    response: z.object({ conversationId: z.string(), unread: z.literal(0) }),
  },
  async ({ deps, actor, subject, path }) => ({
    body: await markConversationRead(deps, { actor, subject }, path.conversationId),
  }),
);
