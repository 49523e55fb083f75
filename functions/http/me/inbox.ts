import { pageQueryFields } from "#domain/kernel/paging.ts";
import { readNotificationSchema } from "#domain/notices/inbox.ts";
import { readInbox } from "#domain/notices/read-inbox.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** My notifications, newest first. */
export const handler = httpRoute(
  {
    summary: "My notification inbox, newest first, in my language",
    auth: "member",
    actFor: true,
    query: z.strictObject(pageQueryFields),
    response: z.object({ items: z.array(readNotificationSchema), nextCursor: z.optional(z.string()) }),
  },
  async ({ deps, subject, query }) => ({
    body: await readInbox(deps, subject, { limit: query.limit ?? 20, cursor: query.cursor }),
  }),
);
