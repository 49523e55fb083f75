import { idSchema } from "#domain/kernel/ids.ts";
import { rolesSchema, setRoles } from "#domain/membership/members.ts";
import { privateMemberSchema, viewMember } from "#domain/membership/profile.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** An admin makes a member a coordinator (for the whole city or listed areas) or an admin. */
export const handler = httpRoute(
  {
    summary: "Set a member's roles and coordinator areas (admins)",
    auth: "member",
    staff: true,
    path: z.object({ memberId: idSchema }),
    body: rolesSchema,
    response: privateMemberSchema,
  },
  async ({ deps, actor, path, body }) => {
    const member = await setRoles(deps, actor, path.memberId, body);
    return { body: viewMember(actor, member, deps.city) };
  },
);
