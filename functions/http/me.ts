import { whoAmI } from "../../shared/domain/identity.ts";
import { httpRoute } from "./stack.ts";

/** Who am I: the caller's member record and roles, or `member: null` before joining. */
export const handler = httpRoute({ auth: "subject" }, async ({ deps, subject = "" }) => {
  const me = await whoAmI(deps, subject);
  return {
    body: {
      subject: me.subject,
      member: me.member,
      roles: me.member?.status === "active" ? me.member.roles : [],
    },
  };
});
