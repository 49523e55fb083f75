import { pageQueryFields } from "#domain/kernel/paging.ts";
import { readStatement, statementSchema } from "#domain/ledger/accounts.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** My statement, oldest first, with the running balance after each line. */
export const handler = httpRoute(
  {
    summary: "My account statement with running balance, oldest first",
    auth: "member",
    actFor: true,
    query: z.strictObject(pageQueryFields),
    response: statementSchema,
  },
  async ({ deps, subject, query }) => ({
    body: await readStatement(deps, subject.memberId, { limit: query.limit ?? 50, cursor: query.cursor }),
  }),
);
