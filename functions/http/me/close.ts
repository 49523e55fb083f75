import { closeAccountAndPosts } from "#domain/membership/closing.ts";
import { privateMemberSchema, viewMember } from "#domain/membership/profile.ts";
import { httpRoute } from "../route.ts";

/** Close my membership: personal details are erased and my open posts withdrawn. */
export const handler = httpRoute(
  {
    summary:
      "Close my membership (withdraws my open posts; erases contact details, home location, needs and bio)",
    auth: "member",
    actFor: true,
    response: privateMemberSchema,
  },
  async ({ deps, actor, subject }) => {
    const { member } = await closeAccountAndPosts(deps, { actor, subject });
    return { body: viewMember(actor, member, deps.city) };
  },
);
