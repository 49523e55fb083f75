import { idSchema } from "#domain/kernel/ids.ts";
import { resolveActing } from "#domain/membership/acting.ts";
import { adminsSchema, setOrganisationAdmins } from "#domain/membership/members.ts";
import { privateMemberSchema, viewMember } from "#domain/membership/profile.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** An organisation's admins (or a coordinator in scope) change who acts for it. */
export const handler = httpRoute(
  {
    summary: "Replace an organisation's admins (its admins, coordinators in scope)",
    auth: "member",
    path: z.object({ memberId: idSchema }),
    // An organisation's own admins change its admins as its admins; anyone else does it with power.
    staff: async ({ member, path, deps }) =>
      !(await deps.members.get(path.memberId))?.admins.includes(member.memberId),
    body: adminsSchema,
    response: privateMemberSchema,
  },
  async ({ deps, actor, path, body }) => {
    const acting = await resolveActing(deps, actor, path.memberId);
    const organisation = await setOrganisationAdmins(deps, acting, body.admins);
    // Shown as the organisation sees itself: the caller acted for it, even when the change just
    // handed it to others (their own view of it would no longer be the private one).
    return { body: viewMember(acting.subject, organisation, deps.city) };
  },
);
