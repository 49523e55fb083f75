import {
  privateMemberSchema,
  profileUpdateSchema,
  updateProfile,
  viewMember,
} from "#domain/membership/profile.ts";
import { httpRoute } from "../route.ts";

/** Edit my profile (or, with x-act-for, the profile of a member I help or an organisation I run). */
export const handler = httpRoute(
  {
    summary: "Update my profile: name, languages, skills, area, home, availability, contact, needs",
    auth: "member",
    actFor: true,
    body: profileUpdateSchema,
    response: privateMemberSchema,
  },
  async ({ deps, actor, subject, body }) => {
    const member = await updateProfile(deps, { actor, subject }, body);
    return { body: viewMember(actor, member, deps.city) };
  },
);
