import { idSchema } from "#domain/kernel/ids.ts";
import { setVerified, verifySchema } from "#domain/membership/members.ts";
import { privateMemberSchema, viewMember } from "#domain/membership/profile.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** A coordinator marks a member verified (checked in person), which opens sensitive posts to them. */
export const handler = httpRoute(
  {
    summary: "Mark a member verified or not (coordinators in scope)",
    auth: "member",
    staff: true,
    path: z.object({ memberId: idSchema }),
    body: verifySchema,
    response: privateMemberSchema,
  },
  async ({ deps, actor, path, body }) => {
    const member = await setVerified(deps, actor, path.memberId, body.verified);
    return { body: viewMember(actor, member, deps.city) };
  },
);
