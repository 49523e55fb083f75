import { newResidentSchema, registerResident } from "#domain/membership/members.ts";
import { privateMemberSchema, viewMember } from "#domain/membership/profile.ts";
import { httpRoute } from "../route.ts";

/** A coordinator registers a resident who has no email or phone; they act for them afterwards. */
export const handler = httpRoute(
  {
    summary: "Register a resident without email or phone (coordinators)",
    auth: "member",
    staff: true,
    body: newResidentSchema,
    response: privateMemberSchema,
    status: 201,
  },
  async ({ deps, actor, body }) => {
    const member = await registerResident(deps, actor, body);
    return { body: viewMember(actor, member, deps.city) };
  },
);
