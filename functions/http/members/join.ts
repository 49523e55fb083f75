import { askToJoin, joinRequestSchema } from "#domain/membership/members.ts";
import { privateMemberSchema, viewMember } from "#domain/membership/profile.ts";
import { httpRoute } from "../route.ts";

/** A signed-in person asks to join the city's time bank; a coordinator decides. */
export const handler = httpRoute(
  {
    summary: "Ask to join the time bank (pending until a coordinator approves)",
    auth: "subject",
    body: joinRequestSchema,
    response: privateMemberSchema,
    status: 201,
  },
  async ({ deps, loginSubject, body }) => {
    const member = await askToJoin(deps, loginSubject, body);
    return { body: viewMember(member, member, deps.city) };
  },
);
