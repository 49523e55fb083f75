import { exchangeQueueQuerySchema, listExchangeQueue } from "#domain/exchanges/queue.ts";
import { exchangePageSchema } from "#domain/exchanges/requests.ts";
import { httpRoute } from "../route.ts";

/** The coordinators' queue: exchanges by status (default: disputed) in one of their areas. */
export const handler = httpRoute(
  {
    summary: "Exchanges by status and area, oldest in that status first: the dispute queue (coordinators)",
    auth: "member",
    staff: true,
    query: exchangeQueueQuerySchema,
    response: exchangePageSchema,
  },
  async ({ deps, actor, query }) => ({ body: await listExchangeQueue(deps, actor, query) }),
);
