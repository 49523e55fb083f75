import { idSchema } from "#domain/kernel/ids.ts";
import { lookUpMember } from "#domain/membership/members.ts";
import { privateMemberSchema, publicMemberSchema, viewMember } from "#domain/membership/profile.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** A member's profile as the caller may see it: contact details only for the member and their coordinators. */
export const handler = httpRoute(
  {
    summary: "See a member's profile",
    auth: "member",
    accessLog: "path-member",
    path: z.object({ memberId: idSchema }),
    // Another member's profile shows a coordinator their contact details: a power.
    staff: ({ member, path }) => path.memberId !== member.memberId,
    response: z.union([privateMemberSchema, publicMemberSchema]),
  },
  async ({ deps, actor, path }) => {
    const member = await lookUpMember(deps, actor, path.memberId);
    return { body: viewMember(actor, member, deps.city) };
  },
);
