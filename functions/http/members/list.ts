import { pageQueryFields } from "#domain/kernel/paging.ts";
import { memberStatuses } from "#domain/membership/member.ts";
import { listMembers } from "#domain/membership/members.ts";
import { privateMemberSchema, viewMember } from "#domain/membership/profile.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** The coordinators' queue: members by status (pending by default) in their areas. */
export const handler = httpRoute(
  {
    summary: "List members by status in my areas (coordinators)",
    auth: "member",
    staff: true,
    query: z.strictObject({
      status: z._default(z.enum(memberStatuses), "pending"),
      area: z.optional(z.string().check(z.maxLength(60))),
      ...pageQueryFields,
    }),
    response: z.object({ items: z.array(privateMemberSchema), nextCursor: z.optional(z.string()) }),
  },
  async ({ deps, actor, query }) => {
    const page = await listMembers(deps, actor, query.status, query.area, {
      limit: query.limit ?? 20,
      cursor: query.cursor,
    });
    return { body: { ...page, items: page.items.map((m) => viewMember(actor, m, deps.city)) } };
  },
);
