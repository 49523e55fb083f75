import { exchangePageSchema } from "#domain/exchanges/requests.ts";
import { listMyExchanges } from "#domain/exchanges/use-cases.ts";
import { pageQueryFields } from "#domain/kernel/paging.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** My exchanges, newest first. */
export const handler = httpRoute(
  {
    summary: "My exchanges, newest first",
    auth: "member",
    actFor: true,
    query: z.strictObject(pageQueryFields),
    response: exchangePageSchema,
  },
  async ({ deps, actor, subject, query }) => ({
    body: await listMyExchanges(deps, { actor, subject }, { limit: query.limit ?? 20, cursor: query.cursor }),
  }),
);
