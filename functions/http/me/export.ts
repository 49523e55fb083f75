import { memberSchema } from "#domain/membership/member.ts";
import { exportMemberData } from "#domain/membership/members.ts";
import { auditEntrySchema } from "#domain/notices/audit-trail.ts";
import { notificationSchema } from "#domain/notices/inbox.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Everything Mutua holds about me, as one JSON document (the right of access). */
export const handler = httpRoute(
  {
    summary: "Export all my data as JSON",
    auth: "member",
    // A coordinator exports a member's data at their request, whatever their status.
    actFor: "any-status",
    response: z.object({
      exportedAt: z.string(),
      member: memberSchema,
      inbox: z.array(notificationSchema),
      auditTrail: z.array(auditEntrySchema),
    }),
  },
  async ({ deps, subject }) => ({ body: await exportMemberData(deps, subject) }),
);
