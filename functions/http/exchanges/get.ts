import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { getExchange } from "#domain/exchanges/use-cases.ts";
import { idSchema } from "#domain/kernel/ids.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** One exchange, for its parties (or those acting for them) and coordinators in scope. */
export const handler = httpRoute(
  {
    summary: "An exchange (its parties and coordinators in scope)",
    auth: "member",
    actFor: true,
    path: z.object({ exchangeId: idSchema }),
    response: exchangeSchema,
  },
  async ({ deps, actor, subject, path }) => ({
    body: await getExchange(deps, { actor, subject }, path.exchangeId),
  }),
);
