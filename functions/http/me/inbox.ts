import { readNotificationSchema } from "../../../shared/domain/inbox.ts";
import { readInbox } from "../../../shared/domain/notices/read-inbox.ts";
import { pageQueryFields } from "../../../shared/domain/paging.ts";
import * as z from "../../../shared/zod.ts";
import { httpRoute } from "../stack.ts";

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
