import { auditEntrySchema } from "../../../shared/domain/audit.ts";
import { NotFoundError } from "../../../shared/domain/errors.ts";
import { idSchema } from "../../../shared/domain/ids.ts";
import { coordinatesArea } from "../../../shared/domain/member.ts";
import * as z from "../../../shared/zod.ts";
import { httpRoute } from "../stack.ts";

/** Who changed what about a member, newest first: for the member, their coordinators and admins. */
export const handler = httpRoute(
  {
    summary: "A member's audit trail (the member, coordinators in scope, admins)",
    auth: "member",
    path: z.object({ memberId: idSchema }),
    response: z.object({ items: z.array(auditEntrySchema) }),
  },
  async ({ deps, actor, path }) => {
    const member = path.memberId === actor.memberId ? actor : await deps.members.get(path.memberId);
    if (!member || (member.memberId !== actor.memberId && !coordinatesArea(actor, member.area))) {
      throw new NotFoundError("No such member");
    }
    return { body: { items: await deps.audit.listForSubject(member.memberId, 50) } };
  },
);
