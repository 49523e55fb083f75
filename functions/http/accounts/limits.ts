import { idSchema } from "#domain/kernel/ids.ts";
import { accountViewSchema, changeAccountLimits, limitsRequestSchema } from "#domain/ledger/accounts.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/**
 * Set an account's credit limit and maximum balance: a resident's by a coordinator in scope; an
 * organisation's (its issuance quota) and the community pot's (`city-pot`) by an admin.
 */
export const handler = httpRoute(
  {
    summary:
      "Set an account's credit limit and maximum balance (coordinators; admins for organisations and the pot)",
    auth: "member",
    staff: true,
    path: z.object({ accountId: idSchema }),
    body: limitsRequestSchema,
    response: accountViewSchema,
  },
  async ({ deps, actor, path, body }) => ({
    body: await changeAccountLimits(deps, actor, path.accountId, body),
  }),
);
