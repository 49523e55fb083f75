import * as z from "#shared/zod.ts";
import {
  conversationIdSchema,
  reportSchema,
  reportViewSchema,
} from "../../../shared/domain/conversations/conversation.ts";
import { reportConversation } from "../../../shared/domain/conversations/safety.ts";
import { httpRoute } from "../route.ts";

/** Report a conversation: it goes to the coordinators' queue of both members' areas. */
export const handler = httpRoute(
  {
    summary: "Report a conversation to the coordinators in scope",
    auth: "member",
    actFor: true,
    path: z.object({ conversationId: conversationIdSchema }),
    body: reportSchema,
    response: reportViewSchema,
    status: 201,
  },
  async ({ deps, actor, subject, path, body }) => ({
    body: await reportConversation(deps, { actor, subject }, path.conversationId, body),
  }),
);
