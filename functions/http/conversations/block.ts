import * as z from "#shared/zod.ts";
import {
  blockSchema,
  conversationIdSchema,
  conversationViewSchema,
} from "../../../shared/domain/conversations/conversation.ts";
import { blockInConversation } from "../../../shared/domain/conversations/safety.ts";
import { httpRoute } from "../route.ts";

/** Block the other party: the conversation closes both ways (the blocked side sees it closed). */
export const handler = httpRoute(
  {
    summary: "Block another party of a conversation: it closes both ways",
    auth: "member",
    actFor: true,
    path: z.object({ conversationId: conversationIdSchema }),
    body: blockSchema,
    response: conversationViewSchema,
  },
  async ({ deps, actor, subject, path, body }) => ({
    body: await blockInConversation(deps, { actor, subject }, path.conversationId, body.memberId),
  }),
);
