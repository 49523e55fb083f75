import { idSchema } from "#domain/kernel/ids.ts";
import { publishActivity } from "#domain/ledger/activities.ts";
import { activitySchema, publishActivitySchema } from "#domain/ledger/activity.ts";
import { resolveActing } from "#domain/membership/acting.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** A venue (any organisation, through its admin) publishes an activity that accepts credits. */
export const handler = httpRoute(
  {
    summary: "Publish an activity that accepts time credits (organisation admins)",
    auth: "member",
    path: z.object({ memberId: idSchema }),
    body: publishActivitySchema,
    response: activitySchema,
    status: 201,
  },
  async ({ deps, actor, path, body }) => ({
    body: await publishActivity(deps, await resolveActing(deps, actor, path.memberId), body),
  }),
);
