import { pageQueryFields } from "#domain/kernel/paging.ts";
import * as z from "#shared/zod.ts";
import { conversationPageSchema } from "../../../shared/domain/conversations/conversation.ts";
import { listMyConversations } from "../../../shared/domain/conversations/messaging.ts";
import { httpRoute } from "../route.ts";

/** My conversations, latest activity first, with unread counts. */
export const handler = httpRoute(
  {
    summary: "My conversations, latest activity first, with unread counts",
    auth: "member",
    actFor: true,
    query: z.strictObject(pageQueryFields),
    response: conversationPageSchema,
  },
  async ({ deps, subject, query }) => ({
    body: await listMyConversations(deps, subject, { limit: query.limit ?? 20, cursor: query.cursor }),
  }),
);
