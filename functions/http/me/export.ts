import { auditEntrySchema } from "../../../shared/domain/audit.ts";
import { type Notification, notificationSchema } from "../../../shared/domain/inbox.ts";
import { memberSchema } from "../../../shared/domain/member.ts";
import * as z from "../../../shared/zod.ts";
import { httpRoute } from "../stack.ts";

/** Everything Mutua holds about me, as one JSON document (the right of access). */
export const handler = httpRoute(
  {
    summary: "Export all my data as JSON",
    auth: "member",
    actFor: true,
    response: z.object({
      exportedAt: z.string(),
      member: memberSchema,
      inbox: z.array(notificationSchema),
      auditTrail: z.array(auditEntrySchema),
    }),
  },
  async ({ deps, subject }) => {
    const inbox: Notification[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.inbox.list(subject.memberId, { limit: 50, cursor });
      inbox.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return {
      body: {
        exportedAt: deps.clock.now().toISOString(),
        member: subject,
        inbox,
        auditTrail: await deps.audit.listForSubject(subject.memberId, 1000),
      },
    };
  },
);
