import { idSchema } from "#domain/kernel/ids.ts";
import { auditTrailOf } from "#domain/membership/members.ts";
import { auditEntrySchema } from "#domain/notices/audit-trail.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Who changed what about a member, newest first: for the member, their coordinators and admins. */
export const handler = httpRoute(
  {
    summary: "A member's audit trail (the member, coordinators in scope, admins)",
    auth: "member",
    accessLog: "path-member",
    path: z.object({ memberId: idSchema }),
    // One's own trail is one's own; anyone else's is a coordinator's or an admin's power.
    staff: ({ member, path }) => path.memberId !== member.memberId,
    response: z.object({ items: z.array(auditEntrySchema) }),
  },
  async ({ deps, actor, path }) => ({ body: { items: await auditTrailOf(deps, actor, path.memberId) } }),
);
