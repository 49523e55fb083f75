import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { statementRequestSchema } from "#domain/exchanges/requests.ts";
import { addDisputeStatement } from "#domain/exchanges/use-cases.ts";
import { idSchema } from "#domain/kernel/ids.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** A party of a disputed exchange (or a coordinator acting for them) gives their account, once. */
export const handler = httpRoute(
  {
    summary:
      "Give a party's own account of a disputed exchange, once (the same text again answers the exchange as it is)",
    auth: "member",
    actFor: true,
    path: z.object({ exchangeId: idSchema }),
    body: statementRequestSchema,
    response: exchangeSchema,
  },
  async ({ deps, actor, subject, path, body }) => ({
    body: await addDisputeStatement(deps, { actor, subject }, path.exchangeId, body),
  }),
);
