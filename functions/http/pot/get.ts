import { accountViewSchema, viewAccount } from "#domain/ledger/accounts.ts";
import { POT_ACCOUNT_ID } from "#domain/ledger/books.ts";
import { httpRoute } from "../route.ts";

/** The city's community pot, open for every member to see. */
export const handler = httpRoute(
  {
    summary: "The community pot's account (donations in, welcome credits out)",
    auth: "member",
    response: accountViewSchema,
  },
  async ({ deps }) => ({ body: await viewAccount(deps, POT_ACCOUNT_ID, "pot") }),
);
