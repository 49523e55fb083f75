import { pageQueryFields } from "#domain/kernel/paging.ts";
import { accessRecordViewSchema, readAccessLog } from "#domain/privacy/access-log.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Who among coordinators and admins looked at, acted on or exported my data, newest first. */
export const handler = httpRoute(
  {
    summary: "Who looked at my data: coordinators' and admins' reads, actions and exports, newest first",
    auth: "member",
    actFor: true,
    query: z.strictObject(pageQueryFields),
    response: z.object({ items: z.array(accessRecordViewSchema), nextCursor: z.optional(z.string()) }),
  },
  async ({ deps, subject, query }) => ({
    body: await readAccessLog(deps, subject.memberId, { limit: query.limit ?? 20, cursor: query.cursor }),
  }),
);
