import { pageQueryFields } from "#domain/kernel/paging.ts";
import { listActivities } from "#domain/ledger/activities.ts";
import { activityPageSchema } from "#domain/ledger/activity.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Activities that accept credits, newest first. */
export const handler = httpRoute(
  {
    summary: "Activities that accept time credits, newest first",
    auth: "member",
    query: z.strictObject(pageQueryFields),
    response: activityPageSchema,
  },
  async ({ deps, query }) => ({
    body: await listActivities(deps, { limit: query.limit ?? 20, cursor: query.cursor }),
  }),
);
