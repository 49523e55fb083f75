import { idSchema } from "#domain/kernel/ids.ts";
import { decideMembership } from "#domain/membership/members.ts";
import { privateMemberSchema, viewMember } from "#domain/membership/profile.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

const reason = z.string().check(z.trim(), z.minLength(3), z.maxLength(500));

/** Approve, decline (with a reason), suspend (with a reason) or reinstate a member in scope. */
export const handler = httpRoute(
  {
    summary: "Approve, decline, suspend or reinstate a member (coordinators in scope)",
    auth: "member",
    staff: true,
    path: z.object({ memberId: idSchema }),
    body: z.discriminatedUnion("decision", [
      z.strictObject({ decision: z.literal("approve") }),
      z.strictObject({ decision: z.literal("reinstate") }),
      z.strictObject({ decision: z.literal("decline"), reason }),
      z.strictObject({ decision: z.literal("suspend"), reason }),
    ]),
    response: privateMemberSchema,
  },
  async ({ deps, actor, path, body }) => {
    const member = await decideMembership(
      deps,
      actor,
      path.memberId,
      body.decision,
      "reason" in body ? body.reason : undefined,
    );
    return { body: viewMember(actor, member, deps.city) };
  },
);
