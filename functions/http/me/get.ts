import { whoAmI } from "#domain/membership/identity.ts";
import { memberSchema, roleSchema } from "#domain/membership/member.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

export const whoAmISchema = z.object({
  subject: z.string(),
  member: z.nullable(memberSchema),
  roles: z.array(roleSchema),
});

/** Who am I: the caller's member record and roles, or `member: null` before joining. */
export const handler = httpRoute(
  { summary: "Who am I: my member record and roles", auth: "subject", response: whoAmISchema },
  async ({ deps, loginSubject }) => {
    const me = await whoAmI(deps, loginSubject);
    return {
      body: {
        subject: me.subject,
        member: me.member,
        roles: me.member?.status === "active" ? me.member.roles : [],
      },
    };
  },
);
