import { whoAmI } from "#domain/membership/identity.ts";
import { isCoordinatorOrAdmin, memberSchema, roleSchema } from "#domain/membership/member.ts";
import { consentStatusOf, consentStatusSchema } from "#domain/privacy/consent.ts";
import { passedMfa } from "#shared/mfa.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

export const whoAmISchema = z.object({
  subject: z.string(),
  member: z.nullable(memberSchema),
  roles: z.array(roleSchema),
  /**
   * Where the member stands with the city's terms, once joined: `required` means the web app asks
   * them to agree to `version` (at `termsUrl`) before anything new.
   */
  consent: z.optional(consentStatusSchema),
  /**
   * The second factor: `required` when the member's powers (an active coordinator or admin) need a
   * sign-in that passed one; `passed` when this sign-in did (the token's `mutua:mfa` claim, which
   * in AWS says the login has an authenticator app set up). Staff who have not passed one are led
   * to set one up, then to sign in again.
   */
  mfa: z.object({ required: z.boolean(), passed: z.boolean() }),
});

/**
 * Who am I: the caller's member record and roles, or `member: null` before joining; and whether
 * they must agree to a new version of the terms.
 */
export const handler = httpRoute(
  {
    summary: "Who am I: my member record, roles and whether the terms in force need my consent",
    auth: "subject",
    response: whoAmISchema,
  },
  async ({ deps, loginSubject, event }) => {
    const me = await whoAmI(deps, loginSubject);
    const staff = me.member?.status === "active" && isCoordinatorOrAdmin(me.member);
    return {
      body: {
        subject: me.subject,
        member: me.member,
        roles: me.member?.status === "active" ? me.member.roles : [],
        ...(me.member ? { consent: consentStatusOf(deps.city, me.member) } : {}),
        mfa: { required: staff, passed: passedMfa(event.requestContext.authorizer?.jwt?.claims) },
      },
    };
  },
);
