import { auditEntrySchema } from "../../../shared/domain/audit.ts";
import { readNotificationSchema } from "../../../shared/domain/inbox.ts";
import { memberSchema } from "../../../shared/domain/member.ts";
import { exportMemberData } from "../../../shared/domain/membership.ts";
import * as z from "../../../shared/zod.ts";
import { httpRoute } from "../stack.ts";

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
      inbox: z.array(readNotificationSchema),
      auditTrail: z.array(auditEntrySchema),
    }),
  },
  async ({ deps, subject }) => ({ body: await exportMemberData(deps, subject) }),
);
