import { pageQueryFields } from "#domain/kernel/paging.ts";
import { notificationSchema } from "#domain/notices/inbox.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** My notifications, newest first. */
export const handler = httpRoute(
  {
    summary: "My notification inbox, newest first",
    auth: "member",
    actFor: true,
    query: z.strictObject(pageQueryFields),
    response: z.object({ items: z.array(notificationSchema), nextCursor: z.optional(z.string()) }),
  },
  async ({ deps, subject, query }) => ({
    body: await deps.inbox.list(subject.memberId, { limit: query.limit ?? 20, cursor: query.cursor }),
  }),
);
