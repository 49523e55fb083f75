import { exchangePageSchema } from "../../../shared/domain/exchange.ts";
import { exchangeQueueQuerySchema, listExchangeQueue } from "../../../shared/domain/exchange-queue.ts";
import { httpRoute } from "../stack.ts";

/** The coordinators' queue: exchanges by status (default: disputed) in one of their areas. */
export const handler = httpRoute(
  {
    summary: "Exchanges by status and area, oldest in that status first: the dispute queue (coordinators)",
    auth: "member",
    query: exchangeQueueQuerySchema,
    response: exchangePageSchema,
  },
  async ({ deps, actor, query }) => ({ body: await listExchangeQueue(deps, actor, query) }),
);
