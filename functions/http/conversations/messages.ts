import * as z from "#shared/zod.ts";
import {
  conversationIdSchema,
  messagePageSchema,
  messagesQuerySchema,
} from "../../../shared/domain/conversations/conversation.ts";
import { listMessages } from "../../../shared/domain/conversations/messaging.ts";
import { httpRoute } from "../route.ts";

/** A conversation's messages, newest first, for its parties (and coordinators of a reported one). */
export const handler = httpRoute(
  {
    summary: "A conversation's messages, newest first (parties; coordinators in scope once it is reported)",
    auth: "member",
    actFor: true,
    path: z.object({ conversationId: conversationIdSchema }),
    query: messagesQuerySchema,
    response: messagePageSchema,
  },
  async ({ deps, actor, subject, path, query }) => ({
    body: await listMessages(deps, { actor, subject }, path.conversationId, {
      limit: query.limit ?? 20,
      cursor: query.cursor,
    }),
  }),
);
