import { newOrganisationSchema, registerOrganisation } from "#domain/membership/members.ts";
import { privateMemberSchema, viewMember } from "#domain/membership/profile.ts";
import { httpRoute } from "../route.ts";

/** A coordinator registers a charity, council service or venue with the residents who act for it. */
export const handler = httpRoute(
  {
    summary: "Register an organisation with its admins (coordinators)",
    auth: "member",
    staff: true,
    body: newOrganisationSchema,
    response: privateMemberSchema,
    status: 201,
  },
  async ({ deps, actor, body }) => {
    const organisation = await registerOrganisation(deps, actor, body);
    return { body: viewMember(actor, organisation, deps.city) };
  },
);
