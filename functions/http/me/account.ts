import { accountViewSchema, viewAccount } from "#domain/ledger/accounts.ts";
import { httpRoute } from "../route.ts";

/** My account: balance, limits, what I can still spend and receive, hours given and received. */
export const handler = httpRoute(
  {
    summary: "My time account: balance, limits, hours given and hours received",
    auth: "member",
    actFor: true,
    response: accountViewSchema,
  },
  async ({ deps, subject }) => ({ body: await viewAccount(deps, subject.memberId, subject.kind) }),
);
